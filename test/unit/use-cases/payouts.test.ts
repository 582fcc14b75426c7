import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy } from '../../../shared/domain/approvals.js';
import { payoutIdFor } from '../../../shared/domain/ids.js';
import { newPayout, type Payout, type PayoutStatus, transition } from '../../../shared/domain/payout.js';
import { listPayoutsQuery } from '../../../shared/schemas/payouts.js';
import { cancelPayoutUseCase } from '../../../shared/use-cases/cancel-payout.js';
import { createPayoutUseCase } from '../../../shared/use-cases/create-payout.js';
import { getPayoutUseCase, listPayoutsUseCase } from '../../../shared/use-cases/read-payouts.js';
import { HOUR, testClock } from '../../fakes/clock.js';
import { memoryPorts } from '../../fakes/memory-ports.js';
import { callerOf, member, OTHER_TENANT, payoutBody, racing, refusal, TENANT } from './given.js';

const START = '2026-12-01T09:00:00.000Z';

function setUp() {
  const ports = memoryPorts();
  const clock = testClock(START);
  const create = createPayoutUseCase({
    payouts: ports.payouts,
    idempotency: ports.idempotency,
    now: clock.now,
  });
  const createWithPolicy = createPayoutUseCase({
    payouts: ports.payouts,
    idempotency: ports.idempotency,
    team: ports.team,
    now: clock.now,
  });
  /** Creates a payout through the use case (API, no approval policy) and returns its stored form. */
  async function given(
    reference: string,
    overrides: Parameters<typeof payoutBody>[0] = {},
    tenantId = TENANT,
  ) {
    const body = payoutBody({ reference, ...overrides });
    await create({ tenantId, idempotencyKey: `key-${reference}`, rawBody: body, body, source: 'api' });
    return (await ports.payouts.get(tenantId, payoutIdFor(tenantId, reference))) as Payout;
  }
  return { ...ports, clock, create, createWithPolicy, given };
}

/** A stored payout in any status, as the executor or the workflow would have left it. */
function payoutIn(status: PayoutStatus, reference = 'inv-seeded'): Payout {
  const payout = newPayout({
    id: payoutIdFor(TENANT, reference),
    tenantId: TENANT,
    request: payoutBody({ reference }),
    source: 'api',
    now: START,
  });
  return { ...payout, status, version: 4 };
}

describe('creating a payout', () => {
  it('stores a queued payout under the id its reference names and answers 201 with its resource', async () => {
    const { create, payouts } = setUp();
    const body = payoutBody({ description: 'Refund of order 1001', metadata: { order: '1001' } });

    const result = await create({
      tenantId: TENANT,
      idempotencyKey: 'k1',
      rawBody: body,
      body,
      source: 'api',
    });

    const id = payoutIdFor(TENANT, 'inv-1001');
    expect(id).toMatch(/^po_[0-9A-Z]{26}$/);
    expect(result.replayed).toBe(false);
    expect(result.response.statusCode).toBe(201);
    expect(JSON.parse(result.response.body)).toEqual({
      id,
      object: 'payout',
      status: 'queued',
      amount: 2500,
      currency: 'EUR',
      destination: { type: 'email', email: 'ada@example.com' },
      reference: 'inv-1001',
      purpose: 'refund',
      description: 'Refund of order 1001',
      metadata: { order: '1001' },
      source: 'api',
      batch_id: null,
      approval: null,
      failure_code: null,
      failure_message: null,
      provider_reference: null,
      connector: null,
      return_code: null,
      returned_at: null,
      created_at: START,
      updated_at: START,
      paid_at: null,
      version: 1,
    });
    const stored = await payouts.get(TENANT, id);
    expect(stored?.status).toBe('queued');
    expect(stored?.history).toEqual([{ status: 'queued', at: START, actor: { type: 'system' } }]);
  });

  it('shows only the last four characters of an IBAN in its answer, and keeps the full one stored', async () => {
    const { create, payouts } = setUp();
    const body = payoutBody({
      destination: {
        type: 'bank_account',
        account_holder_name: 'Ada Lovelace',
        iban: 'DE89370400440532013000',
      },
    });

    const result = await create({
      tenantId: TENANT,
      idempotencyKey: 'k1',
      rawBody: body,
      body,
      source: 'api',
    });

    expect(JSON.parse(result.response.body).destination).toEqual({
      type: 'bank_account',
      account_holder_name: 'Ada Lovelace',
      iban_last4: '3000',
    });
    expect(result.response.body).not.toContain('DE89370400440532013000');
    const stored = await payouts.get(TENANT, payoutIdFor(TENANT, 'inv-1001'));
    expect(stored?.destination).toEqual(body.destination);
  });

  it('refuses a second payout with the same reference under a new key: 409 naming the existing payout', async () => {
    const { create, payouts } = setUp();
    const first = payoutBody();
    await create({ tenantId: TENANT, idempotencyKey: 'k1', rawBody: first, body: first, source: 'api' });
    const second = payoutBody({ amount: 9900 });

    const error = await refusal(
      create({ tenantId: TENANT, idempotencyKey: 'k2', rawBody: second, body: second, source: 'api' }),
    );

    const id = payoutIdFor(TENANT, 'inv-1001');
    expect([error.statusCode, error.code, error.param, error.extra]).toEqual([
      409,
      'reference_already_used',
      'reference',
      { payout_id: id },
    ]);
    expect(payouts.all(TENANT).map((payout) => payout.amount)).toEqual([2500]);
  });

  it('lets two tenants use the same reference: the tenant is part of the id', async () => {
    const { given } = setUp();
    const ours = await given('inv-7');
    const theirs = await given('inv-7', {}, OTHER_TENANT);
    expect(ours.id).not.toBe(theirs.id);
    expect([ours.tenantId, theirs.tenantId]).toEqual([TENANT, OTHER_TENANT]);
  });
});

describe('the approval policy at creation', () => {
  const create = async (
    ports: ReturnType<typeof setUp>,
    source: 'api' | 'portal',
    overrides: Parameters<typeof payoutBody>[0],
  ) => {
    const body = payoutBody(overrides);
    const result = await ports.createWithPolicy({
      tenantId: TENANT,
      idempotencyKey: `key-${body.reference}`,
      rawBody: body,
      body,
      source,
    });
    return JSON.parse(result.response.body) as { status: string; approval: unknown };
  };

  it.each([
    ['an API payout of EUR 25.00', 'api', { amount: 2500 }, 0],
    ['a portal payout', 'portal', { amount: 2500 }, 1],
    ['an API payout of EUR 10,000.00', 'api', { amount: 1_000_000 }, 2],
    ['an API payout of EUR 9,999.99', 'api', { amount: 999_999 }, 0],
    [
      'a portal payout of USD 10,000.00 (the strictest rule wins)',
      'portal',
      { amount: 1_000_000, currency: 'USD' },
      2,
    ],
    ['an API payout of JPY 1,000,000 (no rule for yen)', 'api', { amount: 1_000_000, currency: 'JPY' }, 0],
  ] as const)('under the default policy, %s needs %i approval(s)', async (_, source, overrides, required) => {
    const ports = setUp();
    const resource = await create(ports, source, overrides);
    if (required === 0) {
      expect(resource).toMatchObject({ status: 'queued', approval: null });
    } else {
      expect(resource).toMatchObject({
        status: 'pending_approval',
        approval: { required, approvals: [], rejected_by: null, expires_at: '2026-12-04T09:00:00.000Z' },
      });
    }
  });

  it('applies the tenant’s stored policy: its rules and its expiry', async () => {
    const ports = setUp();
    const policy: ApprovalPolicy = {
      tenantId: TENANT,
      rules: [{ name: 'Payroll', purposes: ['payroll'], approvals: 3 }],
      expiryHours: 24,
      updatedAt: START,
      version: 1,
    };
    await ports.team.saveApprovalPolicy(policy, 0);

    const payroll = await create(ports, 'api', { purpose: 'payroll', reference: 'pay-1' });
    expect(payroll).toMatchObject({
      status: 'pending_approval',
      approval: { required: 3, expires_at: '2026-12-02T09:00:00.000Z' },
    });
    // A portal payout needs nothing once the stored policy has no portal rule.
    expect(await create(ports, 'portal', { purpose: 'refund', reference: 'ref-2' })).toMatchObject({
      status: 'queued',
      approval: null,
    });
  });
});

describe('reading payouts', () => {
  it('gets a payout of the caller’s tenant; another tenant’s id is not found', async () => {
    const { given, payouts } = setUp();
    const payout = await given('inv-1');
    const get = getPayoutUseCase({ payouts });

    expect(await get(TENANT, payout.id)).toMatchObject({
      id: payout.id,
      reference: 'inv-1',
      status: 'queued',
    });
    const error = await refusal(get(OTHER_TENANT, payout.id));
    expect([error.statusCode, error.code, error.message]).toEqual([
      404,
      'resource_missing',
      `No such payout: '${payout.id}'`,
    ]);
  });

  it('lists newest first, a page at a time, with an exact has_more and the cursor of the last item', async () => {
    const { given, clock, payouts } = setUp();
    const ids: string[] = [];
    for (const reference of ['inv-1', 'inv-2', 'inv-3']) {
      ids.push((await given(reference)).id);
      clock.advance(60_000);
    }
    await given('inv-x', {}, OTHER_TENANT);
    const list = listPayoutsUseCase({ payouts });

    const first = await list(TENANT, listPayoutsQuery.parse({ limit: '2' }));
    expect(first.data.map((payout) => payout.reference)).toEqual(['inv-3', 'inv-2']);
    expect([first.has_more, first.next_cursor]).toEqual([true, ids[1]]);

    const second = await list(
      TENANT,
      listPayoutsQuery.parse({ limit: '2', starting_after: first.next_cursor }),
    );
    expect(second.data.map((payout) => payout.reference)).toEqual(['inv-1']);
    expect([second.has_more, second.next_cursor]).toEqual([false, null]);

    const exact = await list(TENANT, listPayoutsQuery.parse({ limit: '3' }));
    expect([exact.data.length, exact.has_more]).toEqual([3, false]);
  });

  it('filters by status, by creation range (created_lt exclusive) and finds one payout by reference', async () => {
    const { given, clock, payouts } = setUp();
    await given('inv-1');
    clock.advance(60_000);
    const second = await given('inv-2', { purpose: 'payroll' });
    clock.advance(60_000);
    await given('inv-3');
    await payouts.transition({ current: second, next: transition(second, 'canceled', clock.iso()) });
    const list = listPayoutsUseCase({ payouts });
    const references = async (query: Record<string, string>) =>
      (await list(TENANT, listPayoutsQuery.parse(query))).data.map((payout) => payout.reference);

    expect(await references({ status: 'canceled' })).toEqual(['inv-2']);
    expect(await references({ status: 'queued' })).toEqual(['inv-3', 'inv-1']);
    expect(await references({ purpose: 'payroll' })).toEqual(['inv-2']);
    expect(
      await references({ created_gte: '2026-12-01T09:01:00Z', created_lt: '2026-12-01T09:02:00.000Z' }),
    ).toEqual(['inv-2']);
    expect(await references({ reference: 'inv-3' })).toEqual(['inv-3']);
    expect(await references({ reference: 'inv-3', status: 'canceled' })).toEqual([]);
    expect(await references({ reference: 'inv-404' })).toEqual([]);
  });

  it('answers an empty page for a cursor that names no payout of the tenant', async () => {
    const { given, payouts } = setUp();
    await given('inv-1');
    const theirs = await given('inv-2', {}, OTHER_TENANT);
    const list = listPayoutsUseCase({ payouts });

    const page = await list(TENANT, listPayoutsQuery.parse({ starting_after: theirs.id }));

    expect([page.data, page.has_more, page.next_cursor]).toEqual([[], false, null]);
  });
});

describe('canceling a payout', () => {
  const admin = callerOf(member('u-admin', 'Grace'));

  it.each([
    ['pending_approval', true],
    ['queued', true],
    ['processing', false],
    ['paid', false],
    ['failed', false],
    ['returned', false],
    ['rejected', false],
    ['expired', false],
    ['canceled', false],
  ] as const)('from %s: %s', async (status, allowed) => {
    const { payouts, clock } = setUp();
    const payout = payoutIn(status);
    payouts.seed(payout);
    const canceled: Payout[] = [];
    const cancel = cancelPayoutUseCase({
      payouts,
      afterCancel: async (done) => void canceled.push(done),
      now: clock.now,
    });

    const outcome = cancel(admin, payout.id);

    if (allowed) {
      expect(await outcome).toMatchObject({ status: 'canceled', version: 5, updated_at: START });
      expect(canceled.map((done) => done.id)).toEqual([payout.id]);
    } else {
      const error = await refusal(outcome);
      expect([error.statusCode, error.code]).toEqual([409, 'payout_not_cancelable']);
      expect(error.message).toBe(`A payout cannot move from '${status}' to 'canceled'`);
      expect(canceled).toEqual([]);
      expect((await payouts.get(TENANT, payout.id))?.version).toBe(4);
    }
  });

  it('records who canceled it in its history and as its last action', async () => {
    const { payouts, clock, given } = setUp();
    const payout = await given('inv-1');
    clock.advance(HOUR);

    await cancelPayoutUseCase({ payouts, now: clock.now })(admin, payout.id);

    const stored = await payouts.get(TENANT, payout.id);
    expect(stored?.history?.at(-1)).toEqual({
      status: 'canceled',
      at: '2026-12-01T10:00:00.000Z',
      actor: member('u-admin', 'Grace'),
    });
    expect(stored?.lastAction).toMatchObject({
      action: 'payout.cancel',
      actor: member('u-admin', 'Grace'),
      sourceIp: '203.0.113.7',
      requestId: 'req-1',
    });
  });

  it('decides again on a fresh read when the executor took the payout meanwhile: too late, 409', async () => {
    const { payouts, clock, given } = setUp();
    const payout = await given('inv-1');
    const executor = async () =>
      payouts.transition({ current: payout, next: transition(payout, 'processing', clock.iso()) });
    const cancel = cancelPayoutUseCase({
      payouts: racing(payouts, 'transition', [executor]),
      now: clock.now,
    });

    const error = await refusal(cancel(admin, payout.id));

    expect(error.code).toBe('payout_not_cancelable');
    expect((await payouts.get(TENANT, payout.id))?.status).toBe('processing');
  });

  it('still cancels when another writer changed the payout without moving it on', async () => {
    const { payouts, given } = setUp();
    const payout = await given('inv-1');
    const bookkeeping = async () =>
      payouts.transition({ current: payout, next: { ...payout, approvalTask: { token: 't' }, version: 2 } });
    const cancel = cancelPayoutUseCase({ payouts: racing(payouts, 'transition', [bookkeeping]) });

    expect(await cancel(admin, payout.id)).toMatchObject({ status: 'canceled', version: 3 });
  });

  it('gives up after three lost races with 409 concurrent_modification, writing nothing', async () => {
    const { payouts, given } = setUp();
    await given('inv-1');
    const id = payoutIdFor(TENANT, 'inv-1');
    const bump = async () => {
      const current = (await payouts.get(TENANT, id)) as Payout;
      await payouts.transition({ current, next: { ...current, version: current.version + 1 } });
    };
    const cancel = cancelPayoutUseCase({ payouts: racing(payouts, 'transition', [bump, bump, bump, bump]) });

    const error = await refusal(cancel(admin, id));

    expect([error.statusCode, error.code]).toEqual([409, 'concurrent_modification']);
    // Three attempts, each preceded by a rival write: the fourth rival never ran.
    expect(await payouts.get(TENANT, id)).toMatchObject({ status: 'queued', version: 4 });
  });

  it('answers 404 for a payout of another tenant and changes nothing', async () => {
    const { payouts, given } = setUp();
    const theirs = await given('inv-1', {}, OTHER_TENANT);

    const error = await refusal(cancelPayoutUseCase({ payouts })(admin, theirs.id));

    expect(error.code).toBe('resource_missing');
    expect((await payouts.get(OTHER_TENANT, theirs.id))?.status).toBe('queued');
  });
});
