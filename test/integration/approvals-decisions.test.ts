import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

/**
 * Issue 19's approval decisions: a rejection says why (single and bulk), the inbox says why a person
 * cannot decide, and the requester learns of their rejected payouts.
 */
const context = withTestPlatform('approvals-decisions');
const team = {} as Record<'requester' | 'otherRequester' | 'approver' | 'both', PortalClient>;

beforeAll(async () => {
  const tenantId = context.tenant.tenantId;
  team.requester = await newMember(context.platform, tenantId, ['requester'], 'Rita Requester');
  team.otherRequester = await newMember(context.platform, tenantId, ['requester'], 'Rob Requester');
  team.approver = await newMember(context.platform, tenantId, ['approver'], 'Arne Approver');
  team.both = await newMember(context.platform, tenantId, ['requester', 'approver'], 'Bo Both');
});

let counter = 0;
async function requestPayout(client: PortalClient) {
  counter += 1;
  const response = await client.request('POST', '/payouts', {
    body: {
      category: 'one_time_refund',
      amount: 2500,
      currency: 'EUR',
      destination: { type: 'email', email: 'customer@example.com' },
      customer_reference: `cust-decision-${counter}`,
      reason_code: 'billing_mistake',
      rationale: 'Charged twice for the November invoice; refunding the second charge.',
      ticket_url: 'https://support.example.com/tickets/9',
    },
    headers: { 'idempotency-key': `decision-${Date.now()}-${counter}` },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

const payoutWhen = (client: PortalClient, id: string, done: (payout: any) => boolean) =>
  eventually(async () => (await client.request('GET', `/payouts/${id}`)).body, done, 20_000);

/** The approver's inbox entry of one payout (every page: the inbox is short here). */
/** The payout's inbox entry, once the inbox lists it (its approval workflow starts asynchronously). */
async function inboxEntry(client: PortalClient, id: string) {
  const entries = await eventually(
    async () => (await client.request('GET', '/approvals?limit=100')).body.data as any[],
    (data) => data.some((payout) => payout.id === id),
  );
  return entries.find((payout) => payout.id === id);
}

describe('approval decisions (issue 19)', () => {
  it('a rejection without a comment is refused with 400 naming comment and changes nothing', async () => {
    const id = await requestPayout(team.requester);

    const missing = await team.approver.request('POST', `/payouts/${id}/reject`, { body: {} });
    const blank = await team.approver.request('POST', `/payouts/${id}/reject`, { body: { comment: '   ' } });

    for (const response of [missing, blank]) {
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param: 'comment' });
    }
    const unchanged = (await team.requester.request('GET', `/payouts/${id}`)).body;
    expect(unchanged.status).toBe('pending_approval');
    expect(unchanged.approval.rejected_by).toBeNull();
  });

  it('a rejection with a comment answers the payout with the rejection, which the requester then reads', async () => {
    const id = await requestPayout(team.requester);

    const rejected = await team.approver.request('POST', `/payouts/${id}/reject`, {
      body: { comment: 'No ticket evidence.' },
    });

    expect(rejected.status).toBe(200);
    expect(rejected.body.approval.rejected_by).toMatchObject({
      user_id: team.approver.memberId,
      name: 'Arne Approver',
      comment: 'No ticket evidence.',
    });
    const final = await payoutWhen(team.requester, id, (payout) => payout.status === 'rejected');
    expect(final.approval.rejected_by.comment).toBe('No ticket evidence.');
    // Deciding again answers 409: nothing left to decide.
    expect((await team.approver.request('POST', `/payouts/${id}/approve`)).status).toBe(409);
  });

  it('bulk reject: the comment is required for all, then each payout is decided on its own', async () => {
    const first = await requestPayout(team.requester);
    const second = await requestPayout(team.otherRequester);
    const own = await requestPayout(team.both);

    const noComment = await team.both.request('POST', '/approvals/reject', { body: { ids: [first] } });
    expect(noComment.status).toBe(400);
    expect(noComment.body.error.param).toBe('comment');
    expect((await team.requester.request('GET', `/payouts/${first}`)).body.approval.rejected_by).toBeNull();

    const bulk = await team.both.request('POST', '/approvals/reject', {
      body: { ids: [first, second, own, first], comment: 'Duplicates of last week’s refunds.' },
    });

    expect(bulk.status).toBe(200);
    expect(bulk.body.object).toBe('bulk_rejection');
    expect(bulk.body.results).toHaveLength(3);
    expect(bulk.body.results).toMatchObject([
      { id: first, rejected: true, outcome: 'rejected', payout: { id: first } },
      { id: second, rejected: true, outcome: 'rejected' },
      { id: own, rejected: false, error: { code: 'self_approval_refused' } },
    ]);
    expect(bulk.body.results[0].payout.approval.rejected_by).toMatchObject({
      name: 'Bo Both',
      comment: 'Duplicates of last week’s refunds.',
    });
    for (const id of [first, second])
      await payoutWhen(team.requester, id, (payout) => payout.status === 'rejected');
    expect((await team.requester.request('GET', `/payouts/${own}`)).body.status).toBe('pending_approval');
  });

  it('bulk approve answers each decided payout too, for the inbox to show it at once', async () => {
    const id = await requestPayout(team.requester);

    const bulk = await team.approver.request('POST', '/approvals/approve', { body: { ids: [id] } });

    expect(bulk.status).toBe(200);
    expect(bulk.body.results).toMatchObject([
      {
        id,
        approved: true,
        outcome: 'approved',
        payout: { id, approval: { approvals: [{ name: 'Arne Approver' }] } },
      },
    ]);
  });

  it('the inbox says why a person cannot decide: their own request, already approved, expired', async () => {
    const own = await requestPayout(team.both);
    const decidable = await requestPayout(team.requester);
    // EUR 15,000.00 through the API: two approvals (the default policy's high-value rule).
    const highValue = (await context.tenant.createPayout(payoutBody({ amount: 1_500_000, currency: 'EUR' })))
      .body.id as string;
    const late = await requestPayout(team.requester);
    expect((await team.both.request('POST', `/payouts/${highValue}/approve`)).status).toBe(200);
    // Its deadline passed, and the workflow's timer (set for the original deadline) has not fired yet.
    // Moved only once its workflow has started (its task token stored): a workflow starting after the
    // deadline expires the payout at once, as it should, and the inbox would never list it.
    const payouts = context.platform.adapters.payouts;
    const current = await eventually(
      () => payouts.get(context.tenant.tenantId, late),
      (payout) => Boolean(payout?.approvalTask?.token),
      20_000,
    );
    if (!current?.approval) throw new Error('the payout waits for approval');
    await payouts.transition({
      current,
      next: {
        ...current,
        approval: { ...current.approval, expiresAt: new Date(Date.now() - 60_000).toISOString() },
        version: current.version + 1,
      },
    });

    const reasons = await Promise.all(
      [own, highValue, late, decidable].map(async (id) => {
        const entry = await inboxEntry(team.both, id);
        return { can_decide: entry.can_decide, cannot_decide_reason: entry.cannot_decide_reason };
      }),
    );

    expect(reasons).toEqual([
      { can_decide: false, cannot_decide_reason: 'own_request' },
      { can_decide: false, cannot_decide_reason: 'already_approved' },
      { can_decide: false, cannot_decide_reason: 'expired' },
      { can_decide: true, cannot_decide_reason: null },
    ]);
    // The reason holds when deciding too: past its deadline nobody approves it.
    const tooLate = await team.approver.request('POST', `/payouts/${late}/approve`);
    // Refused either way: by the deadline check, or because the expiry already moved it to expired.
    expect(tooLate.status).toBe(409);
    expect(['approval_expired', 'payout_not_pending_approval']).toContain(tooLate.body.error.code);
    expect((await team.approver.request('GET', `/payouts/${late}`)).body.status).not.toBe('queued');
  });

  it('a requester reads their recently rejected payouts, and only theirs', async () => {
    const mine = await requestPayout(team.requester);
    const theirs = await requestPayout(team.otherRequester);
    for (const id of [mine, theirs]) {
      const rejected = await team.approver.request('POST', `/payouts/${id}/reject`, {
        body: { comment: 'Please attach the invoice.' },
      });
      expect(rejected.status).toBe(200);
      await payoutWhen(team.requester, id, (payout) => payout.status === 'rejected');
    }

    const notices = (await team.requester.request('GET', '/me/rejected-payouts')).body;
    const others = (await team.otherRequester.request('GET', '/me/rejected-payouts')).body;

    const ids = notices.data.map((payout: any) => payout.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
    expect(others.data.map((payout: any) => payout.id)).toContain(theirs);
    expect(others.data.map((payout: any) => payout.id)).not.toContain(mine);
    const notice = notices.data.find((payout: any) => payout.id === mine);
    expect(notice).toMatchObject({
      status: 'rejected',
      manual: { requested_by: { id: team.requester.memberId } },
      approval: { rejected_by: { name: 'Arne Approver', comment: 'Please attach the invoice.' } },
    });
  });
});
