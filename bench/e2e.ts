/**
 * `npm run bench -- [--items 10000] [--api-payouts 1000] [--ceiling-writes 5000]`
 *
 * End to end on the local platform: a batch accepted → every payout paid → every webhook delivered
 * to a local receiver. Prints accept latency, payouts/s, time-to-paid, DynamoDB Local's raw
 * conditional-write ceiling and the ratio of achieved payouts/s to (ceiling ÷ table writes per
 * payout), and the AWS cost per million payouts from the operations counted (prices: bench/prices.json).
 * Targets (issue 8): ratio ≥ 0.5; ≤ $15 per million API payouts without approval.
 */
import { parseArgs } from 'node:util';
import { type CostLine, PRICES, runEndToEndBench, type Usage } from './e2e-run.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '10000' },
    'api-payouts': { type: 'string', default: '1000' },
    'ceiling-writes': { type: 'string', default: '5000' },
    timeout: { type: 'string', default: '1800' },
  },
});

const dollars = (value: number) => `$${value.toFixed(2)}`;

function printCost(title: string, lines: CostLine[], total: number) {
  console.log(`\n${title} (AWS list prices, ${PRICES.region}, recorded ${PRICES.recorded})`);
  for (const line of lines)
    console.log(
      `  ${line.item.padEnd(34)} ${line.perPayout.padStart(20)} per payout  ${dollars(line.perMillion).padStart(8)} / million`,
    );
  console.log(
    `  ${'total'.padEnd(34)} ${''.padStart(20)}             ${dollars(total).padStart(8)} / million`,
  );
}

function printInvocations(usage: Usage) {
  const rows = Object.entries(usage.invocations).sort((a, b) => b[1].count - a[1].count);
  console.log('  Lambda invocations per payout:');
  for (const [name, entry] of rows)
    console.log(
      `    ${name.padEnd(28)} ${(entry.count / usage.payouts).toFixed(3).padStart(7)}   ${(entry.milliseconds / entry.count).toFixed(0).padStart(5)} ms each`,
    );
  console.log(
    `  DynamoDB per payout: ${(usage.dynamo.itemWrites / usage.payouts).toFixed(2)} item writes, ${(usage.dynamo.writeUnits / usage.payouts).toFixed(2)} WRU, ${(usage.dynamo.readUnits / usage.payouts).toFixed(2)} RRU; WRU by item: ${Object.entries(
      usage.dynamo.writeUnitsByItem,
    )
      .sort((a, b) => b[1] - a[1])
      .map(([kind, units]) => `${kind} ${(units / usage.payouts).toFixed(1)}`)
      .join(', ')}`,
  );
}

const report = await runEndToEndBench({
  items: Number(values.items),
  apiPayouts: Number(values['api-payouts']),
  ceilingWrites: Number(values['ceiling-writes']),
  timeoutSeconds: Number(values.timeout),
  log: (line) => process.stderr.write(`${line}\n`),
});

console.log(`\nbench — ${report.items.toLocaleString('en')}-item batch, end to end on the local platform`);
console.log(`  accept latency (POST /v1/payout-batches)   ${report.acceptMs} ms`);
console.log(`  accepted → last paid                        ${report.endToEndSeconds.toFixed(1)} s`);
console.log(`  payouts/s end to end                        ${report.payoutsPerSecond.toFixed(1)}`);
console.log(
  `  time to paid p50 / p99                      ${(report.timeToPaidP50Ms / 1000).toFixed(1)} s / ${(report.timeToPaidP99Ms / 1000).toFixed(1)} s`,
);
console.log(
  `  webhooks delivered                          ${report.webhooksDelivered}/${report.webhooksExpected} (last after ${report.webhooksSeconds.toFixed(1)} s)`,
);
console.log(
  `  DynamoDB Local conditional-write ceiling    ${report.ceilingWritesPerSecond.toFixed(0)} writes/s`,
);
console.log(`  table writes per payout                     ${report.writesPerPayout.toFixed(2)}`);
console.log(
  `  ceiling ÷ writes per payout                 ${(report.ceilingWritesPerSecond / report.writesPerPayout).toFixed(1)} payouts/s`,
);
console.log(
  `  ratio achieved ÷ that                       ${report.ceilingRatio.toFixed(2)}   (target ≥ 0.5)`,
);
printCost('Cost per million batch payouts', report.batch.cost, report.batch.total);
printInvocations(report.batch.usage);
if (report.api) {
  printCost(
    'Cost per million API payouts (POST /v1/payouts, no approval)',
    report.api.cost,
    report.api.total,
  );
  printInvocations(report.api.usage);
  console.log(`  target ≤ $15.00 / million: ${report.api.total <= 15 ? 'met' : 'NOT met'}`);
}
console.log(
  `\nWith approval add: ${report.approval.transitionsPerPayout} Step Functions transitions per payout = ${dollars(report.approval.perMillion)} / million (plus the approval-task and start-approval invocations).`,
);
if (report.problems.length > 0) {
  console.log(`\nProblems:\n${report.problems.map((problem) => `  ${problem}`).join('\n')}`);
  process.exitCode = 1;
}
