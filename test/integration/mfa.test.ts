import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eventually, withTestPlatform } from '../helpers/platform.js';
import {
  cognitoCall,
  newMember,
  type PortalClient,
  portalClient,
  rememberAuthenticator,
  seedTestMember,
  signIn,
  TEST_PASSWORD,
  totpCode,
} from '../helpers/portal.js';

/**
 * Two-step sign-in (D53): admins and approvers act only from a session signed in with a code from
 * an authenticator they enrolled; a tenant may require it of everyone; an admin resets a lost one.
 */
const context = withTestPlatform('mfa');
const CLIENT = 'local_portal_client';

/** Seeds a member without an authenticator and signs them in with the password alone. */
async function withoutAuthenticator(roles: ('approver' | 'admin' | 'requester' | 'viewer')[]) {
  const email = `${roles.join('-')}-${Date.now()}-${Math.random().toString(16).slice(2, 6)}@test.example`;
  const { userId } = await seedTestMember(context.platform, {
    tenantId: context.tenant.tenantId,
    email,
    name: `No authenticator ${roles.join('+')}`,
    roles,
    mfa: false,
  });
  const { body } = await signIn(context.platform, email);
  return {
    email,
    userId,
    accessToken: body.AuthenticationResult.AccessToken as string,
    client: portalClient(context.platform.url, body.AuthenticationResult.IdToken, userId, email),
  };
}

/** What the SPA's setup page does: associate, verify a code, turn TOTP on, tell the platform. */
async function enrol(person: { email: string; accessToken: string; client: PortalClient }) {
  const associated = await cognitoCall(context.platform, 'AssociateSoftwareToken', {
    AccessToken: person.accessToken,
  });
  expect(associated.status).toBe(200);
  const secret = associated.body.SecretCode as string;
  rememberAuthenticator(person.email, secret);
  const verified = await cognitoCall(context.platform, 'VerifySoftwareToken', {
    AccessToken: person.accessToken,
    UserCode: await totpCode(person.email),
  });
  expect(verified.body).toMatchObject({ Status: 'SUCCESS' });
  expect(
    (
      await cognitoCall(context.platform, 'SetUserMFAPreference', {
        AccessToken: person.accessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      })
    ).status,
  ).toBe(200);
  return secret;
}

/** An admin saves the approval policy with the tenant-wide requirement on or off. */
async function requireForAll(admin: PortalClient, on: boolean) {
  const { body } = await admin.request('GET', '/settings/approval-policy');
  return admin.request('PUT', '/settings/approval-policy', {
    body: {
      rules: body.rules.map((rule: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== null)),
      ),
      expiry_hours: body.expiry_hours,
      role_grant_delay_hours: body.role_grant_delay_hours,
      mfa_required_for_all: on,
      version: body.version,
    },
  });
}

describe('two-step sign-in for the roles that move money', () => {
  it('an approver without an authenticator sees only their profile and the setup, and the API says why', async () => {
    const approver = await withoutAuthenticator(['approver']);

    const me = await approver.client.request('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body.mfa).toEqual({ enabled: false, enrolled_at: null, required: true, satisfied: false });
    const approvals = await approver.client.request('GET', '/approvals');
    expect(approvals.status).toBe(403);
    expect(approvals.body.error).toMatchObject({ code: 'mfa_required' });
    expect(approvals.body.error.message).toMatch(/set up an authenticator/);

    // The refusal is in the audit log: who, which route, why, from where.
    const admin = await newMember(context.platform, context.tenant.tenantId, ['admin']);
    const log = await admin.request('GET', `/audit-log?action=access.denied&actor_id=${approver.userId}`);
    expect(log.body.data).toEqual([
      expect.objectContaining({
        action: 'access.denied',
        actor: expect.objectContaining({ type: 'member', id: approver.userId }),
        target: expect.objectContaining({ type: 'route', id: 'GET /approvals' }),
        changes: { reason: { before: null, after: 'mfa_required' } },
        source_ip: expect.stringMatching(/127\.0\.0\.1/),
      }),
    ]);

    // A requester is not asked (their role does not approve or administer).
    const requester = await withoutAuthenticator(['requester']);
    expect((await requester.client.request('GET', '/me')).body.mfa).toMatchObject({ required: false });
    expect((await requester.client.request('GET', '/payouts')).status).toBe(200);
  });

  it('telling the platform before the authenticator is verified is refused, and changes nothing', async () => {
    const approver = await withoutAuthenticator(['approver']);
    const early = await approver.client.request('POST', '/me/mfa');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'mfa_not_set_up' });
    expect((await approver.client.request('GET', '/me')).body.mfa.enrolled_at).toBeNull();
  });

  it('after enrolling, the password-only session stays refused; a sign-in with a code works; a replayed code does not', async () => {
    const approver = await withoutAuthenticator(['approver']);
    await enrol(approver);
    const confirmed = await approver.client.request('POST', '/me/mfa');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.mfa).toMatchObject({ enabled: true, enrolled_at: expect.any(String) });

    // The session from before: signed in without a code.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await approver.client.request('GET', '/approvals');
    expect(stale.status).toBe(403);
    expect(stale.body.error.message).toMatch(/Sign in again with a code/);

    // The password alone no longer signs in: Cognito asks for a code.
    const first = await cognitoCall(context.platform, 'InitiateAuth', {
      ClientId: CLIENT,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: approver.email, PASSWORD: TEST_PASSWORD },
    });
    expect(first.body.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(first.body.AuthenticationResult).toBeUndefined();
    const wrong = await cognitoCall(context.platform, 'RespondToAuthChallenge', {
      ClientId: CLIENT,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: first.body.Session,
      ChallengeResponses: { USERNAME: approver.email, SOFTWARE_TOKEN_MFA_CODE: '000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.__type).toMatch(/CodeMismatchException/);

    const code = await totpCode(approver.email);
    const withCode = await cognitoCall(context.platform, 'RespondToAuthChallenge', {
      ClientId: CLIENT,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: first.body.Session,
      ChallengeResponses: { USERNAME: approver.email, SOFTWARE_TOKEN_MFA_CODE: code },
    });
    expect(withCode.status).toBe(200);
    const signedIn = portalClient(context.platform.url, withCode.body.AuthenticationResult.IdToken);
    expect((await signedIn.request('GET', '/approvals')).status).toBe(200);
    expect((await signedIn.request('GET', '/me')).body.mfa).toMatchObject({
      required: true,
      satisfied: true,
    });

    // The same code again (someone who watched it typed): refused.
    const again = await cognitoCall(context.platform, 'InitiateAuth', {
      ClientId: CLIENT,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: approver.email, PASSWORD: TEST_PASSWORD },
    });
    const replayed = await cognitoCall(context.platform, 'RespondToAuthChallenge', {
      ClientId: CLIENT,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: again.body.Session,
      ChallengeResponses: { USERNAME: approver.email, SOFTWARE_TOKEN_MFA_CODE: code },
    });
    expect(replayed.status).toBe(400);
    expect(replayed.body.__type).toMatch(/CodeMismatchException/);
  });

  it('an admin resets a lost authenticator (not their own); the member must set up a new one; both are audited', async () => {
    const { platform, tenant } = context;
    const admin = await newMember(platform, tenant.tenantId, ['admin'], 'Resetting Admin');
    const approver = await newMember(platform, tenant.tenantId, ['approver'], 'Lost Phone');
    expect((await approver.request('GET', '/approvals')).status).toBe(200);

    const own = await admin.request('POST', `/members/${admin.memberId}/reset-mfa`);
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('cannot_reset_own_mfa');

    const reset = await admin.request('POST', `/members/${approver.memberId}/reset-mfa`);
    expect(reset.status).toBe(200);
    expect(reset.body.mfa).toEqual({ enabled: false, enrolled_at: null });
    // Their session from before the reset no longer approves anything.
    const after = await approver.request('GET', '/approvals');
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('mfa_required');
    // The password alone signs in again (to set up the new authenticator), nothing more.
    const first = await signIn(platform, approver.email);
    expect(first.body.AuthenticationResult?.IdToken).toEqual(expect.any(String));

    // The relay appends the entry moments later (from the member's change in the stream).
    const audit = await eventually(
      () => admin.request('GET', '/audit-log?action=member.mfa_reset'),
      (response) => response.body.data.length > 0,
    );
    expect(audit.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'member.mfa_reset',
          actor: expect.objectContaining({ id: admin.memberId }),
          target: expect.objectContaining({ id: approver.memberId }),
        }),
      ]),
    );
  });

  it('turning TOTP off in Cognito lapses the enrolment: turning it back on does not revive the session', async () => {
    const { platform, tenant } = context;
    const email = `lapse-${Date.now()}@test.example`;
    await seedTestMember(platform, {
      tenantId: tenant.tenantId,
      email,
      name: 'Lapsing Approver',
      roles: ['approver'],
    });
    const signedIn = (await signIn(platform, email)).body.AuthenticationResult;
    const client = portalClient(platform.url, signedIn.IdToken);
    const setTotp = (enabled: boolean) =>
      cognitoCall(platform, 'SetUserMFAPreference', {
        AccessToken: signedIn.AccessToken,
        SoftwareTokenMfaSettings: { Enabled: enabled },
      });

    // Off with their own token (Cognito allows it in an optional pool), before the platform looked.
    expect((await setTotp(false)).status).toBe(200);
    const refused = await client.request('GET', '/approvals');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('mfa_required');
    expect((await client.request('GET', '/me')).body.mfa).toMatchObject({
      enabled: false,
      enrolled_at: null,
    });

    // Back on (Cognito keeps the verified token): still refused until confirmed and signed in again.
    expect((await setTotp(true)).status).toBe(200);
    expect((await client.request('GET', '/approvals')).status).toBe(403);
  });

  it('an operator resets the only admin’s lost authenticator with the CLI', async () => {
    const { platform } = context;
    const lone = await platform.newTenant('One admin');
    const admin = await newMember(platform, lone.tenantId, ['admin'], 'Only Admin');
    expect((await admin.request('GET', '/members')).status).toBe(200);
    const { stdout } = await promisify(execFile)(
      'npx',
      [
        'tsx',
        'cli/payouts.ts',
        '--table',
        platform.tableName,
        'members',
        'reset-mfa',
        '--tenant',
        lone.tenantId,
        '--email',
        admin.email,
        '--user-pool',
        'local_pool',
      ],
      { env: process.env },
    );
    expect(stdout).toContain(`Two-step sign-in of ${admin.email} is off`);
    const after = await admin.request('GET', '/members');
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('mfa_required');
    expect((await admin.request('GET', '/me')).body.mfa).toMatchObject({ enabled: false, enrolled_at: null });
  });

  it('a tenant that requires it of everyone: a viewer without an authenticator is refused too', async () => {
    const { platform, tenant } = context;
    const admin = await newMember(platform, tenant.tenantId, ['admin']);
    const viewer = await withoutAuthenticator(['viewer']);
    expect((await viewer.client.request('GET', '/payouts')).status).toBe(200);

    const saved = await requireForAll(admin, true);
    expect(saved.status).toBe(200);
    expect(saved.body.mfa_required_for_all).toBe(true);

    const refused = await viewer.client.request('GET', '/payouts');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('mfa_required');
    expect((await viewer.client.request('GET', '/me')).body.mfa).toMatchObject({ required: true });

    // Enrolled and signed in with a code, the viewer reads payouts again.
    await enrol(viewer);
    expect((await viewer.client.request('POST', '/me/mfa')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const withCode = await signIn(platform, viewer.email);
    const again = portalClient(platform.url, withCode.body.AuthenticationResult.IdToken);
    expect((await again.request('GET', '/payouts')).status).toBe(200);

    // Put back: the other tests of this file share the tenant.
    expect((await requireForAll(admin, false)).status).toBe(200);
  });
});
