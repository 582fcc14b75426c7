/**
 * `npx tsx bench/budget.ts [--write]`
 *
 * Runs the short cost model in the shape `bench/budget.json` was recorded with and prints each
 * counted operation per payout beside its budget. `--write` records the measured counts as the new
 * budget (notes kept; new operations get a note to write; bounds kept unless exceeded): review the
 * diff, write the notes, and say in the change why a count went up.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  BUDGET_FILE,
  type BudgetEntry,
  compareWithBudget,
  loadBudget,
  type MeasuredPhase,
  measureOperations,
} from './operations-budget.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
const budget = loadBudget();
const measured = await measureOperations(budget.run, { log: (line) => process.stderr.write(`${line}\n`) });

function print(path: 'api' | 'batch', phase: MeasuredPhase) {
  const { all, over } = compareWithBudget(budget[path], phase.counts, phase.payouts);
  console.log(
    `\n${path} path: ${phase.payouts} payouts, $${phase.costPerMillion.toFixed(2)} per million ($${phase.countedCostPerMillion.toFixed(2)} without Lambda duration)`,
  );
  for (const finding of all)
    console.log(
      `  ${finding.operation.padEnd(48)} ${String(finding.measured).padStart(8)}  budget ${finding.bound ? '≤' : ' '}${finding.budget}${finding.measured > finding.budget + 1e-9 ? '  OVER' : ''}`,
    );
  return over.length;
}

function recorded(path: 'api' | 'batch', phase: MeasuredPhase): Record<string, BudgetEntry> {
  const next: Record<string, BudgetEntry> = {};
  for (const finding of compareWithBudget(budget[path], phase.counts, phase.payouts).all) {
    const old = budget[path][finding.operation];
    if (old?.bound && finding.measured <= old.perPayout) next[finding.operation] = old;
    else if (finding.measured > 0)
      next[finding.operation] = {
        perPayout: finding.measured,
        note: old?.note ?? 'TODO: where it comes from',
      };
  }
  return next;
}

/** Where the money goes: each cost line and the write units by item, per payout. */
function printCost(path: 'api' | 'batch') {
  const phase = measured.report[path];
  if (!phase) return;
  console.log(`\n${path} path, cost per million payouts by line:`);
  for (const line of phase.cost)
    console.log(`  ${line.item.padEnd(36)} ${line.perPayout.padStart(18)}  $${line.perMillion.toFixed(2)}`);
  const byItem = Object.entries(phase.usage.dynamo.writeUnitsByItem).sort(([, a], [, b]) => b - a);
  console.log(
    `  write units per payout by item: ${byItem.map(([kind, units]) => `${kind} ${(units / phase.usage.payouts).toFixed(2)}`).join(', ')}`,
  );
}

const over = print('api', measured.api) + print('batch', measured.batch);
printCost('api');
printCost('batch');
if (values.write) {
  const next = {
    ...budget,
    recorded: new Date().toISOString().slice(0, 10),
    api: recorded('api', measured.api),
    batch: recorded('batch', measured.batch),
  };
  writeFileSync(BUDGET_FILE, `${JSON.stringify(next, null, 2)}\n`);
  console.log('\nbench/budget.json written: review the diff and the notes.');
} else if (over > 0) process.exitCode = 1;
