import { describe, expect, it } from 'vitest';
import { runAdyenChaos } from '../../bench/chaos-run.js';

describe('execution under chaos through the Adyen connector (the short version of `npm run chaos -- --connector adyen`)', () => {
  it('no payout paid twice at Adyen, no request its document forbids, every payout final with its transfer’s id', async () => {
    const report = await runAdyenChaos({
      payouts: 60,
      executorKillRate: 0.1,
      // Adyen's faults: creates made but answered after the connector gave up, 429/503 refusals.
      timeoutRate: 0.1,
      refusalRate: 0.05,
      connectorTimeoutMs: 1000,
      leaseSeconds: 10,
      // 2 refused at once (notEnoughBalance), 2 refused by validation (422), 1 closed account (webhook).
      failRate: 0.06,
      relayKillRate: 0.1,
      duplicateDeliveryRate: 1,
      busOutageSeconds: 4,
      duplicateWebhookRate: 0.2,
      lateWebhookRate: 0.1,
      lateWebhookSeconds: 5,
      returnRate: 0.05,
      concurrency: 8,
      // About 35 s end to end on its own, 85 s beside other work on a 2-core machine: a deadline well past it.
      timeoutSeconds: 240,
      // Its own DynamoDB Local, as the sandbox chaos test: the shared one slows down with every stream record.
    });

    expect(report.problems).toEqual([]);
    expect(report.duplicateTransfers).toEqual([]);
    expect(report.invalidRequests).toBe(0);
    expect(report.notFinal).toBe(0);
    expect(report.referenceMismatches).toBe(0);
    expect(report.statusDisagreements).toBe(0);
    expect(report.failed).toBe(5);
    expect(report.paid + report.returned).toBe(55);
    // The faults did happen: otherwise the invariants above prove nothing.
    expect(report.calls.abandonedCreates).toBeGreaterThan(0);
    expect(report.calls.refused).toBeGreaterThan(0);
    expect(report.calls.keysRepeated).toBeGreaterThan(0);
    expect(report.webhooks.duplicated).toBeGreaterThan(0);
    expect(report.webhooks.late).toBeGreaterThan(0);
    expect(report.webhooks.beforePendingWrite).toBeGreaterThan(0);
    expect(report.returned).toBeGreaterThan(0);
    expect(report.webhooks.outOfOrder).toBeGreaterThan(0);
    expect(report.deadLetters).toBe(0);
  }, 300_000);
});
