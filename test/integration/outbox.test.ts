import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { STREAM_DLQ } from '../../local/runtime.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { payoutItem } from '../../shared/adapters/dynamodb/payout-repository.js';
import { newPayout } from '../../shared/domain/payout.js';
import { eventually, payoutBody, type TenantClient, withTestPlatform } from '../helpers/platform.js';

/**
 * The bus refuses `PutEvents` for longer than the relay's retries last (10 retries, about a second
 * locally): the relay gives its batches up to the stream DLQ. Before the outbox recovery existed,
 * those payouts stayed `queued` for good. Now the recovery replays the ranges (or, when they are
 * gone, the sweeper re-drives the payouts), and every payout ends final, paid once, with each of its
 * events once in the feed.
 */
const context = withTestPlatform('outbox', {
  execution: {
    outboxRecoverySeconds: 1,
    // Well past the time a replay takes on a slow host (17 s for the whole test in one CI run), so
    // the replay test's payouts are never stale; the sweep test waits for it.
    outboxStaleSeconds: 15,
    leaseSeconds: 2,
    retryBaseSeconds: 1,
    retryCapSeconds: 1,
  },
});

/** Creates payouts while the bus is down, until `deadLettered()` says the relay gave a batch up. */
async function createDuringOutage(tenant: TenantClient, count: number, deadLettered: () => boolean) {
  const { platform } = context;
  // Down until the relay has given a batch up (its retries spent), however long that takes here.
  platform.faults.refusePutEventsFor(120);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await tenant.createPayout(payoutBody({ amount: 500 + i }));
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
  await eventually(
    async () => deadLettered(),
    (seen) => seen,
    60_000,
  );
  platform.faults.refusePutEventsFor(0);
  return ids;
}

async function expectPaidOnceWithEveryEventOnce(tenant: TenantClient, ids: string[]) {
  const payouts = await eventually(
    () => Promise.all(ids.map(async (id) => (await tenant.request('GET', `/v1/payouts/${id}`)).body)),
    (all) => all.every((payout) => payout.status === 'paid'),
    60_000,
  );
  expect(payouts).toHaveLength(ids.length);
  const client = createDocumentClient();
  for (const id of ids) {
    const { Item } = await client.send(
      new GetCommand({
        TableName: context.platform.tableName,
        Key: keys.sandboxTransfer(id),
        ConsistentRead: true,
      }),
    );
    expect(Item?.outcome?.status, id).toBe('paid');
  }
  const events = await eventually(
    async () => {
      const all: { type: string; data: { object: { id: string } } }[] = [];
      let cursor: string | undefined;
      do {
        const page = await tenant.request(
          'GET',
          `/v1/events?limit=100${cursor ? `&starting_after=${cursor}` : ''}`,
        );
        all.push(...page.body.data);
        cursor = page.body.has_more ? page.body.next_cursor : undefined;
      } while (cursor);
      return all.filter((event) => ids.includes(event.data.object.id));
    },
    (found) => found.length >= ids.length * 4,
    30_000,
  );
  for (const id of ids)
    expect(
      events
        .filter((event) => event.data.object.id === id)
        .map((event) => event.type)
        .sort(),
      id,
    ).toEqual(['payout.created', 'payout.paid', 'payout.processing', 'payout.queued']);
}

describe('the open payouts index', () => {
  it('takes in, once, the open payouts written before it existed (index-open-payouts)', async () => {
    const tenant = await context.platform.newTenant('Before the index');
    // A payout waiting for approval, as a version without the index wrote it: no gsi2 keys.
    const waiting = newPayout({
      id: 'po_WRITTENBEFORETHEINDEX0001',
      tenantId: tenant.tenantId,
      request: {
        amount: 100,
        currency: 'EUR',
        reference: 'before-index',
        destination: { type: 'email', email: 'a@example.com' },
        purpose: 'refund',
      },
      source: 'api',
      now: new Date().toISOString(),
      approval: { required: 1, expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const { gsi2pk: _pk, gsi2sk: _sk, ...item } = payoutItem(waiting) as Record<string, unknown>;
    // Nothing may write it meanwhile (its approval workflow would store a token, with the keys).
    context.platform.faults.refusePutEventsFor(5);
    await createDocumentClient().send(new PutCommand({ TableName: context.platform.tableName, Item: item }));
    const openIds = async () => {
      const ids: string[] = [];
      for await (const page of context.platform.adapters.payouts.openPayouts('9999'))
        ids.push(...page.map((entry) => entry.payoutId));
      return ids;
    };
    expect(await openIds()).not.toContain(waiting.id);

    expect(await context.platform.adapters.payouts.indexOpenPayouts()).toBe(1);

    expect(await openIds()).toContain(waiting.id);
    expect(await context.platform.adapters.payouts.indexOpenPayouts()).toBe(0);
  });
});

describe('the outbox under a bus outage longer than the relay’s retries', () => {
  it('replays the ranges the relay gave up on: every payout paid once, every event once in the feed', async () => {
    const tenant = await context.platform.newTenant('Replay');
    const dlq = context.platform.sqs.queues.get(STREAM_DLQ);
    const ids = await createDuringOutage(tenant, 8, () => (dlq?.messages.size ?? 0) > 0);
    await expectPaidOnceWithEveryEventOnce(tenant, ids);
    await eventually(
      async () => context.platform.sqs.queues.get(STREAM_DLQ)?.messages.size,
      (size) => size === 0,
    );
    // Replayed, not swept: the payouts were paid before they were stale, so no sweeper note exists.
    const client = createDocumentClient();
    for (const id of ids) {
      const { Item } = await client.send(
        new GetCommand({ TableName: context.platform.tableName, Key: keys.outboxSweep(tenant.tenantId, id) }),
      );
      expect(Item, id).toBeUndefined();
    }
  }, 90_000);

  it('re-drives stranded payouts when the ranges are gone too (past the stream’s 24 hours)', async () => {
    const tenant = await context.platform.newTenant('Sweep');
    const dlq = context.platform.sqs.queues.get(STREAM_DLQ);
    if (!dlq) throw new Error('the local platform has no stream DLQ');
    // Every dead letter vanishes as it arrives (no replay can race it): only the sweeper can find
    // these payouts now.
    let dropped = 0;
    const keep = dlq.messages.set;
    dlq.messages.set = function drop() {
      dropped += 1;
      return this;
    };
    try {
      const ids = await createDuringOutage(tenant, 8, () => dropped > 0);
      await expectPaidOnceWithEveryEventOnce(tenant, ids);
      await expectSwept(tenant, ids);
    } finally {
      dlq.messages.set = keep;
    }
  }, 120_000);
});

/** The sweeper left its note beside at least one payout it re-drove. */
async function expectSwept(tenant: TenantClient, ids: string[]) {
  const client = createDocumentClient();
  const notes = await Promise.all(
    ids.map(
      async (id) =>
        (
          await client.send(
            new GetCommand({
              TableName: context.platform.tableName,
              Key: keys.outboxSweep(tenant.tenantId, id),
            }),
          )
        ).Item,
    ),
  );
  expect(notes.filter((note) => note?.count >= 1).length).toBeGreaterThan(0);
}
