import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

// Every queue message may arrive twice and the relay dies after a third of its batches, before the
// stream position advances: expansion messages, counters and the completion all see repeats.
const context = withTestPlatform('batches-chaos', {
  // Its own DynamoDB Local (D57): the shared one slows down with every stream record it holds.
  dynamodbEndpoint: undefined,
  execution: { duplicateDeliveryRate: 0.5, relayKillRate: 0.3 },
});

describe('payout batches under duplicate deliveries and relay crashes', () => {
  it('creates every payout once and completes with exact counts and one completion event', async () => {
    const { tenant } = context;
    const items = Array.from({ length: 300 }, (_, index) =>
      payoutBody(
        index % 50 === 0
          ? { destination: { type: 'email', email: `ada+fail_insufficient_funds@example.com` } }
          : { amount: 500 + index },
      ),
    );
    const accepted = await tenant.request('POST', '/v1/payout-batches', {
      body: { items },
      headers: { 'idempotency-key': randomBytes(8).toString('hex') },
    });
    expect(accepted.status).toBe(202);
    const batch = await eventually(
      async () => (await tenant.request('GET', `/v1/payout-batches/${accepted.body.id}`)).body,
      (found) => found.status === 'completed',
      // About 105 s on a busy 2-core CI machine: a deadline well past it, so only a real hang fails.
      240_000,
    );
    expect(batch.counts).toMatchObject({ paid: 294, failed: 6, duplicate: 0, queued: 0, processing: 0 });

    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = (
        await tenant.request('GET', `/v1/payouts?limit=100${cursor ? `&starting_after=${cursor}` : ''}`)
      ).body;
      for (const payout of page.data) {
        expect(payout.batch_id).toBe(batch.id);
        ids.add(payout.reference);
      }
      cursor = page.has_more ? page.next_cursor : undefined;
    } while (cursor);
    expect(ids.size).toBe(300);

    // Redelivered stream batches publish the same event again; the feed holds it once.
    const completions = await eventually(
      async () => (await tenant.request('GET', '/v1/events?type=payout_batch.completed')).body.data,
      (data: any[]) => data.length > 0,
    );
    expect(completions).toHaveLength(1);
  }, 300_000);
});
