import { randomBytes } from 'node:crypto';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { portalRoutes } from '../../functions/portal-api/routes.js';
import { portalBatchRoutes } from '../../functions/portal-batches/routes.js';
import { type Action, can, ROLES, type Role } from '../../shared/domain/team.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient, portalClient, signIn, TEST_PASSWORD } from '../helpers/portal.js';

const context = withTestPlatform('portal-api');
/** The route table, for its methods, paths and permissions (the handlers are not called here). */
// The CSV upload routes are served by their own function (portal-batches) under the same prefix.
const ROUTES = [...portalRoutes({} as never), ...portalBatchRoutes({} as never)];

/**
 * What each portal route must require, written here independently of the route table: a route that
 * loses or changes its permission fails this file.
 */
const REQUIRED: Record<string, Action | null> = {
  'GET /me': null,
  'POST /me/mfa': null,
  'GET /permissions': null,
  'GET /payouts': 'payouts.read',
  'POST /payouts': 'payouts.create_manual',
  'GET /payouts/{id}': 'payouts.read',
  'POST /payouts/{id}/cancel': 'payouts.cancel',
  'GET /payouts/{id}/attachment': 'payouts.read',
  'POST /attachments': 'attachments.upload',
  'GET /members': 'members.read',
  'POST /members': 'members.manage',
  'PATCH /members/{id}': 'members.manage',
  'POST /members/{id}/confirm-roles': 'members.manage',
  'POST /members/{id}/reset-mfa': 'members.manage',
  'GET /api-keys': 'api_keys.manage',
  'POST /api-keys': 'api_keys.manage',
  'POST /api-keys/{id}/revoke': 'api_keys.manage',
  'GET /webhook-endpoints': 'webhooks.manage',
  'POST /webhook-endpoints': 'webhooks.manage',
  'GET /webhook-endpoints/{id}/attempts': 'webhooks.manage',
  'POST /webhook-endpoints/{id}/recover': 'webhooks.manage',
  'POST /webhook-endpoints/{id}/rotate-secret': 'webhooks.manage',
  'GET /settings/manual-payouts': 'payouts.read',
  'PUT /settings/manual-payouts': 'settings.manage',
  'GET /audit-log': 'audit.read',
  'GET /approvals': 'payouts.approve',
  'POST /payouts/{id}/approve': 'payouts.approve',
  'POST /payouts/{id}/reject': 'payouts.approve',
  'POST /approvals/approve': 'payouts.approve',
  'POST /approvals/reject': 'payouts.approve',
  'GET /me/rejected-payouts': 'payouts.read',
  'GET /settings/approval-policy': 'payouts.read',
  'PUT /settings/approval-policy': 'settings.manage',
  'GET /reports': 'reports.manage',
  'POST /reports': 'reports.manage',
  'GET /reports/{id}': 'reports.manage',
  'GET /payout-batches': 'payouts.read',
  'GET /payout-batches/{id}': 'payouts.read',
  'POST /payout-batches/check': 'payouts.create_batch',
  'POST /payout-batches': 'payouts.create_batch',
};

const members = {} as Record<Role, PortalClient>;
let outsider: PortalClient;

beforeAll(async () => {
  for (const role of ROLES)
    members[role] = await newMember(context.platform, context.tenant.tenantId, [role]);
  const other = await context.platform.newTenant('Other company');
  outsider = await newMember(context.platform, other.tenantId, ['admin']);
});

function manualPayout(overrides: Record<string, unknown> = {}) {
  return {
    category: 'support_credit',
    amount: 2500,
    currency: 'EUR',
    destination: { type: 'email', email: 'customer@example.com' },
    customer_reference: 'cust-4711',
    reason_code: 'service_disruption',
    rationale: 'The outage on 3 November kept this customer offline for four hours.',
    ticket_url: 'https://support.example.com/tickets/4711',
    ...overrides,
  };
}

async function uploadAttachment(client: PortalClient, content: string, contentType = 'application/pdf') {
  const upload = await client.request('POST', '/attachments', {
    body: { filename: 'invoice 4711.pdf', content_type: contentType, size: Buffer.byteLength(content) },
  });
  expect(upload.status).toBe(201);
  const put = await fetch(upload.body.upload_url, {
    method: 'PUT',
    headers: upload.body.upload_headers,
    body: content,
  });
  return { key: upload.body.key as string, put };
}

describe('portal API authorization', () => {
  it('refuses requests without a valid token before any function runs (401)', async () => {
    const anonymous = await fetch(`${context.platform.url}/portal-api/v1/me`);
    const forged = await portalClient(
      context.platform.url,
      `${members.admin.token.slice(0, -4)}AAAA`,
    ).request('GET', '/me');
    const apiKey = await fetch(`${context.platform.url}/portal-api/v1/me`, {
      headers: { authorization: `Bearer ${context.tenant.apiKey}` },
    });

    expect(anonymous.status).toBe(401);
    expect(forged.status).toBe(401);
    expect(apiKey.status).toBe(401);
  });

  it('has an expected permission for every route, and a route for every expectation', () => {
    expect(ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      Object.keys(REQUIRED).sort(),
    );
  });

  const cases = Object.entries(REQUIRED).flatMap(([key, action]) => {
    const [method, path] = key.split(' ') as [string, string];
    return ROLES.map((role) => ({
      role,
      route: { method, path },
      allowed: action === null || can([role], action),
      name: `${role} ${key}`,
    }));
  });

  it.each(cases)('$name → allowed: $allowed', async ({ role, route, allowed }) => {
    const path = route.path.replace(/\{\w+\}/g, 'nothing_here_1');
    const body = route.method === 'GET' ? undefined : {};

    const response = await members[role].request(route.method, path, { body });

    if (allowed) {
      // Past the permission check: the handler ran and judged the (empty) input or the unknown id.
      expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
      expect(response.status).not.toBe(403);
      expect(response.status).not.toBe(401);
    } else {
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ type: 'permission_error', code: 'forbidden' });
    }
    // Every answer carries the portal API's security headers.
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a denied request changes nothing', async () => {
    const before = await members.admin.request('GET', '/members');

    const denied = await members.viewer.request('POST', '/members', {
      body: { email: 'sneaky@example.com', name: 'Sneaky', roles: ['admin'] },
    });

    expect(denied.status).toBe(403);
    expect((await members.admin.request('GET', '/members')).body.data).toHaveLength(before.body.data.length);
    expect((await signIn(context.platform, 'sneaky@example.com')).status).toBe(400);
  });

  it('applies a role change to the very next request, with the same token', async () => {
    const person = await newMember(context.platform, context.tenant.tenantId, ['viewer']);
    const body = { filename: 'a.txt', content_type: 'text/plain', size: 3 };
    expect((await person.request('POST', '/attachments', { body })).status).toBe(403);

    const promoted = await members.admin.request('PATCH', `/members/${person.memberId}`, {
      body: { roles: ['viewer', 'requester'] },
    });

    expect(promoted.status).toBe(200);
    expect(promoted.body.roles).toEqual(['viewer', 'requester']);
    expect((await person.request('POST', '/attachments', { body })).status).toBe(201);
    expect((await person.request('GET', '/me')).body.permissions).toContain('payouts.create_manual');
  });

  it('locks a deactivated member out at once, and lets them back in when reactivated', async () => {
    const person = await newMember(context.platform, context.tenant.tenantId, ['requester']);
    expect((await person.request('GET', '/payouts')).status).toBe(200);

    const deactivated = await members.admin.request('PATCH', `/members/${person.memberId}`, {
      body: { status: 'deactivated' },
    });

    expect(deactivated.status).toBe(200);
    const locked = await person.request('GET', '/payouts');
    expect(locked.status).toBe(403);
    expect(locked.body.error.code).toBe('member_inactive');
    expect((await person.request('GET', '/me')).status).toBe(403);
    const again = await signIn(context.platform, person.email);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ __type: 'NotAuthorizedException', message: 'User is disabled.' });

    await members.admin.request('PATCH', `/members/${person.memberId}`, { body: { status: 'active' } });

    expect((await person.request('GET', '/payouts')).status).toBe(200);
    expect((await signIn(context.platform, person.email)).status).toBe(200);
  });

  it('keeps admins from locking themselves out', async () => {
    const self = members.admin;

    const deactivate = await self.request('PATCH', `/members/${self.memberId}`, {
      body: { status: 'deactivated' },
    });
    const demote = await self.request('PATCH', `/members/${self.memberId}`, { body: { roles: ['viewer'] } });

    expect(deactivate.status).toBe(400);
    expect(deactivate.body.error).toMatchObject({ code: 'cannot_deactivate_self', param: 'status' });
    expect(demote.status).toBe(400);
    expect(demote.body.error).toMatchObject({ code: 'cannot_remove_own_admin', param: 'roles' });
    expect((await self.request('GET', '/me')).body.roles).toEqual(['admin']);
  });
});

describe('tenant isolation in the portal', () => {
  it("makes another tenant's payouts, members, keys and audit entries invisible", async () => {
    const created = await members.requester.request('POST', '/payouts', {
      body: manualPayout(),
      headers: { 'idempotency-key': `iso-${Date.now()}` },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    expect((await outsider.request('GET', `/payouts/${id}`)).status).toBe(404);
    expect((await outsider.request('POST', `/payouts/${id}/cancel`)).status).toBe(404);
    expect((await outsider.request('GET', `/payouts/${id}/attachment`)).status).toBe(404);
    const list = await outsider.request('GET', '/payouts');
    expect(list.body.data.map((payout: { id: string }) => payout.id)).not.toContain(id);
    expect(
      (await outsider.request('PATCH', `/members/${members.viewer.memberId}`, { body: { roles: ['admin'] } }))
        .status,
    ).toBe(404);
    expect((await outsider.request('POST', `/api-keys/${context.tenant.apiKeyId}/revoke`)).status).toBe(404);
    const team = await outsider.request('GET', '/members');
    expect(team.body.data.map((member: { id: string }) => member.id)).toEqual([outsider.memberId]);
    const audit = await outsider.request('GET', `/audit-log?target_id=${id}`);
    expect(audit.body.data).toEqual([]);
    // And the payout is still queued for its own tenant.
    expect((await members.viewer.request('GET', `/payouts/${id}`)).body.status).not.toBe('canceled');
  });

  it("refuses another tenant's attachment key", async () => {
    const theirs = await uploadAttachment(outsider, 'their invoice');
    expect(theirs.put.status).toBe(200);

    const response = await members.requester.request('POST', '/payouts', {
      body: manualPayout({ attachment: { key: theirs.key, filename: 'x.pdf' } }),
      headers: { 'idempotency-key': `steal-${Date.now()}` },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('attachment.key');
  });

  it.each([
    ['climbs out of its folder', (mine: string, theirs: string) => `${mine}../../${theirs}`],
    ['encodes a separator', (mine: string) => `${mine}01JAAAAAAAAAAAAAAAAAAAAAAA%2F..%2Fx.pdf`],
    ['names a folder', (mine: string) => `${mine}01JAAAAAAAAAAAAAAAAAAAAAAA/..`],
  ])('refuses an attachment key that %s (400), reading nothing', async (_, build) => {
    const theirs = await uploadAttachment(outsider, 'their invoice');
    const mine = `tenants/${context.tenant.tenantId}/attachments/`;
    const key = build(mine, theirs.key.replace(/^tenants\//, ''));

    const response = await members.requester.request('POST', '/payouts', {
      body: manualPayout({ attachment: { key, filename: 'x.pdf' } }),
      headers: { 'idempotency-key': `climb-${randomBytes(4).toString('hex')}` },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('attachment.key');
  });
});

describe('manual payouts', () => {
  it('creates a support credit with documentation, shown with its timeline, idempotently', async () => {
    const { key, put } = await uploadAttachment(members.requester, '%PDF-1.4 invoice 4711');
    expect(put.status).toBe(200);
    const idempotencyKey = `manual-${Date.now()}`;
    const body = manualPayout({ attachment: { key, filename: 'invoice 4711.pdf' } });

    const created = await members.requester.request('POST', '/payouts', {
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });
    const replayed = await members.requester.request('POST', '/payouts', {
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: 'portal', purpose: 'support_credit', amount: 2500 });
    expect(replayed.body.id).toBe(created.body.id);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    // A portal payout needs one approval (the default policy), from someone else.
    expect(created.body.status).toBe('pending_approval');
    const approved = await members.approver.request('POST', `/payouts/${created.body.id}/approve`, {
      body: { comment: 'Checked the ticket.' },
    });
    expect(approved.status).toBe(200);
    const paid = await eventually(
      () => members.viewer.request('GET', `/payouts/${created.body.id}`),
      (response) => response.body.status === 'paid',
    );
    expect(paid.body.manual).toMatchObject({
      reason_code: 'service_disruption',
      customer_reference: 'cust-4711',
      ticket_url: 'https://support.example.com/tickets/4711',
      attachment: { filename: 'invoice 4711.pdf', content_type: 'application/pdf', size: 21 },
      requested_by: { type: 'member', id: members.requester.memberId },
    });
    expect(paid.body.timeline.map((entry: { status: string }) => entry.status)).toEqual([
      'pending_approval',
      'queued',
      'processing',
      'paid',
    ]);
    expect(paid.body.timeline[0].actor).toMatchObject({ type: 'member', id: members.requester.memberId });
    expect(paid.body.timeline[1].actor).toMatchObject({ type: 'member', id: members.approver.memberId });
    expect(paid.body.timeline[3].actor).toEqual({ type: 'system' });
    expect(paid.body.approval.approvals).toMatchObject([
      { user_id: members.approver.memberId, comment: 'Checked the ticket.' },
    ]);

    const download = await members.finance.request('GET', `/payouts/${created.body.id}/attachment`);
    const file = await fetch(download.body.url);
    expect(await file.text()).toBe('%PDF-1.4 invoice 4711');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="invoice 4711.pdf"; filename*=UTF-8''invoice%204711.pdf`,
    );
  });

  it('downloads a document named in any script under its own name (never a 500)', async () => {
    const { key } = await uploadAttachment(members.requester, '%PDF-1.4 Überweisung');
    const created = await members.requester.request('POST', '/payouts', {
      body: manualPayout({ attachment: { key, filename: 'Überweisung "März" 票据.pdf' } }),
      headers: { 'idempotency-key': `manual-script-${Date.now()}` },
    });
    expect(created.status).toBe(201);
    const download = await members.finance.request('GET', `/payouts/${created.body.id}/attachment`);
    expect(download.status).toBe(200);
    const file = await fetch(download.body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="Uberweisung _Marz_ .pdf"; filename*=UTF-8''%C3%9Cberweisung%20%22M%C3%A4rz%22%20%E7%A5%A8%E6%8D%AE.pdf`,
    );
  });

  it.each([
    ['amount above the category limit', { amount: 50_001 }, 'amount'],
    ['a rationale shorter than the minimum', { rationale: 'Because.' }, 'rationale'],
    ['an unknown reason code', { reason_code: 'felt_like_it' }, 'reason_code'],
    ['a currency without a limit', { currency: 'JPY', amount: 100 }, 'currency'],
    ['no ticket URL', { ticket_url: undefined }, 'ticket_url'],
    ['a ticket URL that is not http(s)', { ticket_url: 'javascript:alert(1)' }, 'ticket_url'],
    [
      'an attachment never uploaded',
      { attachment: { key: 'tenants/x/attachments/y/z.pdf', filename: 'z.pdf' } },
      'attachment.key',
    ],
  ])('refuses %s (400 naming %s), creating nothing', async (_, overrides, param) => {
    const before = await members.viewer.request('GET', '/payouts?limit=100');

    const response = await members.requester.request('POST', '/payouts', {
      body: manualPayout(overrides),
      headers: { 'idempotency-key': `bad-${Date.now()}-${param}` },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe(param);
    expect((await members.viewer.request('GET', '/payouts?limit=100')).body.data).toHaveLength(
      before.body.data.length,
    );
  });

  it('checks the attachment type and size before signing, and S3 refuses a different file', async () => {
    const exe = await members.requester.request('POST', '/attachments', {
      body: { filename: 'run.exe', content_type: 'application/x-msdownload', size: 10 },
    });
    const huge = await members.requester.request('POST', '/attachments', {
      body: { filename: 'big.pdf', content_type: 'application/pdf', size: 10 * 1024 * 1024 + 1 },
    });
    const upload = await members.requester.request('POST', '/attachments', {
      body: { filename: 'a.pdf', content_type: 'application/pdf', size: 5 },
    });
    const otherType = await fetch(upload.body.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: 'hello',
    });
    const otherSize = await fetch(upload.body.upload_url, {
      method: 'PUT',
      headers: upload.body.upload_headers,
      body: 'hello, much longer',
    });

    expect(exe.status).toBe(400);
    expect(exe.body.error.param).toBe('content_type');
    expect(huge.status).toBe(400);
    expect(huge.body.error.param).toBe('size');
    expect(otherType.status).toBe(403);
    expect(otherSize.status).toBe(403);
  });

  it('applies updated criteria, and refuses an update made from a stale copy (409)', async () => {
    const current = await members.admin.request('GET', '/settings/manual-payouts');
    const update = {
      reason_codes: [...current.body.reason_codes, { code: 'goodwill', label: 'Goodwill gesture' }],
      min_rationale_length: 10,
      limits: [...current.body.limits, { category: 'support_credit', currency: 'JPY', max_amount: 5000 }],
      version: current.body.version,
    };

    const saved = await members.admin.request('PUT', '/settings/manual-payouts', { body: update });
    const stale = await members.admin.request('PUT', '/settings/manual-payouts', { body: update });
    const yen = await members.requester.request('POST', '/payouts', {
      body: manualPayout({ currency: 'JPY', amount: 4000, reason_code: 'goodwill', rationale: 'Long wait.' }),
      headers: { 'idempotency-key': `yen-${Date.now()}` },
    });

    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(current.body.version + 1);
    expect(stale.status).toBe(409);
    expect(yen.status).toBe(201);
  });
});

describe('the audit log', () => {
  it('records actions by people and API keys: who, what, before/after, source IP', async () => {
    const invited = await members.admin.request('POST', '/members', {
      body: { email: `new-${Date.now()}@test.example`, name: 'New Person', roles: ['viewer'] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.temporary_password).toEqual(expect.any(String));
    // Through CloudFront: the person's address is the one CloudFront reports, beside the connecting one.
    await members.admin.request('PATCH', `/members/${invited.body.id}`, {
      body: { roles: ['finance'] },
      headers: { 'cloudfront-viewer-address': '203.0.113.7:50123' },
    });
    const viaApi = await context.tenant.createPayout(payoutBody());
    const endpoint = await context.tenant.request('POST', '/v1/webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/audit', enabled_events: ['payout.paid'] },
    });
    expect(endpoint.status).toBe(201);
    const key = await members.admin.request('POST', '/api-keys', { body: { name: 'Refund service' } });
    expect(key.body.secret).toMatch(/^sk_test_/);

    // The payout paid: the relay is past the batch of its creation (and that batch's audit step).
    await eventually(
      () => members.finance.request('GET', `/payouts/${viaApi.body.id}`),
      (response) => response.body.status === 'paid',
    );
    const entries = await eventually(
      () => members.finance.request('GET', '/audit-log?limit=100'),
      (response) =>
        response.body.data.length >= 4 &&
        response.body.data.some((e: any) => e.action === 'api_key.create') &&
        response.body.data.some((e: any) => e.action === 'webhook_endpoint.create'),
    );

    const of = (action: string, target: string) =>
      entries.body.data.find((entry: any) => entry.action === action && entry.target.id === target);
    expect(of('member.invite', invited.body.id)).toMatchObject({
      actor: { type: 'member', id: members.admin.memberId },
      target: { type: 'member', id: invited.body.id },
      source_ip: expect.stringMatching(/127\.0\.0\.1/),
      changes: { roles: { before: null, after: ['viewer'] } },
    });
    expect(of('member.update', invited.body.id).changes).toEqual({
      roles: { before: ['viewer'], after: ['finance'] },
    });
    expect(of('member.update', invited.body.id).source_ip).toMatch(/^203\.0\.113\.7 via 127\.0\.0\.1$/);
    // An API key's actions are audited, except the payouts it creates: their history names the key (D78).
    expect(of('webhook_endpoint.create', endpoint.body.id)).toMatchObject({
      actor: { type: 'api_key', id: context.tenant.apiKeyId },
      source_ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(of('payout.create', viaApi.body.id)).toBeUndefined();
    const payout = await members.finance.request('GET', `/payouts/${viaApi.body.id}`);
    expect(payout.body.timeline[0]).toMatchObject({
      actor: { type: 'api_key', id: context.tenant.apiKeyId },
    });
    // Secrets never reach the log.
    expect(JSON.stringify(of('api_key.create', key.body.id))).not.toContain(key.body.secret);
    expect(JSON.stringify(of('webhook_endpoint.create', endpoint.body.id))).not.toContain('whsec_');

    const filtered = await members.admin.request('GET', '/audit-log?action=member.update');
    expect(filtered.body.data.every((entry: any) => entry.action === 'member.update')).toBe(true);
    expect(filtered.body.data.length).toBeGreaterThan(0);
  });

  it('lets an invited member sign in with the temporary password and choose their own', async () => {
    const email = `invitee-${Date.now()}@test.example`;
    const invited = await members.admin.request('POST', '/members', {
      body: { email, name: 'Invited Person', roles: ['viewer'] },
    });

    const first = await signIn(context.platform, email, invited.body.temporary_password);
    expect(first.body.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const { cognitoCall } = await import('../helpers/portal.js');
    const chosen = await cognitoCall(context.platform, 'RespondToAuthChallenge', {
      ClientId: 'local_portal_client',
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: first.body.Session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: TEST_PASSWORD },
    });
    const client = portalClient(context.platform.url, chosen.body.AuthenticationResult.IdToken);

    expect((await client.request('GET', '/me')).body).toMatchObject({ email, roles: ['viewer'] });
    expect((await signIn(context.platform, email)).status).toBe(200);
    const again = await members.admin.request('POST', '/members', {
      body: { email, name: 'Twice', roles: ['viewer'] },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'member_exists', param: 'email' });
  });
});

describe('SRP sign-in with Cognito’s own client library (what the SPA uses)', () => {
  function srpSignIn(email: string, password: string, newPassword?: string) {
    const pool = new CognitoUserPool({
      UserPoolId: 'local_pool',
      ClientId: 'local_portal_client',
      endpoint: `${context.platform.url}/local-idp`,
    });
    const user = new CognitoUser({ Username: email, Pool: pool });
    return new Promise<{ idToken?: string; error?: string; challenged?: boolean }>((resolve) => {
      const callbacks = {
        onSuccess: (session: any) => resolve({ idToken: session.getIdToken().getJwtToken() }),
        onFailure: (error: any) => resolve({ error: `${error.code}: ${error.message}` }),
        newPasswordRequired: () => {
          if (!newPassword) return resolve({ challenged: true });
          user.completeNewPasswordChallenge(newPassword, {}, callbacks);
        },
      };
      user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), callbacks);
    });
  }

  it('proves the password without sending it, and the token works on the portal API', async () => {
    const signedIn = await srpSignIn(members.viewer.email, TEST_PASSWORD);
    const wrong = await srpSignIn(members.viewer.email, 'Wrong-password-1');
    const unknown = await srpSignIn('nobody@test.example', TEST_PASSWORD);

    const me = await portalClient(context.platform.url, signedIn.idToken!).request('GET', '/me');
    expect(me.body).toMatchObject({ id: members.viewer.memberId, roles: ['viewer'] });
    expect(wrong.error).toBe('NotAuthorizedException: Incorrect username or password.');
    expect(unknown.error).toBe('NotAuthorizedException: Incorrect username or password.');
  });

  it('asks an invited member for a new password, and refuses a disabled one', async () => {
    const email = `srp-invitee-${Date.now()}@test.example`;
    const invited = await members.admin.request('POST', '/members', {
      body: { email, name: 'SRP Invitee', roles: ['requester'] },
    });

    const first = await srpSignIn(email, invited.body.temporary_password, TEST_PASSWORD);
    const again = await srpSignIn(email, TEST_PASSWORD);
    await members.admin.request('PATCH', `/members/${invited.body.id}`, { body: { status: 'deactivated' } });
    const disabled = await srpSignIn(email, TEST_PASSWORD);

    expect(first.idToken).toEqual(expect.any(String));
    expect(again.idToken).toEqual(expect.any(String));
    expect(disabled.error).toBe('NotAuthorizedException: User is disabled.');
  });
});
