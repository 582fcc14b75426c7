import { describe, expect, it } from 'vitest';
import { stampFor } from '../../../shared/domain/audit.js';
import type { PayoutBatch } from '../../../shared/domain/batches.js';
import type { ValidationError } from '../../../shared/domain/errors.js';
import { payoutIdFor } from '../../../shared/domain/ids.js';
import { newPayout, type Payout, type PayoutStatus, transition } from '../../../shared/domain/payout.js';
import { parseBatchItems } from '../../../shared/schemas/batch-request.js';
import type { CreatePayoutBody } from '../../../shared/schemas/payout-request.js';
import { createPayoutUseCase } from '../../../shared/use-cases/create-payout.js';
import { payoutBatchesUseCase } from '../../../shared/use-cases/payout-batches.js';
import { testClock } from '../../fakes/clock.js';
import { memoryPorts } from '../../fakes/memory-ports.js';
import { apiKey, callerOf, member, payoutBody, refusal, TENANT } from './given.js';

const START = '2026-12-01T09:00:00.000Z';
const integrator = callerOf(apiKey('ak_1'));

const items = (count: number, overrides: Partial<CreatePayoutBody> = {}) =>
  Array.from({ length: count }, (_, index) => payoutBody({ reference: `pay-${index}`, ...overrides }));

function setUp() {
  const ports = memoryPorts();
  const clock = testClock(START);
  const batches = payoutBatchesUseCase({
    batches: ports.batches,
    payouts: ports.payouts,
    idempotency: ports.idempotency,
    team: ports.team,
    now: clock.now,
  });
  const submit = (body: CreatePayoutBody[], key = 'batch-key-1', caller = integrator) =>
    batches.create({ caller, idempotencyKey: key, rawBody: { items: body }, items: body });
  /** Submits a batch and returns it as stored. */
  async function accepted(body: CreatePayoutBody[], caller = integrator): Promise<PayoutBatch> {
    const { response } = await submit(body, 'batch-key-1', caller);
    return (await ports.batches.get(TENANT, JSON.parse(response.body).id)) as PayoutBatch;
  }
  async function expandAll(batch: PayoutBatch) {
    for (let index = 0; index < batch.chunks; index++) await batches.expandChunk(TENANT, batch.id, index);
  }
  return { ...ports, store: ports.batches, clock, batches, submit, accepted, expandAll };
}

describe('validating a batch (before the use case)', () => {
  it('lists every bad item at once, naming each by index, and a reference repeated within the batch', () => {
    const body = {
      items: [
        payoutBody({ reference: 'a' }),
        { ...payoutBody({ reference: 'b' }), amount: 0 },
        payoutBody({ reference: 'a' }),
      ],
    };

    let error: ValidationError | undefined;
    try {
      parseBatchItems(body);
    } catch (caught) {
      error = caught as ValidationError;
    }

    expect(error?.details).toEqual([
      { param: 'items.1.amount', message: 'must be greater than 0' },
      {
        param: 'items.2.reference',
        message: 'repeats the reference of items.0; references must be unique within a batch',
      },
    ]);
    expect(error?.extra).toEqual({ invalid_items: [1, 2] });
    expect(error?.message).toBe('2 of 3 items are invalid (items 1, 2); nothing was created.');
  });

  it('takes at most 10,000 items, and at least one', () => {
    const tooMany = Array.from({ length: 10_001 }, () => ({}));
    expect(() => parseBatchItems({ items: tooMany })).toThrow('items: must contain at most 10000 items');
    expect(() => parseBatchItems({ items: [] })).toThrow('items: must contain at least 1 item');
  });
});

describe('accepting a batch', () => {
  it('stores the items in chunks of 100 and answers 202 with the batch, nothing expanded yet', async () => {
    const { submit, store } = setUp();

    const { response, replayed } = await submit(items(250));

    expect([response.statusCode, replayed]).toEqual([202, false]);
    const resource = JSON.parse(response.body);
    expect(resource).toMatchObject({
      object: 'payout_batch',
      status: 'accepted',
      total: 250,
      expanded: 0,
      created_at: START,
      completed_at: null,
    });
    expect(resource.id).toMatch(/^pb_[0-9A-Z]{26}$/);
    expect(Object.values(resource.counts).every((count) => count === 0)).toBe(true);
    const chunks = await store.chunks(TENANT, resource.id);
    expect(chunks.map((chunk) => [chunk.index, chunk.offset, chunk.items.length, chunk.doneAt])).toEqual([
      [0, 0, 100, null],
      [1, 100, 100, null],
      [2, 200, 50, null],
    ]);
  });

  it('replays the first answer to a retry with the same key and body; another body is 422', async () => {
    const { submit, store } = setUp();
    const first = await submit(items(3));

    expect(await submit(items(3))).toEqual({ response: first.response, replayed: true });
    const error = await refusal(submit(items(4)));
    expect([error.statusCode, error.code]).toEqual([422, 'idempotency_key_reused']);
    expect((await store.list(TENANT, { limit: 10 })).items).toHaveLength(1);
  });

  it('shares the key space with single payouts: a payout’s key is not a batch’s key', async () => {
    const { submit, payouts, idempotency, clock } = setUp();
    const body = payoutBody();
    await createPayoutUseCase({ payouts, idempotency, now: clock.now })({
      tenantId: TENANT,
      idempotencyKey: 'shared-key',
      rawBody: body,
      body,
      source: 'api',
    });

    expect((await refusal(submit(items(1), 'shared-key'))).code).toBe('idempotency_key_reused');
  });

  it('creates one batch for two concurrent requests with one key; the other is told to retry', async () => {
    const { submit, store } = setUp();

    const [first, second] = await Promise.allSettled([submit(items(2)), submit(items(2))]);

    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason.code).toBe('idempotency_key_in_use');
    expect((await store.list(TENANT, { limit: 10 })).items).toHaveLength(1);
  });

  it('refuses the whole batch, naming each item no rail accepts, when the tenant routes payouts', async () => {
    const ports = memoryPorts();
    const batches = payoutBatchesUseCase({
      ...ports,
      routing: { store: { get: async () => undefined }, sandboxAvailable: false },
    });
    const body = items(2);

    const error = await refusal(
      batches.create({ caller: integrator, idempotencyKey: 'k', rawBody: { items: body }, items: body }),
    );

    expect([error.statusCode, error.code, error.details?.map((problem) => problem.param)]).toEqual([
      400,
      'unsupported_destination',
      ['items.0.destination.type', 'items.1.destination.type'],
    ]);
    expect((await ports.batches.list(TENANT, { limit: 10 })).items).toEqual([]);
  });
});

describe('expanding a batch into payouts', () => {
  it('creates each item as a batch payout, under the approval policy as the requester’s channel sees it', async () => {
    const { accepted, expandAll, payouts, batches } = setUp();
    const batch = await accepted([
      payoutBody({ reference: 'small', amount: 2500 }),
      payoutBody({ reference: 'large', amount: 1_000_000 }),
    ]);

    await expandAll(batch);

    const [small, large] = await payouts.getMany(TENANT, [
      payoutIdFor(TENANT, 'small'),
      payoutIdFor(TENANT, 'large'),
    ]);
    expect([small?.source, small?.batchId, small?.status]).toEqual(['batch', batch.id, 'queued']);
    expect([large?.status, large?.approval?.required]).toEqual(['pending_approval', 2]);
    expect(large?.history?.[0]?.actor).toEqual(apiKey('ak_1'));
    expect(await batches.get(TENANT, batch.id)).toMatchObject({
      status: 'processing',
      expanded: 2,
      counts: { queued: 0, pending_approval: 0, duplicate: 0 },
    });
  });

  it('judges a batch uploaded by a person as a portal request: every payout needs an approval', async () => {
    const { accepted, expandAll, payouts } = setUp();
    const batch = await accepted(items(2), callerOf(member('u-rita')));

    await expandAll(batch);

    expect(payouts.all(TENANT).map((payout) => [payout.status, payout.approval?.required])).toEqual([
      ['pending_approval', 1],
      ['pending_approval', 1],
    ]);
  });

  it('counts an item whose reference another payout has as a duplicate, by its position', async () => {
    const { accepted, expandAll, payouts, idempotency, clock, store } = setUp();
    const existing = payoutBody({ reference: 'pay-1' });
    await createPayoutUseCase({ payouts, idempotency, now: clock.now })({
      tenantId: TENANT,
      idempotencyKey: 'single',
      rawBody: existing,
      body: existing,
      source: 'api',
      action: stampFor(integrator, 'payout.create', clock.now()),
    });
    const batch = await accepted(items(3));

    await expandAll(batch);

    expect(await store.get(TENANT, batch.id)).toMatchObject({ created: 2, duplicate: 1, expandedChunks: 1 });
    expect((await store.getChunk(TENANT, batch.id, 0))?.duplicates).toEqual([1]);
    expect((await payouts.get(TENANT, payoutIdFor(TENANT, 'pay-1')))?.batchId).toBeNull();
  });

  it('counts a chunk once however often it is expanded', async () => {
    const { accepted, batches, store } = setUp();
    const batch = await accepted(items(3));
    expect(await batches.expandChunk(TENANT, batch.id, 0)).toEqual({ created: 3, duplicates: 0 });

    expect(await batches.expandChunk(TENANT, batch.id, 0)).toEqual({ created: 0, duplicates: 0 });

    expect(await store.get(TENANT, batch.id)).toMatchObject({ created: 3, duplicate: 0, expandedChunks: 1 });
  });

  it('counts the payouts it wrote itself before a crash as created, not as duplicates', async () => {
    const { accepted, batches, payouts } = setUp();
    const batch = await accepted(items(3));
    // A worker wrote the first payout, then died before marking the chunk done.
    await payouts.createIfAbsent(
      newPayout({
        id: payoutIdFor(TENANT, 'pay-0'),
        tenantId: TENANT,
        request: payoutBody({ reference: 'pay-0' }),
        source: 'batch',
        batchId: batch.id,
        now: START,
      }),
    );

    expect(await batches.expandChunk(TENANT, batch.id, 0)).toEqual({ created: 3, duplicates: 0 });
  });
});

describe('completing a batch', () => {
  async function settle(ports: ReturnType<typeof setUp>, outcomes: Record<string, PayoutStatus>) {
    const changes = [];
    for (const [reference, status] of Object.entries(outcomes)) {
      const before = (await ports.payouts.get(TENANT, payoutIdFor(TENANT, reference))) as Payout;
      const processing = transition(before, 'processing', START);
      const after = transition(processing, status, START);
      await ports.payouts.seed(after);
      changes.push(
        { kind: 'payout' as const, before, after: processing },
        { kind: 'payout' as const, before: processing, after },
      );
    }
    await ports.batches.countChanges(changes);
  }

  it('completes with exact counts once every payout is final, and only once', async () => {
    const ports = setUp();
    const batch = await ports.accepted(items(3));
    await ports.expandAll(batch);
    await settle(ports, { 'pay-0': 'paid', 'pay-1': 'failed' });

    const partly = (await ports.store.get(TENANT, batch.id)) as PayoutBatch;
    expect(partly.live).toMatchObject({ paid: 1, failed: 1, processing: 0 });
    expect(await ports.batches.completeIfDone(partly)).toBe(false);

    await settle(ports, { 'pay-2': 'paid' });
    const done = (await ports.store.get(TENANT, batch.id)) as PayoutBatch;
    expect(await ports.batches.completeIfDone(done)).toBe(true);
    expect(await ports.batches.completeIfDone(done)).toBe(false);

    const resource = await ports.batches.get(TENANT, batch.id);
    expect([resource.status, resource.completed_at]).toEqual(['completed', START]);
    expect(resource.counts).toEqual({
      pending_approval: 0,
      queued: 0,
      processing: 0,
      paid: 2,
      failed: 1,
      returned: 0,
      rejected: 0,
      expired: 0,
      canceled: 0,
      duplicate: 0,
    });
  });

  it('does not trust over-counted live counters: the recount decides', async () => {
    const ports = setUp();
    const batch = await ports.accepted(items(2));
    await ports.expandAll(batch);
    // A relay retry counted one payout's change twice: the counters claim both are paid.
    await ports.store.addLive(TENANT, batch.id, { paid: 2 }, START);

    expect(await ports.batches.completeIfDone((await ports.store.get(TENANT, batch.id)) as PayoutBatch)).toBe(
      false,
    );
    expect((await ports.batches.get(TENANT, batch.id)).status).toBe('processing');
  });
});
