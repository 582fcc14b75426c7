import { describe, expect, it } from 'vitest';
import { type Actor, stampFor } from '../../../shared/domain/audit.js';
import { payoutIdFor } from '../../../shared/domain/ids.js';
import type { Payout } from '../../../shared/domain/payout.js';
import { approvalPolicyUseCase } from '../../../shared/use-cases/approval-policy.js';
import { approvalsUseCase } from '../../../shared/use-cases/approvals.js';
import { cancelPayoutUseCase } from '../../../shared/use-cases/cancel-payout.js';
import { createPayoutUseCase } from '../../../shared/use-cases/create-payout.js';
import { DAY, HOUR, SECOND, testClock } from '../../fakes/clock.js';
import { memoryPorts } from '../../fakes/memory-ports.js';
import { apiKey, callerOf, member, payoutBody, refusal, TENANT } from './given.js';

const START = '2026-12-01T09:00:00.000Z';
/** The default policy's wait: 72 hours. */
const EXPIRES = '2026-12-04T09:00:00.000Z';
const requester = member('u-req', 'Rita');
const alice = callerOf(member('u-alice', 'Alice'));
const bob = callerOf(member('u-bob', 'Bob'));

function setUp() {
  const ports = memoryPorts();
  const clock = testClock(START);
  const createPayout = createPayoutUseCase({
    payouts: ports.payouts,
    idempotency: ports.idempotency,
    team: ports.team,
    now: clock.now,
  });
  const approvals = approvalsUseCase({ payouts: ports.payouts, workflow: ports.workflow, now: clock.now });
  /** A payout asked for by `by` under the default policy: a portal payout needs 1 approval, EUR 10,000 needs 2. */
  async function requested(
    reference: string,
    options: { amount?: number; by?: Actor } = {},
  ): Promise<Payout> {
    const body = payoutBody({ reference, amount: options.amount ?? 2500 });
    const by = options.by ?? requester;
    await createPayout({
      tenantId: TENANT,
      idempotencyKey: `key-${reference}`,
      rawBody: body,
      body,
      source: by.type === 'member' ? 'portal' : 'api',
      action: stampFor(callerOf(by), 'payout.create', clock.now()),
    });
    return (await ports.payouts.get(TENANT, payoutIdFor(TENANT, reference))) as Payout;
  }
  const stored = async (payout: Payout) => (await ports.payouts.get(TENANT, payout.id)) as Payout;
  return { ...ports, clock, approvals, requested, stored };
}

const approve = { approve: true, comment: null };
const reject = (comment: string | null) => ({ approve: false, comment });

describe('four eyes', () => {
  it('refuses the requester’s own decision (403), even to approve, and records nothing', async () => {
    const { approvals, requested, stored } = setUp();
    const payout = await requested('inv-1');

    const error = await refusal(approvals.decide(callerOf(requester), payout.id, approve));

    expect([error.statusCode, error.code]).toEqual([403, 'self_approval_refused']);
    expect(await stored(payout)).toMatchObject({ status: 'pending_approval', version: 1 });
  });

  it('counts the member who created an API key as the requester of what the key asked for', async () => {
    const { approvals, requested } = setUp();
    const payout = await requested('inv-1', { amount: 1_000_000, by: apiKey('ak_1', 'u-alice') });
    expect(payout.approval?.required).toBe(2);

    expect((await refusal(approvals.decide(alice, payout.id, approve))).code).toBe('self_approval_refused');
    expect((await approvals.decide(bob, payout.id, approve)).outcome).toBe('pending');
  });

  it('needs as many different people as the policy asks for: one person counts once', async () => {
    const { approvals, requested, stored } = setUp();
    const payout = await requested('inv-1', { amount: 1_000_000 });

    expect((await approvals.decide(alice, payout.id, approve)).outcome).toBe('pending');
    const again = await refusal(approvals.decide(alice, payout.id, approve));
    expect([again.statusCode, again.code]).toEqual([409, 'already_decided']);
    expect((await approvals.decide(bob, payout.id, approve)).outcome).toBe('approved');

    expect((await stored(payout)).approval?.approvals.map((entry) => entry.userId)).toEqual([
      'u-alice',
      'u-bob',
    ]);
    const late = await refusal(approvals.decide(callerOf(member('u-carol')), payout.id, approve));
    expect([late.statusCode, late.code]).toEqual([409, 'payout_not_pending_approval']);
  });
});

describe('rejecting', () => {
  it.each([
    ['no comment', null],
    ['a blank comment', '   '],
  ])('is refused with %s (400 naming comment), before anything is read', async (_, comment) => {
    const { approvals } = setUp();

    const error = await refusal(approvals.decide(alice, 'po_unknown', reject(comment)));

    expect([error.statusCode, error.code, error.param]).toEqual([400, 'validation_failed', 'comment']);
  });

  it('takes one rejection with its comment: the payout ends rejected, by that person', async () => {
    const { approvals, requested, stored, clock, workflow } = setUp();
    const payout = await requested('inv-1', { amount: 1_000_000 });
    await approvals.awaitDecision({ tenantId: TENANT, payoutId: payout.id, taskToken: 'task-1' });
    await approvals.decide(alice, payout.id, approve);
    clock.advance(HOUR);

    const { outcome } = await approvals.decide(bob, payout.id, reject('Duplicate of inv-0'));

    expect(outcome).toBe('rejected');
    expect(workflow.resumed).toEqual([{ taskToken: 'task-1', outcome: 'rejected' }]);
    expect(await approvals.finish({ tenantId: TENANT, payoutId: payout.id, outcome: 'rejected' })).toEqual({
      status: 'rejected',
    });
    const final = await stored(payout);
    expect(final.approval?.rejectedBy).toEqual({
      userId: 'u-bob',
      name: 'Bob',
      at: '2026-12-01T10:00:00.000Z',
      comment: 'Duplicate of inv-0',
    });
    expect(final.history?.at(-1)).toEqual({
      status: 'rejected',
      at: '2026-12-01T10:00:00.000Z',
      actor: { type: 'member', id: 'u-bob', name: 'Bob', email: '' },
    });
    expect(final.approvalTask).toBeNull();
  });

  it('shows the requester their payouts rejected in the last 7 days, and nobody else’s', async () => {
    const { approvals, requested, clock } = setUp();
    const old = await requested('inv-old');
    await approvals.decide(alice, old.id, reject('no'));
    await approvals.finish({ tenantId: TENANT, payoutId: old.id, outcome: 'rejected' });
    clock.advance(2 * DAY);
    const recent = await requested('inv-recent');
    await approvals.decide(alice, recent.id, reject('no'));
    await approvals.finish({ tenantId: TENANT, payoutId: recent.id, outcome: 'rejected' });
    const someoneElses = await requested('inv-other', { by: member('u-other') });
    await approvals.decide(alice, someoneElses.id, reject('no'));
    await approvals.finish({ tenantId: TENANT, payoutId: someoneElses.id, outcome: 'rejected' });

    clock.advance(6 * DAY);

    expect((await approvals.recentRejectionsOf(TENANT, 'u-req')).map((payout) => payout.reference)).toEqual([
      'inv-recent',
    ]);
  });
});

describe('the approval workflow’s steps', () => {
  it('releases an approved payout to the queue, crediting the last approver', async () => {
    const { approvals, requested, stored, workflow } = setUp();
    const payout = await requested('inv-1');
    expect(
      await approvals.awaitDecision({ tenantId: TENANT, payoutId: payout.id, taskToken: 'task-1' }),
    ).toEqual({
      waiting: true,
    });
    expect((await stored(payout)).approvalTask).toEqual({ token: 'task-1' });

    await approvals.decide(alice, payout.id, approve);

    expect(workflow.resumed).toEqual([{ taskToken: 'task-1', outcome: 'approved' }]);
    expect(await approvals.finish({ tenantId: TENANT, payoutId: payout.id, outcome: 'approved' })).toEqual({
      status: 'queued',
    });
    expect((await stored(payout)).history?.at(-1)?.actor).toEqual({
      type: 'member',
      id: 'u-alice',
      name: 'Alice',
      email: '',
    });
  });

  it('resumes at once when the decision was made before the task token arrived', async () => {
    const { approvals, requested, workflow } = setUp();
    const payout = await requested('inv-1');
    await approvals.decide(alice, payout.id, approve);

    const result = await approvals.awaitDecision({
      tenantId: TENANT,
      payoutId: payout.id,
      taskToken: 'late',
    });

    expect(result).toEqual({ waiting: false });
    expect(workflow.resumed).toEqual([{ taskToken: 'late', outcome: 'approved' }]);
  });

  it('starts one execution per payout, waiting until the payout expires', async () => {
    const { approvals, requested, workflow, clock } = setUp();
    const payout = await requested('inv-1');
    clock.advance(10 * SECOND + 1);
    const input = { tenantId: TENANT, payoutId: payout.id, expiresAt: EXPIRES };

    expect(await approvals.startExecution(input)).toBe('started');
    expect(await approvals.startExecution(input)).toBe('already_started');
    expect(workflow.started).toEqual([
      { tenantId: TENANT, payoutId: payout.id, timeoutSeconds: 72 * 3600 - 10 },
    ]);
    expect(await approvals.secondsLeft({ tenantId: TENANT, payoutId: payout.id })).toBe(72 * 3600 - 10);
  });
});

describe('expiry', () => {
  it('refuses a decision from the moment the payout expires (409), so a late approval cannot pay it', async () => {
    const { approvals, requested, clock } = setUp();
    const payout = await requested('inv-1');
    clock.set('2026-12-04T08:59:59.999Z');
    const justInTime = await requested('inv-2');
    clock.set(EXPIRES);

    const error = await refusal(approvals.decide(alice, payout.id, approve));

    expect([error.statusCode, error.code]).toEqual([409, 'approval_expired']);
    expect((await approvals.decide(alice, justInTime.id, approve)).outcome).toBe('approved');
  });

  it('expires a payout still waiting when the timer fires; one decided meanwhile goes its way', async () => {
    const { approvals, requested, stored } = setUp();
    const waiting = await requested('inv-1');
    const decided = await requested('inv-2');
    await approvals.decide(alice, decided.id, approve);

    expect(await approvals.finish({ tenantId: TENANT, payoutId: waiting.id, outcome: 'expired' })).toEqual({
      status: 'expired',
    });
    expect(await approvals.finish({ tenantId: TENANT, payoutId: decided.id, outcome: 'expired' })).toEqual({
      status: 'queued',
    });
    expect((await stored(waiting)).status).toBe('expired');
    expect(await approvals.secondsLeft({ tenantId: TENANT, payoutId: waiting.id })).toBe(0);
  });

  it('leaves a canceled payout canceled, and a cancel ends the waiting execution', async () => {
    const { approvals, requested, stored, payouts, workflow } = setUp();
    const payout = await requested('inv-1');
    await approvals.awaitDecision({ tenantId: TENANT, payoutId: payout.id, taskToken: 'task-1' });
    const cancel = cancelPayoutUseCase({ payouts, afterCancel: approvals.afterCancel });

    await cancel(callerOf(requester), payout.id);

    expect(workflow.resumed).toEqual([{ taskToken: 'task-1', outcome: 'canceled' }]);
    expect(await approvals.finish({ tenantId: TENANT, payoutId: payout.id, outcome: 'canceled' })).toEqual({
      status: 'canceled',
    });
    expect((await stored(payout)).status).toBe('canceled');
  });
});

describe('deciding on several payouts at once', () => {
  it('decides each on its own: a refusal does not stop the others, and an id counts once', async () => {
    const { approvals, requested } = setUp();
    const mine = await requested('inv-mine', { by: member('u-alice') });
    const first = await requested('inv-1');
    const second = await requested('inv-2');

    const results = await approvals.decideEach(alice, [first.id, mine.id, second.id, first.id], approve);

    expect(results.map((result) => [result.id, result.decided ? result.outcome : result.error.code])).toEqual(
      [
        [first.id, 'approved'],
        [mine.id, 'self_approval_refused'],
        [second.id, 'approved'],
      ],
    );
  });

  it('refuses a rejection without a comment for all of them before deciding any', async () => {
    const { approvals, requested, stored } = setUp();
    const payout = await requested('inv-1');

    expect((await refusal(approvals.decideEach(alice, [payout.id], reject(null)))).param).toBe('comment');
    expect((await stored(payout)).version).toBe(1);
  });
});

describe('the approval policy', () => {
  it('reads the default policy until an admin changes it; a change is conditional on the version read', async () => {
    const { team, clock } = setUp();
    const policies = approvalPolicyUseCase({ team, now: clock.now });
    const admin = callerOf(member('u-admin'));

    const defaults = await policies.get(TENANT);
    expect([defaults.version, defaults.expiry_hours, defaults.rules.map((rule) => rule.approvals)]).toEqual([
      0,
      72,
      [1, 2, 2, 2],
    ]);

    const updated = await policies.update(admin, {
      rules: [{ name: 'Everything', sources: [], approvals: 2 }],
      expiry_hours: 48,
      version: 0,
    });
    expect(updated).toMatchObject({
      rules: [
        { name: 'Everything', sources: null, purposes: null, currency: null, min_amount: null, approvals: 2 },
      ],
      expiry_hours: 48,
      role_grant_delay_hours: 24,
      mfa_required_for_all: false,
      updated_at: START,
      version: 1,
    });

    const stale = await refusal(policies.update(admin, { rules: [], expiry_hours: 24, version: 0 }));
    expect([stale.statusCode, stale.code]).toEqual([409, 'concurrent_modification']);
    expect((await policies.get(TENANT)).expiry_hours).toBe(48);
  });

  it('applies a changed policy to new payouts only', async () => {
    const { team, requested, clock } = setUp();
    const before = await requested('inv-1');
    await approvalPolicyUseCase({ team, now: clock.now }).update(callerOf(member('u-admin')), {
      rules: [{ name: 'Portal', sources: ['portal'], approvals: 3 }],
      expiry_hours: 24,
      version: 0,
    });

    const after = await requested('inv-2');

    expect([before.approval?.required, before.approval?.expiresAt]).toEqual([1, EXPIRES]);
    expect([after.approval?.required, after.approval?.expiresAt]).toEqual([3, '2026-12-02T09:00:00.000Z']);
  });
});
