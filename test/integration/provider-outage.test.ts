import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { sandboxRefusals } from '../../shared/adapters/sandbox-provider.js';
import { QUEUES } from '../../shared/topology.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

/**
 * A provider outage, in compressed time: the provider answers 429 with `Retry-After: 2` for 24 s.
 * With a backoff of at most 1 s, the old setting (8 receives) sent every payout to the execution DLQ
 * after ~16 s; now executions outlast the outage, wait as long as the provider asks, and pay once.
 */
const OUTAGE_SECONDS = 24;
const RETRY_AFTER_SECONDS = 2;
const context = withTestPlatform('provider-outage', {
  execution: {
    visibilityTimeoutSeconds: 5,
    leaseSeconds: 1,
    retryBaseSeconds: 1,
    retryCapSeconds: 1,
    providerOutage: { seconds: OUTAGE_SECONDS, retryAfterSeconds: RETRY_AFTER_SECONDS },
  },
});

describe('a provider outage', () => {
  it('sends nothing to a DLQ, honours Retry-After, and pays every payout exactly once afterwards', async () => {
    const { tenant, platform } = context;
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const created = await tenant.createPayout(payoutBody({ amount: 100 + i }));
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }

    const payouts = await eventually(
      () => Promise.all(ids.map(async (id) => (await tenant.request('GET', `/v1/payouts/${id}`)).body)),
      (all) => all.every((payout) => payout.status === 'paid'),
      90_000,
    );

    // Nothing was paid during the outage, everything once after it.
    const outageEnd = Number(process.env.PAYOUTS_SANDBOX_CHAOS_OUTAGE?.split('-')[1]);
    expect(outageEnd).toBeGreaterThan(started);
    for (const payout of payouts) expect(Date.parse(payout.paid_at)).toBeGreaterThanOrEqual(outageEnd);
    const client = createDocumentClient();
    for (const id of ids) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: platform.tableName,
          Key: keys.sandboxTransfer(id),
          ConsistentRead: true,
        }),
      );
      expect(Item?.outcome?.status, id).toBe('paid');
    }
    for (const queue of QUEUES)
      expect(platform.sqs.queues.get(`${queue.name}-dlq`)?.messages.size, `${queue.name}-dlq`).toBe(0);
    // Retry-After honoured: at most one refused call per payout every 2 s of outage (a 1 s backoff
    // alone would have asked about 24 times).
    const perPayout = Math.ceil(OUTAGE_SECONDS / RETRY_AFTER_SECONDS) + 1;
    expect(sandboxRefusals.count).toBeGreaterThanOrEqual(ids.length);
    expect(sandboxRefusals.count).toBeLessThanOrEqual(ids.length * perPayout);
  }, 120_000);
});
