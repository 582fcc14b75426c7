import { describe, expect, it } from 'vitest';
import { runApiBenchApart } from '../../bench/api-run.js';
import {
  type BudgetEntry,
  compareWithBudget,
  loadBudget,
  measureOperations,
  overBudgetMessage,
} from '../../bench/operations-budget.js';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';

const dollars = (value: number) => `$${value.toFixed(2)}`;

describe('the operations budget (issue 23: a short cost model and bench:api in every test run)', () => {
  it('counts no more operations per payout than bench/budget.json records, on the API and batch paths', async () => {
    const budget = loadBudget();
    // Its own DynamoDB Local: the shared one slows down with every stream record it holds (D57).
    const dynamo = await startDynamoDbLocal();
    try {
      // In a process of its own: this one holds the cost model's platform.
      const speed = await runApiBenchApart({
        payouts: 200,
        concurrency: 16,
        warmup: 50,
        dynamodbEndpoint: dynamo.endpoint,
      });
      const measured = await measureOperations(budget.run, { dynamodbEndpoint: dynamo.endpoint });

      // Printed, never asserted: times on a shared machine say little in a run this short.
      console.log(
        [
          `operations budget — ${budget.run.apiPayouts} API payouts, a batch of ${budget.run.batchItems}, one webhook endpoint`,
          `  cost per million API payouts    ${dollars(measured.api.costPerMillion)}   (target ≤ $15; ${dollars(measured.api.countedCostPerMillion)} without Lambda duration)`,
          `  cost per million batch payouts  ${dollars(measured.batch.costPerMillion)}   (target ≤ $10; ${dollars(measured.batch.countedCostPerMillion)} without Lambda duration)`,
          `  bench:api (200 payouts, 16 in flight): ${speed.api.perSecond.toFixed(0)}/s against ${speed.raw.perSecond.toFixed(0)} PutItems/s`,
          `  throughput ratio ${speed.throughputRatio.toFixed(2)} (target ≥ 0.33), p99 ratio ${speed.p99Ratio.toFixed(2)} (target ≤ 3)`,
        ].join('\n'),
      );

      // The run did what the budget's counts are per: every payout created, paid and announced.
      expect(measured.api.counts['lambda create-payout']).toBe(budget.run.apiPayouts);
      expect(measured.api.counts['lambda execute-payout']).toBe(budget.run.apiPayouts);
      expect(measured.batch.counts['lambda execute-payout']).toBe(budget.run.batchItems);
      expect(measured.report.webhooksDelivered).toBe(budget.run.batchItems * 4 + 1);

      for (const [path, phase] of [
        ['API', measured.api],
        ['batch', measured.batch],
      ] as const) {
        const { under, over } = compareWithBudget(
          path === 'API' ? budget.api : budget.batch,
          phase.counts,
          phase.payouts,
        );
        for (const finding of under)
          console.log(
            `  ${path}: ${finding.operation} ${finding.measured} per payout, under its budget of ${finding.budget}: the budget can come down`,
          );
        expect(over, overBudgetMessage(path, over)).toEqual([]);
      }
    } finally {
      await dynamo.stop();
    }
  }, 240_000);

  it('fails on an operation over its budget or missing from it, and only then', () => {
    const budget: Record<string, BudgetEntry> = {
      'dynamodb write PAYOUT': { perPayout: 3, note: 'created, processing, paid' },
      'lambda relay-outbox': { perPayout: 3.5, note: 'at most one per record', bound: true },
      'eventbridge events': { perPayout: 4, note: 'four events' },
    };
    const { over, under } = compareWithBudget(
      budget,
      {
        'dynamodb write PAYOUT': 80,
        'lambda relay-outbox': 30,
        'eventbridge events': 60,
        'dynamodb write AUDIT': 1,
      },
      20,
    );
    expect(over).toEqual([
      { operation: 'dynamodb write AUDIT', budget: 0, measured: 0.05, bound: false },
      { operation: 'dynamodb write PAYOUT', budget: 3, measured: 4, bound: false },
    ]);
    // A bound is a worst case: being under it is no news; an exact count under its budget is.
    expect(under).toEqual([{ operation: 'eventbridge events', budget: 4, measured: 3, bound: false }]);
    expect(overBudgetMessage('API', over)).toContain(
      'dynamodb write PAYOUT: budget 3 per payout, measured 4',
    );
    expect(overBudgetMessage('API', over)).toContain('update bench/budget.json');
  });
});
