import { createHash, randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { temporaryPassword } from '../../shared/adapters/cognito-directory.js';
import { poolNameOf, srpChallenge, srpVerifier, srpVerifyClaim } from './srp.js';

/** The local user pool's id and its app client (the SPA's public client, no secret). */
export const LOCAL_USER_POOL_ID = 'local_pool';
export const LOCAL_CLIENT_ID = 'local_portal_client';
const TOKEN_SECONDS = 3600;
/** How long a refresh token lasts: the portal client's refreshTokenValidity in AWS (12 hours). */
const REFRESH_TOKEN_MS = 12 * 3600_000;
/** How long a challenge's session may be answered (Cognito's default: 3 minutes). */
const SESSION_MS = 3 * 60_000;
/** Wrong codes a session takes before it must start over. */
const SESSION_ATTEMPTS = 5;

/** A TOTP as authenticator apps and Cognito use it (RFC 6238: SHA-1, 6 digits, 30 seconds). */
export const totpOf = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });

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
  /** A software token associated but not verified yet (AssociateSoftwareToken). */
  pendingTotpSecret?: string;
  /** The verified software token, and the last time step a code was accepted for (no replays). */
  totp?: { secret: string; lastStep: number };
  /** SOFTWARE_TOKEN_MFA is on: every sign-in answers a code. */
  mfaEnabled?: boolean;
}

/** What a challenge's session lets its holder do next. */
type SessionKind = 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP' | 'MFA_SETUP_VERIFIED';

/**
 * A refresh token Cognito issued, filed under its SHA-256 (the token itself is never stored). Its
 * `originJti` is also in every ID and access token it issues: revoking the refresh token (RevokeToken,
 * GlobalSignOut) ends them too, as Cognito's token revocation does.
 */
interface RefreshGrant {
  sub: string;
  originJti: string;
  authTime: number;
  expiresAt: number;
}

interface PoolState {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  users: LocalUser[];
  /** Live refresh tokens by SHA-256 (absent in state files written before refresh tokens were kept). */
  refreshTokens?: Record<string, RefreshGrant>;
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
 * USER_PASSWORD_AUTH (tests, scripts), the NEW_PASSWORD_REQUIRED challenge for invited members,
 * TOTP MFA as Cognito does it (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference,
 * the SOFTWARE_TOKEN_MFA and, when the pool requires MFA, MFA_SETUP challenges; RFC 6238 codes
 * through `otpauth`, one step either side, never the same step twice), RS256 ID tokens with
 * Cognito's claims (`sub`, `email`, `custom:tenant_id`, `aud` = client id, `token_use`,
 * `auth_time`, kept through refreshes), refresh tokens as the portal's app client has them (12 hours,
 * REFRESH_TOKEN_AUTH; ended by RevokeToken, GlobalSignOut and AdminUserGlobalSignOut, refused while
 * the user is disabled), and the JWKS tokens verify against. State (signing key,
 * users) persists in `stateFile` when given. Development and test infrastructure only.
 */
export async function createLocalCognito(options: {
  issuer: () => string;
  stateFile?: string;
  /** The pool's MfaConfiguration: OPTIONAL (each user chooses) or ON (every user sets up TOTP). */
  mfa?: 'OPTIONAL' | 'ON';
}) {
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
  const verifyingKey = await importJWK(state.publicJwk, 'RS256');
  state.refreshTokens ??= {};
  const refreshTokens = state.refreshTokens;
  const save = () => {
    for (const [hash, grant] of Object.entries(refreshTokens))
      if (grant.expiresAt <= Date.now()) delete refreshTokens[hash];
    if (options.stateFile) writeFileSync(options.stateFile, JSON.stringify(state), { mode: 0o600 });
  };
  const tokenHash = (token: unknown) => createHash('sha256').update(String(token)).digest('base64url');
  /** Revokes every refresh token of a user, and with them the access tokens they issued. */
  const revokeAll = (user: LocalUser) => {
    for (const [hash, grant] of Object.entries(refreshTokens))
      if (grant.sub === user.sub) delete refreshTokens[hash];
  };
  save();

  const sessions = new Map<string, { sub: string; kind: SessionKind; at: number; attempts: number }>();
  /** SRP exchanges in flight, by secret block: the server's ephemeral values. */
  const srpExchanges = new Map<string, { sub: string; srpA: string; srpB: string; b: string; at: number }>();
  const poolName = poolNameOf(LOCAL_USER_POOL_ID);

  function setPassword(user: LocalUser, password: string) {
    user.passwordHash = hashPassword(password);
    user.srp = srpVerifier(poolName, user.sub, password);
  }

  function newSession(user: LocalUser, kind: SessionKind): string {
    const session = randomBytes(48).toString('base64url');
    sessions.set(session, { sub: user.sub, kind, at: Date.now(), attempts: 0 });
    return session;
  }

  /** The user a challenge's session of this kind names; expired and used-up sessions are refused. */
  function sessionUser(session: unknown, kinds: readonly SessionKind[]): LocalUser {
    const entry = sessions.get(String(session));
    const user = state.users.find((candidate) => candidate.sub === entry?.sub);
    if (!entry || !user || !kinds.includes(entry.kind) || Date.now() - entry.at > SESSION_MS) {
      sessions.delete(String(session));
      throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    return user;
  }

  /** After a password proved right: disabled users stop here, invited ones must choose a password. */
  function signedIn(user: LocalUser) {
    if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: newSession(user, 'NEW_PASSWORD_REQUIRED'),
        ChallengeParameters: {
          USER_ID_FOR_SRP: user.sub,
          userAttributes: JSON.stringify({ email: user.attributes.email ?? user.username }),
          requiredAttributes: '[]',
        },
      };
    }
    return secondFactor(user);
  }

  /** After the password (and a new one if asked for): a code, a TOTP setup, or the tokens. */
  function secondFactor(user: LocalUser) {
    if (user.mfaEnabled && user.totp) {
      return {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: newSession(user, 'SOFTWARE_TOKEN_MFA'),
        ChallengeParameters: { USER_ID_FOR_SRP: user.sub },
      };
    }
    if (options.mfa === 'ON') {
      return {
        ChallengeName: 'MFA_SETUP',
        Session: newSession(user, 'MFA_SETUP'),
        ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' },
      };
    }
    return tokensFor(user);
  }

  /** Whether `code` is the user's TOTP for now (one step either side), at a step not used before. */
  function acceptCode(secret: string, code: unknown, lastStep: number): number | undefined {
    const totp = totpOf(secret);
    const delta = /^\d{6}$/.test(String(code)) ? totp.validate({ token: String(code), window: 1 }) : null;
    if (delta === null) return undefined;
    const step = totp.counter() + delta;
    return step > lastStep ? step : undefined;
  }

  /** The signed-in user an access token names (Cognito's user operations take one). */
  async function accessTokenUser(token: unknown): Promise<LocalUser> {
    try {
      const { payload } = await jwtVerify(String(token), verifyingKey, { issuer: options.issuer() });
      const user = state.users.find((candidate) => candidate.sub === payload.sub);
      if (payload.token_use !== 'access' || !user?.enabled) throw new Error('not an access token');
      const live = Object.values(refreshTokens).some((grant) => grant.originJti === payload.origin_jti);
      if (!live) throw new Error('its refresh token was revoked');
      return user;
    } catch {
      throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    }
  }

  /** The user an operation that takes an access token or a challenge's session is about. */
  async function tokenOrSessionUser(input: { AccessToken?: string; Session?: string }, kind: SessionKind) {
    if (input.AccessToken && input.Session)
      throw new CognitoError('InvalidParameterException', 'Pass an access token or a session, not both.');
    return input.AccessToken ? accessTokenUser(input.AccessToken) : sessionUser(input.Session, [kind]);
  }

  function setSoftwareTokenMfa(user: LocalUser, settings: { Enabled?: boolean } | undefined) {
    if (settings?.Enabled === undefined) return;
    if (settings.Enabled && !user.totp)
      throw new CognitoError('InvalidParameterException', 'User has not verified software token mfa');
    user.mfaEnabled = settings.Enabled;
  }

  function userNamed(username: unknown): LocalUser {
    const user = state.users.find((candidate) => candidate.username === String(username).toLowerCase());
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  function asAttributes(user: LocalUser) {
    return Object.entries({ sub: user.sub, ...user.attributes }).map(([Name, Value]) => ({ Name, Value }));
  }

  /**
   * Tokens. A sign-in also gets a refresh token (a new `origin_jti`); a refresh (`grant`) keeps the
   * sign-in's `auth_time` and `origin_jti` and gets no new refresh token, as in Cognito.
   */
  async function tokensFor(user: LocalUser, grant?: RefreshGrant) {
    const now = Math.floor(Date.now() / 1000);
    const originJti = grant?.originJti ?? randomUUID();
    const common = {
      auth_time: grant?.authTime ?? now,
      origin_jti: originJti,
      'cognito:username': user.username,
    };
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
    let refreshToken: string | undefined;
    if (!grant) {
      refreshToken = `local-refresh.${randomBytes(48).toString('base64url')}`;
      refreshTokens[tokenHash(refreshToken)] = {
        sub: user.sub,
        originJti,
        authTime: now,
        expiresAt: Date.now() + REFRESH_TOKEN_MS,
      };
      save();
    }
    return {
      AuthenticationResult: {
        IdToken: idToken,
        AccessToken: accessToken,
        ExpiresIn: TOKEN_SECONDS,
        TokenType: 'Bearer',
        ...(refreshToken ? { RefreshToken: refreshToken } : {}),
      },
    };
  }

  /** A live refresh token's grant: unknown, revoked and expired tokens are refused, as are disabled users. */
  function refreshGrant(token: unknown): { user: LocalUser; grant: RefreshGrant } {
    const grant = refreshTokens[tokenHash(token)];
    const user = state.users.find((candidate) => candidate.sub === grant?.sub);
    if (!grant || grant.expiresAt <= Date.now())
      throw new CognitoError('NotAuthorizedException', 'Refresh Token has been revoked');
    if (!user?.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    return { user, grant };
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
        ...(user.mfaEnabled
          ? { UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' }
          : {}),
      };
    },
    AdminSetUserMFAPreference(input: { Username: string; SoftwareTokenMfaSettings?: { Enabled?: boolean } }) {
      const user = userNamed(input.Username);
      // As in Cognito, turning it off keeps the verified token: SetUserMFAPreference can turn it on
      // again without a new setup (the platform asks for a new confirmation then, D53).
      setSoftwareTokenMfa(user, input.SoftwareTokenMfaSettings);
      save();
      return {};
    },
    AdminUserGlobalSignOut(input: { Username: string }) {
      revokeAll(userNamed(input.Username));
      save();
      return {};
    },
    /** The signed-in user ends all their sessions (every refresh token and the tokens they issued). */
    async GlobalSignOut(input: { AccessToken?: string }) {
      revokeAll(await accessTokenUser(input.AccessToken));
      save();
      return {};
    },
    /**
     * Sign-out of one session: the refresh token and the ID and access tokens it issued end. As in
     * Cognito, an unknown or already revoked token is no error (the answer reveals nothing).
     */
    RevokeToken(input: { Token?: string; ClientId?: string }) {
      checkClient(input.ClientId);
      if (!input.Token) throw new CognitoError('InvalidParameterException', 'Token is required.');
      delete refreshTokens[tokenHash(input.Token)];
      save();
      return {};
    },
    async AssociateSoftwareToken(input: { AccessToken?: string; Session?: string }) {
      const user = await tokenOrSessionUser(input, 'MFA_SETUP');
      user.pendingTotpSecret = new Secret({ size: 20 }).base32;
      save();
      return {
        SecretCode: user.pendingTotpSecret,
        ...(input.Session ? { Session: newSession(user, 'MFA_SETUP') } : {}),
      };
    },
    async VerifySoftwareToken(input: {
      AccessToken?: string;
      Session?: string;
      UserCode?: string;
      FriendlyDeviceName?: string;
    }) {
      const user = await tokenOrSessionUser(input, 'MFA_SETUP');
      if (!user.pendingTotpSecret)
        throw new CognitoError('InvalidParameterException', 'Call AssociateSoftwareToken first.');
      const step = acceptCode(user.pendingTotpSecret, input.UserCode, -1);
      if (step === undefined)
        throw new CognitoError(
          'EnableSoftwareTokenMFAException',
          'Code mismatch and fail enable Software Token MFA',
        );
      user.totp = { secret: user.pendingTotpSecret, lastStep: step };
      user.pendingTotpSecret = undefined;
      save();
      return {
        Status: 'SUCCESS',
        ...(input.Session ? { Session: newSession(user, 'MFA_SETUP_VERIFIED') } : {}),
      };
    },
    async SetUserMFAPreference(input: {
      AccessToken?: string;
      SoftwareTokenMfaSettings?: { Enabled?: boolean };
    }) {
      const user = await accessTokenUser(input.AccessToken);
      setSoftwareTokenMfa(user, input.SoftwareTokenMfaSettings);
      save();
      return {};
    },
    async InitiateAuth(input: {
      AuthFlow: string;
      ClientId: string;
      AuthParameters?: Record<string, string>;
    }) {
      checkClient(input.ClientId);
      const parameters = input.AuthParameters ?? {};
      if (input.AuthFlow === 'REFRESH_TOKEN_AUTH' || input.AuthFlow === 'REFRESH_TOKEN') {
        const { user, grant } = refreshGrant(parameters.REFRESH_TOKEN);
        return tokensFor(user, grant);
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
      if (input.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
        const user = sessionUser(input.Session, ['SOFTWARE_TOKEN_MFA']);
        const entry = sessions.get(input.Session) as { attempts: number };
        const step =
          user.totp &&
          acceptCode(user.totp.secret, input.ChallengeResponses?.SOFTWARE_TOKEN_MFA_CODE, user.totp.lastStep);
        if (!user.totp || step === undefined) {
          entry.attempts += 1;
          if (entry.attempts >= SESSION_ATTEMPTS) sessions.delete(input.Session);
          throw new CognitoError('CodeMismatchException', 'Invalid code received for user');
        }
        sessions.delete(input.Session);
        user.totp.lastStep = step;
        save();
        return tokensFor(user);
      }
      if (input.ChallengeName === 'MFA_SETUP') {
        const user = sessionUser(input.Session, ['MFA_SETUP_VERIFIED']);
        sessions.delete(input.Session);
        user.mfaEnabled = true;
        save();
        return tokensFor(user);
      }
      if (input.ChallengeName !== 'NEW_PASSWORD_REQUIRED')
        throw new CognitoError(
          'InvalidParameterException',
          `${input.ChallengeName} is not a challenge here.`,
        );
      const user = sessionUser(input.Session, ['NEW_PASSWORD_REQUIRED']);
      const password = input.ChallengeResponses?.NEW_PASSWORD ?? '';
      checkPolicy(password);
      sessions.delete(input.Session);
      setPassword(user, password);
      user.status = 'CONFIRMED';
      save();
      return secondFactor(user);
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
    /**
     * Seeding only (local demo users, tests): gives a user a verified authenticator with this secret
     * and turns TOTP on, as if they had set it up themselves. Cognito has no admin call for this.
     */
    enrollTotp(username: string, secret: string): void {
      const user = userNamed(username);
      user.totp = { secret, lastStep: user.totp?.secret === secret ? user.totp.lastStep : -1 };
      user.mfaEnabled = true;
      save();
    },
  };
}

export type LocalCognito = Awaited<ReturnType<typeof createLocalCognito>>;
