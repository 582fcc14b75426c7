import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { temporaryPassword } from '../../shared/adapters/cognito-directory.js';
import { poolNameOf, srpChallenge, srpVerifier, srpVerifyClaim } from './srp.js';

/** The local user pool's id and its app client (the SPA's public client, no secret). */
export const LOCAL_USER_POOL_ID = 'local_pool';
export const LOCAL_CLIENT_ID = 'local_portal_client';
const TOKEN_SECONDS = 3600;

interface LocalUser {
  sub: string;
  username: string;
  attributes: Record<string, string>;
  passwordHash: string;
  /** SRP salt and verifier (USER_SRP_AUTH); the user id for SRP is the sub, as in Cognito. */
  srp?: { salt: string; verifier: string };
  /** FORCE_CHANGE_PASSWORD until the temporary password is replaced, as in Cognito. */
  status: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
  enabled: boolean;
  createdAt: string;
}

interface PoolState {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  users: LocalUser[];
}

/** A Cognito error as the service answers it: `__type` is what the SDK turns into an exception. */
export class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('base64')}:${scryptSync(password, salt, 32).toString('base64')}`;
}

function passwordMatches(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':') as [string, string];
  const candidate = scryptSync(password, Buffer.from(salt, 'base64'), 32);
  return timingSafeEqual(candidate, Buffer.from(hash, 'base64'));
}

/** Cognito's default password policy: 8+ characters with upper, lower, digit and symbol. */
function checkPolicy(password: string): void {
  const ok =
    password.length >= 8 &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /\d/.test(password) &&
    /[^A-Za-z0-9]/.test(password);
  if (!ok) {
    throw new CognitoError(
      'InvalidPasswordException',
      'Password does not conform to policy: at least 8 characters with upper and lower case letters, a number and a symbol.',
    );
  }
}

/**
 * A local stand-in for a Cognito user pool: the admin API the portal's directory adapter calls, the
 * SRP sign-in the SPA makes with Cognito's own client library (USER_SRP_AUTH → PASSWORD_VERIFIER),
 * USER_PASSWORD_AUTH (tests, scripts), the NEW_PASSWORD_REQUIRED challenge for invited members, RS256 ID tokens with Cognito's claims (`sub`, `email`, `custom:tenant_id`, `aud` = client
 * id, `token_use`), and the JWKS they verify against. State (signing key, users) persists in
 * `stateFile` when given. Development and test infrastructure only.
 */
export async function createLocalCognito(options: { issuer: () => string; stateFile?: string }) {
  let state: PoolState;
  if (options.stateFile && existsSync(options.stateFile)) {
    state = JSON.parse(readFileSync(options.stateFile, 'utf8')) as PoolState;
  } else {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    state = {
      kid,
      privateJwk: await exportJWK(privateKey),
      publicJwk: await exportJWK(publicKey),
      users: [],
    };
  }
  const signingKey = await importJWK(state.privateJwk, 'RS256');
  const save = () => {
    if (options.stateFile) writeFileSync(options.stateFile, JSON.stringify(state), { mode: 0o600 });
  };
  save();

  const sessions = new Map<string, string>();
  /** SRP exchanges in flight, by secret block: the server's ephemeral values. */
  const srpExchanges = new Map<string, { sub: string; srpA: string; srpB: string; b: string; at: number }>();
  const poolName = poolNameOf(LOCAL_USER_POOL_ID);

  function setPassword(user: LocalUser, password: string) {
    user.passwordHash = hashPassword(password);
    user.srp = srpVerifier(poolName, user.sub, password);
  }

  /** After a password proved right: disabled users stop here, invited ones must choose a password. */
  function signedIn(user: LocalUser) {
    if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      const session = randomBytes(24).toString('base64url');
      sessions.set(session, user.sub);
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeParameters: {
          USER_ID_FOR_SRP: user.sub,
          userAttributes: JSON.stringify({ email: user.attributes.email ?? user.username }),
          requiredAttributes: '[]',
        },
      };
    }
    return tokensFor(user);
  }

  function userNamed(username: unknown): LocalUser {
    const user = state.users.find((candidate) => candidate.username === String(username).toLowerCase());
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  function asAttributes(user: LocalUser) {
    return Object.entries({ sub: user.sub, ...user.attributes }).map(([Name, Value]) => ({ Name, Value }));
  }

  async function tokensFor(user: LocalUser, withRefresh = true) {
    const now = Math.floor(Date.now() / 1000);
    const common = { auth_time: now, 'cognito:username': user.username };
    const idToken = await new SignJWT({
      ...common,
      ...user.attributes,
      email_verified: true,
      token_use: 'id',
    })
      .setProtectedHeader({ alg: 'RS256', kid: state.kid })
      .setSubject(user.sub)
      .setIssuer(options.issuer())
      .setAudience(LOCAL_CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_SECONDS)
      .setJti(randomUUID())
      .sign(signingKey);
    const accessToken = await new SignJWT({
      ...common,
      client_id: LOCAL_CLIENT_ID,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: user.username,
    })
      .setProtectedHeader({ alg: 'RS256', kid: state.kid })
      .setSubject(user.sub)
      .setIssuer(options.issuer())
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_SECONDS)
      .setJti(randomUUID())
      .sign(signingKey);
    return {
      AuthenticationResult: {
        IdToken: idToken,
        AccessToken: accessToken,
        ExpiresIn: TOKEN_SECONDS,
        TokenType: 'Bearer',
        ...(withRefresh
          ? { RefreshToken: `local-refresh.${user.sub}.${randomBytes(16).toString('hex')}` }
          : {}),
      },
    };
  }

  function checkClient(clientId: unknown) {
    if (clientId !== LOCAL_CLIENT_ID)
      throw new CognitoError(
        'ResourceNotFoundException',
        `User pool client ${String(clientId)} does not exist.`,
      );
  }

  // biome-ignore lint/suspicious/noExplicitAny: each operation declares the input shape it reads.
  const operations: Record<string, (input: any) => unknown> = {
    AdminCreateUser(input: {
      Username: string;
      TemporaryPassword?: string;
      UserAttributes?: { Name: string; Value: string }[];
    }) {
      const username = String(input.Username).toLowerCase();
      if (state.users.some((user) => user.username === username))
        throw new CognitoError('UsernameExistsException', 'User account already exists.');
      const password = input.TemporaryPassword ?? temporaryPassword();
      checkPolicy(password);
      const user: LocalUser = {
        sub: randomUUID(),
        username,
        attributes: Object.fromEntries((input.UserAttributes ?? []).map((a) => [a.Name, a.Value])),
        passwordHash: '',
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        createdAt: new Date().toISOString(),
      };
      setPassword(user, password);
      state.users.push(user);
      save();
      return {
        User: {
          Username: username,
          Attributes: asAttributes(user),
          Enabled: true,
          UserStatus: user.status,
          UserCreateDate: Date.now() / 1000,
        },
      };
    },
    AdminSetUserPassword(input: { Username: string; Password: string; Permanent?: boolean }) {
      const user = userNamed(input.Username);
      checkPolicy(input.Password);
      setPassword(user, input.Password);
      user.status = input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
      save();
      return {};
    },
    AdminEnableUser(input: { Username: string }) {
      userNamed(input.Username).enabled = true;
      save();
      return {};
    },
    AdminDisableUser(input: { Username: string }) {
      userNamed(input.Username).enabled = false;
      save();
      return {};
    },
    AdminGetUser(input: { Username: string }) {
      const user = userNamed(input.Username);
      return {
        Username: user.username,
        UserAttributes: asAttributes(user),
        Enabled: user.enabled,
        UserStatus: user.status,
      };
    },
    async InitiateAuth(input: {
      AuthFlow: string;
      ClientId: string;
      AuthParameters?: Record<string, string>;
    }) {
      checkClient(input.ClientId);
      const parameters = input.AuthParameters ?? {};
      if (input.AuthFlow === 'REFRESH_TOKEN_AUTH') {
        const sub = /^local-refresh\.([0-9a-f-]+)\./.exec(parameters.REFRESH_TOKEN ?? '')?.[1];
        const user = state.users.find((candidate) => candidate.sub === sub);
        if (!user?.enabled) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token.');
        return tokensFor(user, false);
      }
      if (input.AuthFlow === 'USER_SRP_AUTH') {
        const user = state.users.find(
          (candidate) => candidate.username === parameters.USERNAME?.toLowerCase(),
        );
        if (!user?.srp || !parameters.SRP_A)
          throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
        const { b, srpB } = srpChallenge(parameters.SRP_A, user.srp.verifier);
        const secretBlock = randomBytes(48).toString('base64');
        srpExchanges.set(secretBlock, { sub: user.sub, srpA: parameters.SRP_A, srpB, b, at: Date.now() });
        return {
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: {
            SALT: user.srp.salt,
            SRP_B: srpB,
            SECRET_BLOCK: secretBlock,
            USER_ID_FOR_SRP: user.sub,
            USERNAME: user.sub,
          },
        };
      }
      if (input.AuthFlow !== 'USER_PASSWORD_AUTH')
        throw new CognitoError(
          'InvalidParameterException',
          `Auth flow ${input.AuthFlow} is not enabled for this client.`,
        );
      const user = state.users.find((candidate) => candidate.username === parameters.USERNAME?.toLowerCase());
      // Cognito answers the same for an unknown user and a wrong password (no user enumeration).
      if (!user || !passwordMatches(parameters.PASSWORD ?? '', user.passwordHash))
        throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
      return signedIn(user);
    },
    async RespondToAuthChallenge(input: {
      ClientId: string;
      ChallengeName: string;
      Session: string;
      ChallengeResponses?: Record<string, string>;
    }) {
      checkClient(input.ClientId);
      if (input.ChallengeName === 'PASSWORD_VERIFIER') {
        const responses = input.ChallengeResponses ?? {};
        const secretBlock = responses.PASSWORD_CLAIM_SECRET_BLOCK ?? '';
        const exchange = srpExchanges.get(secretBlock);
        srpExchanges.delete(secretBlock);
        const user = state.users.find((candidate) => candidate.sub === exchange?.sub);
        const valid =
          exchange &&
          user?.srp &&
          Date.now() - exchange.at < 5 * 60_000 &&
          srpVerifyClaim({
            poolName,
            userId: user.sub,
            srpA: exchange.srpA,
            srpB: exchange.srpB,
            b: exchange.b,
            verifier: user.srp.verifier,
            secretBlock,
            timestamp: responses.TIMESTAMP ?? '',
            signature: responses.PASSWORD_CLAIM_SIGNATURE ?? '',
          });
        if (!valid || !user)
          throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
        return signedIn(user);
      }
      const sub = sessions.get(input.Session);
      const user = state.users.find((candidate) => candidate.sub === sub);
      if (input.ChallengeName !== 'NEW_PASSWORD_REQUIRED' || !user)
        throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
      const password = input.ChallengeResponses?.NEW_PASSWORD ?? '';
      checkPolicy(password);
      sessions.delete(input.Session);
      setPassword(user, password);
      user.status = 'CONFIRMED';
      save();
      return tokensFor(user);
    },
  };

  return {
    /** The public keys tokens verify against: served at `{issuer}/.well-known/jwks.json`. */
    jwks: () => ({ keys: [{ ...state.publicJwk, kid: state.kid, alg: 'RS256', use: 'sig' }] }),
    /** Runs one Cognito API operation (`InitiateAuth`, `AdminCreateUser`…). */
    async call(operation: string, input: unknown): Promise<unknown> {
      const run = operations[operation];
      if (!run) throw new CognitoError('UnknownOperationException', `${operation} is not emulated locally`);
      return run(input ?? {});
    },
  };
}

export type LocalCognito = Awaited<ReturnType<typeof createLocalCognito>>;
