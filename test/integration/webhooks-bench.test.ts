import { describe, expect, it } from 'vitest';
import { runWebhookBench } from '../../bench/webhooks-run.js';

describe('webhook delivery against a flaky receiver (the short version of `npm run bench:webhooks`)', () => {
  it('every event reaches the receiver at least once, correctly signed, despite 30 % failures and an outage', async () => {
    const report = await runWebhookBench({
      events: 80,
      failRate: 0.3,
      downAfterSeconds: 1,
      downForSeconds: 3,
      timeoutSeconds: 150,
      // Its own DynamoDB Local: the shared one slows down with every stream record it holds (D57).
    });

    expect(report.problems).toEqual([]);
    expect(report.delivered).toBe(80);
    expect(report.invalidSignatures).toBe(0);
    // Failures were really injected and retried.
    expect(report.requests).toBeGreaterThan(80);
  }, 180_000);
});
