import { describe, expect, it } from 'vitest';
import { type CostLine, costOf, runEndToEndBench } from '../../bench/e2e-run.js';

const WALL_TIME_LINE = 'Lambda duration (arm64)';
const countedCost = (lines: CostLine[]) =>
  lines.filter((line) => line.item !== WALL_TIME_LINE).reduce((sum, line) => sum + line.perMillion, 0);

describe('the end-to-end benchmark (the short version of `npm run bench`)', () => {
  it('pays a batch and delivers every webhook, with every billable operation counted', async () => {
    const report = await runEndToEndBench({
      items: 100,
      apiPayouts: 20,
      warmupItems: 5,
      ceilingWrites: 300,
      timeoutSeconds: 240,
      // Its own DynamoDB Local: the shared one slows down with every stream record it holds (D57).
    });
    expect(report.problems).toEqual([]);
    expect(report.webhooksDelivered).toBe(100 * 4 + 1);
    expect(report.timeToPaidP99Ms).toBeGreaterThan(0);

    // What a batch payout costs is made of its own operations: each of these must have been seen.
    const { usage } = report.batch;
    expect(usage.invocations['expand-payout-batch']?.count).toBe(1);
    expect(usage.invocations['execute-payout']?.count).toBeGreaterThan(0);
    expect(usage.invocations['deliver-webhook']?.count).toBeGreaterThan(0);
    // The bus carries each payout's `payout.queued` (execution); its webhooks go through the fan-out
    // queue the relay sends to (D80): ten events per SendMessageBatch.
    expect(usage.calls['EventBridge.PutEvents']).toBeGreaterThanOrEqual(100);
    expect(usage.calls['EventBridge.PutEvents']).toBeLessThan(100 * 2);
    expect(usage.calls['AmazonSQS.SendMessageBatch']).toBeGreaterThanOrEqual((100 * 4) / 10);
    // Each payout is written at least three times (created, processing, paid) and its events once each.
    expect(report.writesPerPayout).toBeGreaterThan(7);
    expect(usage.dynamo.writeUnitsByItem.PAYOUT).toBeGreaterThanOrEqual(100 * 3);
    expect(usage.dynamo.writeUnitsByItem.EVENT).toBeGreaterThanOrEqual(100 * 4);
    expect(report.ceilingRatio).toBeGreaterThan(0);

    // The API path has an idempotency record and an authorizer call per payout; batches do not.
    const api = report.api?.usage;
    expect(api?.apiRequests).toBe(20);
    expect(api?.invocations['api-authorizer']?.count).toBe(20);
    expect(api?.dynamo.writeUnitsByItem.IDEM).toBeGreaterThan(0);
    expect(usage.dynamo.writeUnitsByItem.IDEM ?? 0).toBeLessThan(5);
    // Compared on counted operations: Lambda duration is wall time on a shared machine, and in a run
    // this short a few cold starts decide it (CI once saw the batch's duration line outweigh the rest).
    expect(countedCost(report.api?.cost ?? [])).toBeGreaterThan(countedCost(report.batch.cost));
  }, 300_000);

  it('prices usage from bench/prices.json, line by line', () => {
    const { lines, total } = costOf({
      payouts: 1_000_000,
      apiRequests: 1_000_000,
      dynamo: {
        writeUnits: 10_000_000,
        readUnits: 4_000_000,
        itemWrites: 0,
        calls: {},
        writeUnitsByItem: {},
      },
      invocations: { 'create-payout': { count: 1_000_000, milliseconds: 100_000_000 } },
      calls: { 'EventBridge.PutEvents': 2_000_000, 'AmazonSQS.SendMessageBatch': 1_000_000 },
    });
    const by = Object.fromEntries(lines.map((line) => [line.item, line.perMillion]));
    expect(by['API Gateway (HTTP API) requests']).toBeCloseTo(1.0);
    expect(by['DynamoDB writes']).toBeCloseTo(6.25);
    expect(by['DynamoDB reads']).toBeCloseTo(0.5);
    expect(by['EventBridge events']).toBeCloseTo(2.0);
    expect(by['SQS requests']).toBeCloseTo(0.4);
    expect(by['Lambda invocations']).toBeCloseTo(0.2);
    // 100 ms at 256 MB: 0.025 GB-s per invocation.
    expect(by['Lambda duration (arm64)']).toBeCloseTo(25_000 * 0.0000133334);
    expect(total).toBeCloseTo(lines.reduce((sum, line) => sum + line.perMillion, 0));
  });
});
