import { beforeAll, describe, expect, it } from 'vitest';
import { createSfnApprovalWorkflow } from '../../shared/adapters/sfn-approval-workflow.js';
import { eventually, payoutBody, type TestPlatform, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

const context = withTestPlatform('approvals');
const team = {} as Record<
  'requester' | 'approver' | 'approver2' | 'admin' | 'otherRequester' | 'both',
  PortalClient
>;

beforeAll(async () => {
  const tenantId = context.tenant.tenantId;
  team.requester = await newMember(context.platform, tenantId, ['requester'], 'Rita Requester');
  team.otherRequester = await newMember(context.platform, tenantId, ['requester'], 'Rob Requester');
  team.approver = await newMember(context.platform, tenantId, ['approver'], 'Arne Approver');
  team.approver2 = await newMember(context.platform, tenantId, ['approver'], 'Anna Approver');
  team.admin = await newMember(context.platform, tenantId, ['admin'], 'Ada Admin');
  team.both = await newMember(context.platform, tenantId, ['requester', 'approver'], 'Bo Both');
});

let counter = 0;
async function requestPayout(client: PortalClient, overrides: Record<string, unknown> = {}) {
  counter += 1;
  const response = await client.request('POST', '/payouts', {
    body: {
      category: 'one_time_refund',
      amount: 2500,
      currency: 'EUR',
      destination: { type: 'email', email: 'customer@example.com' },
      customer_reference: `cust-${counter}`,
      reason_code: 'billing_mistake',
      rationale: 'Charged twice for the November invoice; refunding the second charge.',
      ticket_url: 'https://support.example.com/tickets/9',
      ...overrides,
    },
    headers: { 'idempotency-key': `approval-${Date.now()}-${counter}` },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

/** The payout as the portal shows it, once `done` holds. */
const payoutWhen = (client: PortalClient, id: string, done: (payout: any) => boolean) =>
  eventually(async () => (await client.request('GET', `/payouts/${id}`)).body, done, 20_000);

function executionOf(platform: TestPlatform, payoutId: string) {
  return platform.stepFunctions.executions().filter((execution) => execution.name === payoutId);
}

async function eventTypes(payoutId: string): Promise<string[]> {
  const { body } = await context.tenant.request('GET', '/v1/events?limit=100');
  return body.data
    .filter((event: any) => event.data.object.id === payoutId)
    .map((event: any) => event.type)
    .reverse();
}

describe('the approval workflow (the same ASL CDK deploys, on aws-local-stepfunctions)', () => {
  it('approve: one approval releases the payout, which is paid; the timeline names both people', async () => {
    const id = await requestPayout(team.requester);
    await eventually(
      async () => executionOf(context.platform, id),
      (found) => found.length === 1,
    );

    const approved = await team.approver.request('POST', `/payouts/${id}/approve`, {
      body: { comment: 'OK' },
    });

    expect(approved.status).toBe(200);
    const paid = await payoutWhen(team.requester, id, (payout) => payout.status === 'paid');
    expect(paid.timeline.slice(0, 2)).toMatchObject([
      { status: 'pending_approval', actor: { id: team.requester.memberId } },
      { status: 'queued', actor: { id: team.approver.memberId, name: 'Arne Approver' } },
    ]);
    await eventually(
      async () => executionOf(context.platform, id)[0]?.status,
      (status) => status === 'SUCCEEDED',
    );
    await eventually(
      () => eventTypes(id),
      (types) => types.includes('payout.paid'),
    );
    // Events of one write share a timestamp: compare as a set (each exactly once).
    expect((await eventTypes(id)).sort()).toEqual(
      [
        'payout.created',
        'payout.approval_requested',
        'payout.approved',
        'payout.queued',
        'payout.processing',
        'payout.paid',
      ].sort(),
    );
  });

  it('reject: one rejection rejects, with the comment, and nothing is paid', async () => {
    const id = await requestPayout(team.requester);

    const rejected = await team.approver.request('POST', `/payouts/${id}/reject`, {
      body: { comment: 'No ticket evidence.' },
    });

    expect(rejected.status).toBe(200);
    const final = await payoutWhen(team.requester, id, (payout) => payout.status === 'rejected');
    expect(final.approval.rejected_by).toMatchObject({
      user_id: team.approver.memberId,
      comment: 'No ticket evidence.',
    });
    expect(final.paid_at).toBeNull();
    await eventually(
      () => eventTypes(id),
      (types) => types.includes('payout.rejected'),
    );
    expect(await eventTypes(id)).not.toContain('payout.queued');
  });

  it('quorum of 2: a high-value payout waits for a second, different approver', async () => {
    const created = await context.tenant.createPayout(payoutBody({ amount: 1_500_000, currency: 'EUR' }));
    expect(created.body).toMatchObject({
      status: 'pending_approval',
      approval: { required: 2, approvals: [] },
    });
    const id = created.body.id as string;

    await team.approver.request('POST', `/payouts/${id}/approve`);
    const twice = await team.approver.request('POST', `/payouts/${id}/approve`);
    const afterOne = await team.approver.request('GET', `/payouts/${id}`);
    await team.approver2.request('POST', `/payouts/${id}/approve`);

    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_decided');
    expect(afterOne.body).toMatchObject({
      status: 'pending_approval',
      approval: { approvals: [{ user_id: team.approver.memberId }] },
    });
    const released = await payoutWhen(team.approver, id, (payout) => payout.status !== 'pending_approval');
    expect(['queued', 'processing', 'paid']).toContain(released.status);
    expect(released.approval.approvals.map((entry: any) => entry.user_id)).toEqual([
      team.approver.memberId,
      team.approver2.memberId,
    ]);
  });

  it('four eyes, no override: the requester cannot approve their own payout, even holding the approver role', async () => {
    const id = await requestPayout(team.both);

    const own = await team.both.request('POST', `/payouts/${id}/approve`);
    const inbox = await team.both.request('GET', '/approvals?limit=100');

    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('self_approval_refused');
    expect(inbox.body.data.find((payout: any) => payout.id === id)).toMatchObject({ can_decide: false });
    expect((await team.both.request('GET', `/payouts/${id}`)).body.approval.approvals).toEqual([]);
  });

  it('cancel while pending: the requester or an admin may; the waiting execution ends', async () => {
    const mine = await requestPayout(team.requester);
    const other = await requestPayout(team.requester);
    await eventually(
      async () => executionOf(context.platform, mine),
      (found) => found.length === 1,
    );

    const notTheirs = await team.otherRequester.request('POST', `/payouts/${mine}/cancel`);
    const byRequester = await team.requester.request('POST', `/payouts/${mine}/cancel`);
    const byAdmin = await team.admin.request('POST', `/payouts/${other}/cancel`);
    const lateApproval = await team.approver.request('POST', `/payouts/${mine}/approve`);

    expect(notTheirs.status).toBe(403);
    expect(byRequester.body.status).toBe('canceled');
    expect(byAdmin.body.status).toBe('canceled');
    expect(lateApproval.status).toBe(409);
    await eventually(
      async () => executionOf(context.platform, mine)[0]?.status,
      (status) => status === 'SUCCEEDED',
    );
    expect((await team.requester.request('GET', `/payouts/${mine}`)).body.status).toBe('canceled');
  });

  it('a duplicate start (a redelivered event) is harmless: one execution per payout', async () => {
    const id = await requestPayout(team.requester);
    await eventually(
      async () => executionOf(context.platform, id),
      (found) => found.length === 1,
    );
    const workflow = createSfnApprovalWorkflow({
      stateMachineArn: process.env.PAYOUTS_APPROVAL_STATE_MACHINE_ARN as string,
    });

    const again = await workflow.start({
      tenantId: context.tenant.tenantId,
      payoutId: id,
      timeoutSeconds: 60,
    });
    await team.approver.request('POST', `/payouts/${id}/approve`);

    expect(again).toBe('already_started');
    expect(executionOf(context.platform, id)).toHaveLength(1);
    await payoutWhen(team.requester, id, (payout) => payout.status === 'paid');
  });

  it('bulk approve: each payout on its own, refusals listed', async () => {
    const first = await requestPayout(team.requester);
    const second = await requestPayout(team.requester);
    const own = await requestPayout(team.both);

    const bulk = await team.both.request('POST', '/approvals/approve', {
      body: { ids: [first, second, own] },
    });

    expect(bulk.status).toBe(200);
    expect(bulk.body.results).toMatchObject([
      { id: first, approved: true, outcome: 'approved' },
      { id: second, approved: true, outcome: 'approved' },
      { id: own, approved: false, error: { code: 'self_approval_refused' } },
    ]);
    await payoutWhen(team.requester, second, (payout) => payout.status === 'paid');
  });

  it('policy changes are audited and apply to new payouts only', async () => {
    const before = await requestPayout(team.requester);
    const policy = await team.admin.request('GET', '/settings/approval-policy');
    const updated = await team.admin.request('PUT', '/settings/approval-policy', {
      body: {
        rules: [{ name: 'Every portal payout twice', sources: ['portal'], approvals: 2 }],
        expiry_hours: 24,
        version: policy.body.version,
      },
    });
    const bad = await team.admin.request('PUT', '/settings/approval-policy', {
      body: {
        rules: [{ name: 'x', min_amount: 5, approvals: 1 }],
        expiry_hours: 24,
        version: updated.body.version,
      },
    });
    const after = await requestPayout(team.requester);

    expect(updated.status).toBe(200);
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('rules.0.currency');
    expect((await team.admin.request('GET', `/payouts/${before}`)).body.approval.required).toBe(1);
    expect((await team.admin.request('GET', `/payouts/${after}`)).body.approval.required).toBe(2);
    const audit = await eventually(
      () => team.admin.request('GET', '/audit-log?action=approval_policy.update'),
      (response) => response.body.data.length === 1,
    );
    expect(audit.body.data[0]).toMatchObject({
      actor: { id: team.admin.memberId },
      target: { type: 'approval_policy', id: 'approvals' },
      changes: {
        expiryHours: { after: 24 },
        rules: { after: [{ name: 'Every portal payout twice', approvals: 2 }] },
      },
    });
    // Back to the default for the other tests of this file.
    await team.admin.request('PUT', '/settings/approval-policy', {
      body: {
        rules: policy.body.rules.map((rule: any) =>
          Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== null)),
        ),
        expiry_hours: 72,
        version: updated.body.version,
      },
    });
  });
});

describe('a crash between recording the deciding approval and resuming the execution', () => {
  it('is harmless: the relay sees the committed decision and resumes the execution (no wait for expiry)', async () => {
    const { approvalsUseCase } = await import('../../shared/use-cases/approvals.js');
    const id = await requestPayout(team.requester);
    // The execution waits with its token stored on the payout.
    await eventually(
      async () =>
        (await context.platform.adapters.payouts.get(context.tenant.tenantId, id))?.approvalTask?.token,
      (token) => Boolean(token),
    );
    const crashing = approvalsUseCase({
      payouts: context.platform.adapters.payouts,
      workflow: {
        start: () => Promise.reject(new Error('not used')),
        resume: () => Promise.reject(new Error('killed right after the decision was written')),
      },
    });
    const approver = {
      type: 'member' as const,
      id: team.approver.memberId,
      name: 'Arne Approver',
      email: team.approver.email,
    };

    await expect(
      crashing.decide(
        { tenantId: context.tenant.tenantId, actor: approver, sourceIp: null, requestId: 'crash' },
        id,
        { approve: true, comment: null },
      ),
    ).rejects.toThrow('killed');

    const paid = await payoutWhen(team.requester, id, (payout) => payout.status === 'paid');
    expect(paid.approval.approvals).toMatchObject([{ user_id: team.approver.memberId }]);
  });
});
