import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withTestPlatform } from '../helpers/platform.js';
import { cognitoCall, newMember, portalClient, seedTestMember, signIn } from '../helpers/portal.js';

/**
 * Portal sessions (issue 19): the SPA refreshes its ID token with Cognito's refresh token
 * (REFRESH_TOKEN_AUTH) instead of asking for the password every hour; a sign-out revokes it
 * (RevokeToken), a global sign-out revokes all of a member's, and so does deactivation.
 */
const context = withTestPlatform('portal-sessions');
const CLIENT = 'local_portal_client';

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** A requester signed in as the SPA would be: ID, access and refresh tokens. */
async function signedInRequester() {
  const email = `sessions-${randomBytes(4).toString('hex')}@test.example`;
  const { userId } = await seedTestMember(context.platform, {
    tenantId: context.tenant.tenantId,
    email,
    name: 'Session requester',
    roles: ['requester'],
  });
  return { email, userId, ...(await tokens(email)) };
}

async function tokens(email: string) {
  const { status, body } = await signIn(context.platform, email);
  expect(status).toBe(200);
  const result = body.AuthenticationResult as { IdToken: string; AccessToken: string; RefreshToken: string };
  return { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken };
}

const refresh = (refreshToken: string) =>
  cognitoCall(context.platform, 'InitiateAuth', {
    ClientId: CLIENT,
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });

/** An operation that takes an access token: refused once the token's sign-in was revoked. */
const callWithAccessToken = (accessToken: string) =>
  cognitoCall(context.platform, 'AssociateSoftwareToken', { AccessToken: accessToken });

describe('portal sessions', () => {
  it('refreshes the ID token without the password, keeping the sign-in time, and the API takes it', async () => {
    const member = await signedInRequester();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const refreshed = await refresh(member.refreshToken);

    expect(refreshed.status).toBe(200);
    const result = refreshed.body.AuthenticationResult;
    expect(result.RefreshToken).toBeUndefined();
    expect(result.IdToken).not.toBe(member.idToken);
    const before = claimsOf(member.idToken);
    const after = claimsOf(result.IdToken);
    expect(after.auth_time).toBe(before.auth_time);
    expect(after.sub).toBe(member.userId);
    expect(Number(after.iat)).toBeGreaterThan(Number(before.iat));
    const me = await portalClient(context.platform.url, result.IdToken).request('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(member.email);
  });

  it('refuses a refresh token it never issued', async () => {
    const member = await signedInRequester();

    const forged = await refresh(`local-refresh.${randomBytes(48).toString('base64url')}`);
    const guessed = await refresh(`local-refresh.${member.userId}.${Math.floor(Date.now() / 1000)}.00`);

    for (const answer of [forged, guessed]) {
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe('NotAuthorizedException');
    }
  });

  it('a sign-out (RevokeToken) ends that session only: its refresh and access tokens', async () => {
    const member = await signedInRequester();
    const otherTab = await tokens(member.email);

    const revoked = await cognitoCall(context.platform, 'RevokeToken', {
      ClientId: CLIENT,
      Token: member.refreshToken,
    });

    expect(revoked.status).toBe(200);
    const again = await refresh(member.refreshToken);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      __type: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    expect((await callWithAccessToken(member.accessToken)).body.__type).toBe('NotAuthorizedException');
    expect((await refresh(otherTab.refreshToken)).status).toBe(200);
    expect((await callWithAccessToken(otherTab.accessToken)).status).toBe(200);
  });

  it('a global sign-out ends every session of the member', async () => {
    const member = await signedInRequester();
    const otherDevice = await tokens(member.email);

    const signedOut = await cognitoCall(context.platform, 'GlobalSignOut', {
      AccessToken: member.accessToken,
    });

    expect(signedOut.status).toBe(200);
    for (const session of [member, otherDevice]) {
      expect((await refresh(session.refreshToken)).body.__type).toBe('NotAuthorizedException');
      expect((await callWithAccessToken(session.accessToken)).body.__type).toBe('NotAuthorizedException');
    }
    expect((await refresh((await tokens(member.email)).refreshToken)).status).toBe(200);
  });

  it('deactivation signs the member out everywhere: no refresh, the API refuses the ID token, reactivation brings no old session back', async () => {
    const admin = await newMember(context.platform, context.tenant.tenantId, ['admin']);
    const member = await signedInRequester();
    const memberId = (await portalClient(context.platform.url, member.idToken).request('GET', '/me')).body.id;

    const deactivated = await admin.request('PATCH', `/members/${memberId}`, {
      body: { status: 'deactivated' },
    });

    expect(deactivated.status).toBe(200);
    const refused = await refresh(member.refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body.__type).toBe('NotAuthorizedException');
    const stillSigned = await portalClient(context.platform.url, member.idToken).request('GET', '/payouts');
    expect(stillSigned.status).toBe(403);
    expect(stillSigned.body.error.code).toBe('member_inactive');

    await admin.request('PATCH', `/members/${memberId}`, { body: { status: 'active' } });

    expect((await refresh(member.refreshToken)).body.__type).toBe('NotAuthorizedException');
    expect((await refresh((await tokens(member.email)).refreshToken)).status).toBe(200);
  });
});
