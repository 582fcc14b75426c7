import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos-run.js';

describe('execution under chaos (the short version of `npm run chaos`)', () => {
  it('every payout final, one transfer per paid payout, every status change once in the feed', async () => {
    const report = await runChaos({
      payouts: 300,
      executorKillRate: 0.1,
      timeoutRate: 0.05,
      failRate: 0.03,
      relayKillRate: 0.1,
      duplicateDeliveryRate: 1,
      // Both outages outlast what used to give up: the relay's retries (a second) and 8 receives.
      providerOutageSeconds: 15,
      busOutageSeconds: 4,
      concurrency: 8,
      // About 180 s on a busy 2-core CI machine: a deadline well past it, so only a real hang fails.
      timeoutSeconds: 270,
      // Its own DynamoDB Local: the shared one slows down with every stream record it holds (D57).
    });

    expect(report.problems).toEqual([]);
    expect(report.paid + report.failed).toBe(300);
    expect(report.failed).toBeGreaterThan(0);
    expect(report.ledgerPaid).toBe(report.paid);
    expect(report.eventsTotal).toBe(1200);
    expect(report.deadLetters).toBe(0);
  }, 330_000);
});
