import { describe, expect, it } from 'vitest';
import { activeRoles, type Member } from '../../shared/domain/team.js';
import { apiClient, payoutBody, withTestPlatform } from '../helpers/platform.js';
import { newMember, portalClient, signIn } from '../helpers/portal.js';

/**
 * One admin alone must not be able to satisfy "four eyes" (a hostile review did: an API key of their
 * own, a role granted to themselves, a second account of theirs as approver). Each step is closed.
 */
const context = withTestPlatform('four-eyes');

describe('four eyes against one admin alone', () => {
  it('an admin’s own API key’s payout, their self-grant and their second account all fail to approve it', async () => {
    const { platform, tenant } = context;
    const admin = await newMember(platform, tenant.tenantId, ['admin'], 'Mallory Admin');

    // Their own key: its payouts are their requests.
    const key = await admin.request('POST', '/api-keys', { body: { name: 'Side door' } });
    expect(key.status).toBe(201);
    const viaKey = apiClient(platform.url, tenant.tenantId, key.body.id, key.body.secret);
    const payout = await viaKey.createPayout(payoutBody({ amount: 2_000_000, currency: 'EUR' }));
    expect(payout.status).toBe(201);
    expect(payout.body.status).toBe('pending_approval');

    // No self-grant.
    const selfGrant = await admin.request('PATCH', `/members/${admin.memberId}`, {
      body: { roles: ['admin', 'approver'] },
    });
    expect(selfGrant.status).toBe(403);
    expect(selfGrant.body.error.code).toBe('cannot_grant_self');

    // A second account they invite as approver waits for another admin (or the cooling-off).
    const invited = await admin.request('POST', '/members', {
      body: { email: `second-${Date.now()}@test.example`, name: 'Mallory Two', roles: ['approver'] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.roles).toEqual([]);
    expect(invited.body.pending_roles).toEqual([
      expect.objectContaining({
        role: 'approver',
        granted_by: { id: admin.memberId, name: 'Mallory Admin' },
      }),
    ]);
    // They cannot confirm their own grant.
    const selfConfirm = await admin.request('POST', `/members/${invited.body.id}/confirm-roles`);
    expect(selfConfirm.status).toBe(403);
    expect(selfConfirm.body.error.code).toBe('cannot_confirm_own_grant');
    // The second account signs in (new password) and cannot approve: not an approver yet.
    await platform.cognito.call('AdminSetUserPassword', {
      UserPoolId: 'local_pool',
      Username: invited.body.email,
      Password: 'Test-password-1',
      Permanent: true,
    });
    const second = portalClient(
      platform.url,
      (await signIn(platform, invited.body.email)).body.AuthenticationResult.IdToken,
      invited.body.id,
    );
    const refused = await second.request('POST', `/payouts/${payout.body.id}/approve`, { body: {} });
    expect(refused.status).toBe(403);

    // Even an approver role confirmed by a real second admin leaves the admin unable to approve their key's payout.
    const colleague = await newMember(platform, tenant.tenantId, ['admin'], 'Colleague Admin');
    const grant = await colleague.request('PATCH', `/members/${admin.memberId}`, {
      body: { roles: ['admin', 'approver'] },
    });
    expect(grant.status).toBe(200);
    expect(grant.body.pending_roles.map((entry: { role: string }) => entry.role)).toEqual(['approver']);
    const confirm = await newMember(platform, tenant.tenantId, ['admin'], 'Third Admin');
    const confirmed = await confirm.request('POST', `/members/${admin.memberId}/confirm-roles`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.roles.sort()).toEqual(['admin', 'approver']);
    expect(confirmed.body.grants).toEqual([
      expect.objectContaining({
        role: 'approver',
        confirmed_by: { id: confirm.memberId, name: 'Third Admin' },
      }),
    ]);
    const own = await admin.request('POST', `/payouts/${payout.body.id}/approve`, { body: {} });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('self_approval_refused');

    // The inbox says who made each approver one, and when.
    const inbox = await admin.request('GET', '/approvals');
    expect(inbox.body.approvers[admin.memberId]).toMatchObject({
      name: 'Mallory Admin',
      granted_by: { id: colleague.memberId, name: 'Colleague Admin' },
      granted_at: expect.any(String),
    });
    expect(inbox.body.data.find((entry: { id: string }) => entry.id === payout.body.id)?.can_decide).toBe(
      false,
    );
  }, 60_000);

  it('two admins demoting each other at once leave the tenant with an admin, every time', async () => {
    const { platform } = context;
    for (let round = 0; round < 5; round++) {
      const tenant = await platform.newTenant(`Demotions ${round}`);
      const [first, second] = [
        await newMember(platform, tenant.tenantId, ['admin'], 'First'),
        await newMember(platform, tenant.tenantId, ['admin'], 'Second'),
      ];
      const results = await Promise.all([
        first.request('PATCH', `/members/${second.memberId}`, { body: { roles: ['viewer'] } }),
        second.request('PATCH', `/members/${first.memberId}`, { body: { roles: ['viewer'] } }),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
      expect(results.find((result) => result.status === 409)?.body.error.code).toBe('last_admin');
      const members: Member[] = await platform.adapters.team.listMembers(tenant.tenantId);
      const admins = members.filter(
        (member) =>
          member.status === 'active' && activeRoles(member, new Date().toISOString()).includes('admin'),
      );
      expect(admins).toHaveLength(1);
    }
  }, 60_000);

  it('a pending grant takes effect by itself after the tenant’s cooling-off', async () => {
    const { platform, tenant } = context;
    const admin = await newMember(platform, tenant.tenantId, ['admin'], 'Granting Admin');
    const person = await newMember(platform, tenant.tenantId, ['viewer'], 'New Approver');
    const granted = await admin.request('PATCH', `/members/${person.memberId}`, {
      body: { roles: ['viewer', 'approver'] },
    });
    const effectiveAt = granted.body.pending_roles[0].effective_at;
    expect(Date.parse(effectiveAt) - Date.parse(granted.body.pending_roles[0].granted_at)).toBe(
      24 * 3600_000,
    );
    const stored = (await platform.adapters.team.getMember(tenant.tenantId, person.memberId)) as Member;
    expect(activeRoles(stored, new Date(Date.parse(effectiveAt) - 1).toISOString())).toEqual(['viewer']);
    expect(activeRoles(stored, effectiveAt).sort()).toEqual(['approver', 'viewer']);
    // In the portal, not yet: the approvals inbox is refused, and the member sees the grant waiting.
    expect((await person.request('GET', '/approvals')).status).toBe(403);
    expect((await person.request('GET', '/me')).body).toMatchObject({
      roles: ['viewer'],
      pending_roles: [expect.objectContaining({ role: 'approver', effective_at: effectiveAt })],
    });
  });
});
