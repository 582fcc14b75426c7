import { readFileSync } from 'node:fs';
import { QUEUES } from '../shared/topology.js';
import { type EndToEndReport, runEndToEndBench, type Usage } from './e2e-run.js';

/**
 * The recorded budget of counted operations per payout (`bench/budget.json`): what one payout may
 * cost in DynamoDB reads and writes, index entries, Lambda invocations, EventBridge events and SQS
 * requests, on the API path and on the batch path. A change that adds an operation per payout
 * raises a count above its budget: it has to update the budget, in a change someone reviews.
 */
export interface OperationsBudget {
  recorded: string;
  about: string;
  /** The shape of the run the counts were measured with: the test runs the same. */
  run: { apiPayouts: number; batchItems: number; webhookEndpoints: number };
  api: Record<string, BudgetEntry>;
  batch: Record<string, BudgetEntry>;
}

export interface BudgetEntry {
  /** Operations per payout (per payout of the batch: the batch's own operations spread over its items). */
  perPayout: number;
  /** Where the count comes from. */
  note: string;
  /**
   * The count depends on timing (how records were batched): the budget is its worst case, derived
   * in the note, not the measured value.
   */
  bound?: boolean;
}

export const BUDGET_FILE = new URL('./budget.json', import.meta.url);

export function loadBudget(): OperationsBudget {
  return JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as OperationsBudget;
}

const add = (counts: Record<string, number>, name: string, count: number) => {
  if (count > 0) counts[name] = (counts[name] ?? 0) + count;
};

/** Functions Lambda hands SQS messages to (a poller receives and deletes for them). */
const SQS_CONSUMERS = new Set<string>(QUEUES.map((queue) => queue.consumer.function));

/**
 * Every counted operation of a phase, by name, in total (not per payout). Lambda functions are
 * counted by the records handed to them: an invocation per record at worst, fewer when Lambda
 * batches them (which depends on timing); the SQS poller's requests likewise at their worst, one
 * ReceiveMessage and one DeleteMessageBatch per record.
 */
export function operationCounts(usage: Usage): Record<string, number> {
  const counts: Record<string, number> = {};
  add(counts, 'api gateway requests', usage.apiRequests);
  for (const [operation, count] of Object.entries(usage.dynamo.reads ?? {}))
    add(counts, `dynamodb read ${operation}`, count);
  for (const [kind, count] of Object.entries(usage.dynamo.writes ?? {}))
    add(counts, `dynamodb write ${kind}`, count);
  for (const [entry, count] of Object.entries(usage.dynamo.indexWrites ?? {}))
    add(counts, `dynamodb index write ${entry}`, count);
  let polled = 0;
  for (const [name, entry] of Object.entries(usage.invocations)) {
    const records = entry.records ?? entry.count;
    add(counts, `lambda ${name}`, records);
    if (SQS_CONSUMERS.has(name)) polled += records;
  }
  add(counts, 'eventbridge events', usage.calls['EventBridge.PutEvents'] ?? 0);
  add(counts, 'sqs SendMessage (rule targets)', usage.calls['SQS.SendMessage'] ?? 0);
  add(counts, 'sqs SendMessage', usage.calls['AmazonSQS.SendMessage'] ?? 0);
  add(counts, 'sqs SendMessageBatch', usage.calls['AmazonSQS.SendMessageBatch'] ?? 0);
  add(counts, 'sqs ChangeMessageVisibility', usage.calls['AmazonSQS.ChangeMessageVisibility'] ?? 0);
  add(counts, 'sqs poller requests (at most)', 2 * polled);
  for (const [operation, count] of Object.entries(usage.calls))
    if (operation.startsWith('AWSStepFunctions.'))
      add(counts, `step functions ${operation.split('.')[1]}`, count);
  return counts;
}

/** One operation measured against its budget, per payout. */
export interface BudgetFinding {
  operation: string;
  budget: number;
  measured: number;
  bound: boolean;
}

const perPayout = (count: number, payouts: number) => Math.round((count / payouts) * 10_000) / 10_000;

/**
 * Each operation counted and each budgeted, per payout: those over their budget (an operation the
 * budget does not name has a budget of 0) and those under it (the budget could come down).
 */
export function compareWithBudget(
  budget: Record<string, BudgetEntry>,
  counts: Record<string, number>,
  payouts: number,
): { over: BudgetFinding[]; under: BudgetFinding[]; all: BudgetFinding[] } {
  const all = [...new Set([...Object.keys(budget), ...Object.keys(counts)])].sort().map((operation) => ({
    operation,
    budget: budget[operation]?.perPayout ?? 0,
    measured: perPayout(counts[operation] ?? 0, payouts),
    bound: budget[operation]?.bound === true,
  }));
  return {
    all,
    over: all.filter((finding) => finding.measured > finding.budget + 1e-9),
    under: all.filter((finding) => finding.measured < finding.budget - 1e-9 && !finding.bound),
  };
}

/** The failure message of counts over budget: what, how much, and what to do. */
export function overBudgetMessage(path: string, over: BudgetFinding[]): string {
  return [
    `${over.length} counted operation(s) per ${path} payout exceed bench/budget.json:`,
    ...over.map(
      (finding) =>
        `  ${finding.operation}: budget ${finding.budget} per payout, measured ${finding.measured}${finding.budget === 0 ? ' (not in the budget: a new operation)' : ''}`,
    ),
    'If the extra operations are intended, update bench/budget.json (the count, its note and "recorded")',
    'in a change that is reviewed, with the cost per million it leads to; `npx tsx bench/budget.ts` measures them.',
  ].join('\n');
}

export interface MeasuredPhase {
  payouts: number;
  usage: Usage;
  counts: Record<string, number>;
  /** The AWS bill per million payouts (`npm run bench`'s model). */
  costPerMillion: number;
  /** That bill without Lambda's duration: what the counted operations cost, whatever the machine's load. */
  countedCostPerMillion: number;
}

/** The cost line priced from wall time (Lambda's GB-seconds), not from counts. */
const WALL_TIME_LINE = 'Lambda duration (arm64)';

/**
 * The short cost model, in the shape the budget was recorded with: a batch of `batchItems` paid
 * and its webhooks delivered, then `apiPayouts` through `POST /v1/payouts` likewise, one webhook
 * endpoint subscribed to every event, every operation counted (`npm run bench` at a small size).
 */
export async function measureOperations(
  run: OperationsBudget['run'],
  options: { dynamodbEndpoint?: string; log?: (line: string) => void } = {},
): Promise<{ api: MeasuredPhase; batch: MeasuredPhase; report: EndToEndReport }> {
  const report = await runEndToEndBench({
    items: run.batchItems,
    apiPayouts: run.apiPayouts,
    warmupItems: 5,
    ceilingWrites: 100,
    timeoutSeconds: 120,
    dynamodbEndpoint: options.dynamodbEndpoint,
    log: options.log,
  });
  if (report.problems.length > 0)
    throw new Error(`the cost model's run failed:\n${report.problems.join('\n')}`);
  if (!report.api) throw new Error('the cost model ran no API payouts');
  const phase = ({ usage, cost, total }: NonNullable<EndToEndReport['api']>): MeasuredPhase => ({
    payouts: usage.payouts,
    usage,
    counts: operationCounts(usage),
    costPerMillion: total,
    countedCostPerMillion: cost
      .filter((line) => line.item !== WALL_TIME_LINE)
      .reduce((sum, line) => sum + line.perMillion, 0),
  });
  return { api: phase(report.api), batch: phase(report.batch), report };
}
