import { createServer, type Server } from 'node:http';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLIENT_ID, LOCAL_USER_POOL_ID } from '../../../local/aws/local-cognito.js';
import { createPortalServer, LOCAL_IDP_PATH } from '../../../local/portal-server.js';
import { createCognitoDirectory } from '../../../shared/adapters/cognito-directory.js';
import { clientConfig, close, type LocalAws, listen, rejectionOf, startLocalAws } from './local-aws.js';

/**
 * The local user pool against Cognito as the portal uses it: members created with the admin API (the
 * directory adapter, signed with IAM credentials), SRP sign-in with Cognito's own client library (as
 * the SPA does), the first sign-in's NEW_PASSWORD_REQUIRED, REFRESH_TOKEN_AUTH and RevokeToken as the
 * SPA calls them (unsigned JSON to the pool's endpoint), admin sign-out ending every session.
 */
let aws: LocalAws;
let idp: Server;
let idpUrl: string;
let directory: ReturnType<typeof createCognitoDirectory>;
const NEW_PASSWORD = 'Chosen-Passw0rd!';

beforeAll(async () => {
  aws = await startLocalAws();
  idp = createServer((request, response) => {
    createPortalServer({
      cognito: aws.cognito,
      poolId: LOCAL_USER_POOL_ID,
      portalDir: '/nonexistent',
      config: () => ({}) as never,
      connectSources: () => [],
    })(request, response).then((served) => {
      if (!served) response.writeHead(404).end();
    });
  });
  idpUrl = `${await listen(idp)}${LOCAL_IDP_PATH}`;
  directory = createCognitoDirectory({
    userPoolId: LOCAL_USER_POOL_ID,
    handOverPassword: true,
    client: new CognitoIdentityProviderClient(aws.config),
  });
});
afterAll(async () => {
  await close(idp);
  await aws.stop();
});

interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

/** The SPA's sign-in: SRP through amazon-cognito-identity-js, answering a new-password challenge. */
function srpSignIn(email: string, password: string): Promise<Tokens> {
  const pool = new CognitoUserPool({
    UserPoolId: LOCAL_USER_POOL_ID,
    ClientId: LOCAL_CLIENT_ID,
    endpoint: idpUrl,
  });
  const user = new CognitoUser({ Username: email, Pool: pool });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session: CognitoUserSession) =>
        resolve({
          idToken: session.getIdToken().getJwtToken(),
          accessToken: session.getAccessToken().getJwtToken(),
          refreshToken: session.getRefreshToken().getToken(),
        }),
      onFailure: (error: { code: string; message: string }) =>
        reject(Object.assign(new Error(error.message), { code: error.code })),
      newPasswordRequired: () => user.completeNewPasswordChallenge(NEW_PASSWORD, {}, callbacks),
    };
    user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), callbacks);
  });
}

/** A public Cognito call as the SPA makes it (portal/src/api.ts `cognitoRequest`): unsigned JSON. */
async function spaCall(operation: string, input: unknown) {
  const response = await fetch(idpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
const refresh = (refreshToken: string) =>
  spaCall('InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: LOCAL_CLIENT_ID,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });

let member = 0;
async function invite(tenantId = 'ten_1') {
  const email = `member${++member}@test.example`;
  const created = await directory.createUser({ email, name: 'Ada', tenantId });
  return { email, ...created };
}

describe('sign-in', () => {
  it("an invited member signs in with SRP, chooses a password, and gets Cognito's ID token for the portal", async () => {
    const { email, userId, temporaryPassword } = await invite('ten_7');

    const tokens = await srpSignIn(email, temporaryPassword as string);
    const { payload } = await jwtVerify(tokens.idToken, createLocalJWKSet(aws.cognito.jwks()), {
      issuer: `${aws.endpoint}/local_pool`,
      audience: LOCAL_CLIENT_ID,
    });

    expect(payload).toMatchObject({ sub: userId, email, token_use: 'id', 'custom:tenant_id': 'ten_7' });
    expect(decodeJwt(tokens.accessToken)).toMatchObject({
      sub: userId,
      token_use: 'access',
      client_id: LOCAL_CLIENT_ID,
    });
    // The chosen password is the one that works from now on.
    await expect(srpSignIn(email, NEW_PASSWORD)).resolves.toHaveProperty('idToken');
  });

  it('answers a wrong password and an unknown member alike (NotAuthorizedException)', async () => {
    const { email } = await invite();

    const wrong = await rejectionOf(srpSignIn(email, 'Wrong-Passw0rd!'));
    const unknown = await rejectionOf(srpSignIn('nobody@test.example', NEW_PASSWORD));

    expect([wrong.code, wrong.message]).toEqual([
      'NotAuthorizedException',
      'Incorrect username or password.',
    ]);
    expect([unknown.code, unknown.message]).toEqual([
      'NotAuthorizedException',
      'Incorrect username or password.',
    ]);
  });

  it('refuses a temporary password that breaks the default policy and a second member with the same email', async () => {
    const client = new CognitoIdentityProviderClient(aws.config);
    const weak = await rejectionOf(
      client.send(
        new AdminCreateUserCommand({
          UserPoolId: LOCAL_USER_POOL_ID,
          Username: 'w@test.example',
          TemporaryPassword: 'short',
        }),
      ),
    );
    const { email } = await invite();
    const twice = await rejectionOf(directory.createUser({ email, name: 'Ada', tenantId: 'ten_1' }));

    expect(weak.name).toBe('InvalidPasswordException');
    expect(twice.name).toBe('MemberExistsError');
  });
});

describe('sessions as the portal keeps them', () => {
  it('a refresh gives new ID and access tokens of the same sign-in, and no new refresh token', async () => {
    const { email, temporaryPassword } = await invite();
    const tokens = await srpSignIn(email, temporaryPassword as string);

    const refreshed = await refresh(tokens.refreshToken);

    expect(refreshed.status).toBe(200);
    expect(refreshed.body.AuthenticationResult.RefreshToken).toBeUndefined();
    const before = decodeJwt(tokens.idToken);
    const after = decodeJwt(refreshed.body.AuthenticationResult.IdToken);
    expect(after.auth_time).toBe(before.auth_time);
    expect(after.jti).not.toBe(before.jti);
  });

  it('RevokeToken (sign-out) ends the refresh token: the next refresh is NotAuthorizedException', async () => {
    const { email, temporaryPassword } = await invite();
    const tokens = await srpSignIn(email, temporaryPassword as string);

    const revoked = await spaCall('RevokeToken', { Token: tokens.refreshToken, ClientId: LOCAL_CLIENT_ID });
    const after = await refresh(tokens.refreshToken);

    expect(revoked).toEqual({ status: 200, body: {} });
    expect(after.status).toBe(400);
    expect(after.body).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
  });

  it('disabling a member (the directory signs them out everywhere) ends every session', async () => {
    const { email, temporaryPassword } = await invite();
    const first = await srpSignIn(email, temporaryPassword as string);
    const second = await srpSignIn(email, NEW_PASSWORD);

    await directory.setEnabled(email, false);

    expect((await refresh(first.refreshToken)).body.__type).toBe('NotAuthorizedException');
    expect((await refresh(second.refreshToken)).body.__type).toBe('NotAuthorizedException');
    await expect(srpSignIn(email, NEW_PASSWORD)).rejects.toThrow('User is disabled.');
  });
});

describe('who may call what', () => {
  it('the admin API is not open to browsers, nor to other credentials than the platform’s', async () => {
    const fromBrowser = await spaCall('AdminCreateUser', {
      UserPoolId: LOCAL_USER_POOL_ID,
      Username: 'b@test.example',
    });
    const outsider = new CognitoIdentityProviderClient({
      ...clientConfig(aws.endpoint),
      credentials: { accessKeyId: 'someone-else', secretAccessKey: 'x' },
    });
    const signedByOther = await rejectionOf(
      outsider.send(
        new AdminCreateUserCommand({ UserPoolId: LOCAL_USER_POOL_ID, Username: 'o@test.example' }),
      ),
    );

    expect(fromBrowser.status).toBe(403);
    expect(fromBrowser.body.__type).toBe('NotAuthorizedException');
    expect(signedByOther).toBeInstanceOf(NotAuthorizedException);
  });
});
