import { describe, expect, it } from 'vitest';
import { eventually, withTestPlatform } from '../helpers/platform.js';
import { newMember } from '../helpers/portal.js';

// Compressed time: every approval waits 2 s instead of until the payout's expiry (72 h by default).
const context = withTestPlatform('approval-expiry', { execution: { approvalTimeoutSeconds: 2 } });

describe('approval expiry (compressed)', () => {
  it('expires a payout nobody decided on (States.Timeout → expired), with an event', async () => {
    const requester = await newMember(context.platform, context.tenant.tenantId, ['requester']);
    const created = await requester.request('POST', '/payouts', {
      body: {
        category: 'support_credit',
        amount: 1000,
        currency: 'EUR',
        destination: { type: 'email', email: 'customer@example.com' },
        customer_reference: 'cust-expiry',
        reason_code: 'customer_satisfaction',
        rationale: 'Nobody will decide on this one before it expires.',
        ticket_url: 'https://support.example.com/tickets/77',
      },
      headers: { 'idempotency-key': `expiry-${Date.now()}` },
    });
    expect(created.body.status).toBe('pending_approval');
    const id = created.body.id as string;

    const expired = await eventually(
      async () => (await requester.request('GET', `/payouts/${id}`)).body,
      (payout) => payout.status === 'expired',
      20_000,
    );

    expect(expired.approval.approvals).toEqual([]);
    expect(expired.timeline.map((entry: { status: string }) => entry.status)).toEqual([
      'pending_approval',
      'expired',
    ]);
    const execution = context.platform.stepFunctions.executions().find((candidate) => candidate.name === id);
    await eventually(
      async () => execution?.status,
      (status) => status === 'SUCCEEDED',
    );
    const events = await eventually(
      () => context.tenant.request('GET', '/v1/events?type=payout.expired'),
      (response) => response.body.data.length > 0,
    );
    expect(events.body.data.map((event: any) => event.data.object.id)).toEqual([id]);
    // Too late to decide now.
    const approver = await newMember(context.platform, context.tenant.tenantId, ['approver']);
    expect((await approver.request('POST', `/payouts/${id}/approve`)).status).toBe(409);
  });
});
