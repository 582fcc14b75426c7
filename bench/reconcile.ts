/**
 * `npm run bench:reconcile -- [--payouts 100000] [--memory 256]`
 *
 * Seeds one UTC day of N paid sandbox payouts of one tenant into DynamoDB Local, with the sandbox
 * ledger's record of each (one in a thousand with a different amount, one in a thousand missing) and
 * one in a thousand provider transfers with no payout; then runs the reconciliation worker in a
 * process of its own (as a Lambda instance would) against the local S3 server. Prints rows/s and the
 * worker's peak RSS (target, issue 20: under 256 MB whatever the day's size, and at least the report
 * export's rows/s), and checks every count against what was seeded.
 */
import { parseArgs } from 'node:util';
import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createLocalS3 } from '../local/aws/local-s3.js';
import {
  ensureTable,
  LOCAL_AWS_ENV,
  localDynamoClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.js';
import { payoutItem } from '../shared/adapters/dynamodb/payout-repository.js';
import { type SandboxLedgerEntry, sandboxLedgerItem } from '../shared/adapters/sandbox-provider.js';
import { SYSTEM } from '../shared/domain/audit.js';
import { newPayout } from '../shared/domain/payout.js';
import { reconciliationFromEnvironment } from '../shared/wiring/reconciliation.js';
import { lambdaHeapFlags, runLambdaWorker } from './lambda-worker.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: { payouts: { type: 'string', default: '100000' }, memory: { type: 'string', default: '256' } },
});
const total = Number(values.payouts);
const TARGET_RSS_MB = 256;
/** The worker runs with the heap of a Lambda function of this much memory (bench/lambda-worker.ts). */
const memoryMb = Number(values.memory);
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const dayStart = Date.parse(`${DAY}T00:00:00.000Z`);

// A day of 100,000 payouts holds about 400,000 items (payouts, ledger lines, items, marks) in the
// in-memory emulator: its default 512 MB heap fails with InternalFailure near the end.
const dynamo = await startDynamoDbLocal({ heapMb: 3072 });
const s3 = createLocalS3({
  secrets: { [LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID]: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
});
await new Promise<void>((resolve) => s3.server.listen(0, '127.0.0.1', () => resolve()));
const s3Endpoint = `http://127.0.0.1:${(s3.server.address() as { port: number }).port}`;
const table = 'bench-reconcile';
const env = {
  ...process.env,
  ...LOCAL_AWS_ENV,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  AWS_ENDPOINT_URL_S3: s3Endpoint,
  PAYOUTS_TABLE_NAME: table,
  PAYOUTS_REPORTS_BUCKET: 'bench-reconcile',
  PAYOUTS_SANDBOX_RAIL: 'on',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
Object.assign(process.env, env);

/** Every thousandth payout: the ledger disagrees on the amount; the next one the ledger hides. */
const mismatched = (index: number) => index % 1000 === 1;
const hidden = (index: number) => index % 1000 === 2;
const strangers = Math.floor(total / 1000);

try {
  await ensureTable(dynamo.endpoint, table);
  const client = localDynamoClient(dynamo.endpoint);
  const tenantId = 'ten_BENCHRECONCILE0000000000';
  console.log(`Seeding ${total.toLocaleString()} payouts of ${DAY} and the sandbox ledger…`);
  const seedStarted = performance.now();
  let written = 0;
  const write = async (items: Record<string, unknown>[]) => {
    let pending: WriteRequest[] | undefined = items.map((item) => ({
      PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) },
    }));
    while (pending && pending.length > 0) {
      const result: BatchWriteItemCommandOutput = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
      );
      pending = result.UnprocessedItems?.[table];
    }
  };
  const seed = async (from: number, to: number) => {
    const items: Record<string, unknown>[] = [];
    for (let index = from; index < to; index++) {
      const at = new Date(dayStart + Math.floor((index * 86_000_000) / total)).toISOString();
      const id = `po_${String(index).padStart(26, '0')}`;
      const amount = 100 + (index % 50_000);
      const currency = index % 3 === 0 ? 'USD' : 'EUR';
      const payout = newPayout({
        id,
        tenantId,
        request: {
          amount,
          currency,
          destination: { type: 'email', email: `payee${index}@example.com` },
          reference: `bench-${index}`,
          purpose: 'payroll',
        },
        source: 'api',
        now: at,
        actor: SYSTEM,
        connector: 'sandbox',
      });
      items.push(payoutItem({ ...payout, status: 'paid', paidAt: at, providerReference: `sbx_${id}` }));
      const entry: SandboxLedgerEntry = {
        idempotencyKey: id,
        tenantId,
        payoutId: id,
        amount: mismatched(index) ? amount + 1 : amount,
        currency,
        outcome: { status: 'paid', providerReference: `sbx_${id}` },
        createdAt: at,
        ...(hidden(index) ? { hidden: true } : {}),
      };
      items.push(sandboxLedgerItem(entry));
    }
    for (let offset = 0; offset < items.length; offset += 25) await write(items.slice(offset, offset + 25));
    written += to - from;
    if (written % 10_000 < to - from) process.stdout.write(`  ${written.toLocaleString()} written\r`);
  };
  const inFlight: Promise<void>[] = [];
  for (let from = 0; from < total; from += 100) {
    inFlight.push(seed(from, Math.min(total, from + 100)));
    if (inFlight.length >= 8) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const stranger: Record<string, unknown>[] = [];
  for (let index = 0; index < strangers; index++) {
    const key = `ext_bench_${index}`;
    stranger.push(
      sandboxLedgerItem({
        idempotencyKey: key,
        tenantId,
        payoutId: null,
        amount: 777,
        currency: 'EUR',
        outcome: { status: 'paid', providerReference: `sbx_${key}` },
        createdAt: new Date(dayStart + 3_600_000 + index).toISOString(),
      }),
    );
  }
  for (let offset = 0; offset < stranger.length; offset += 25)
    await write(stranger.slice(offset, offset + 25));
  console.log(`Seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s.            `);

  const reconciliation = reconciliationFromEnvironment();
  const requested = await reconciliation.request(
    { tenantId, actor: SYSTEM, sourceIp: null, requestId: 'bench' },
    { connector: 'sandbox', date: DAY },
  );
  console.log('Reconciling the day in a worker process…');
  const figures = await runLambdaWorker<{
    counts: Record<string, number>;
    compared: number;
    providerRecords: number;
    seconds: number;
    peakRssMb: number;
    liveHeapMb: number;
    atPeak: Record<string, number>;
  }>({ entry: 'bench/reconcile-worker.ts', args: [tenantId, requested.id], memoryMb, env });
  const expected = {
    amount_mismatch: Math.ceil((total - 1) / 1000),
    status_mismatch: 0,
    missing_at_provider: Math.ceil((total - 2) / 1000),
    unknown_at_provider: strangers,
    pending: 0,
  };
  const expectedMatched = total - expected.amount_mismatch - expected.missing_at_provider;
  const lines = figures.compared + strangers;
  console.log(`
payouts compared   ${figures.compared.toLocaleString()} (provider records read: ${figures.providerRecords.toLocaleString()})
outcomes           ${Object.entries(figures.counts)
    .map(([outcome, count]) => `${outcome} ${count.toLocaleString()}`)
    .join(', ')}
time               ${figures.seconds.toFixed(1)} s
throughput         ${Math.round(lines / figures.seconds).toLocaleString()} lines/s
worker peak RSS    ${figures.peakRssMb.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB: ${figures.peakRssMb < TARGET_RSS_MB ? 'met' : 'MISSED'}; V8 heap of a ${memoryMb} MB Lambda: ${lambdaHeapFlags(memoryMb).join(' ')})
worker live heap   ${figures.liveHeapMb.toFixed(0)} MB at the end, after a full GC; at the peak: ${JSON.stringify(figures.atPeak)} (the run's state: ids of compared payouts)`);
  const wrong = Object.entries({ ...expected, matched: expectedMatched }).filter(
    ([outcome, count]) => figures.counts[outcome] !== count,
  );
  if (wrong.length > 0) throw new Error(`Counts differ from what was seeded: ${JSON.stringify(wrong)}`);
} finally {
  s3.server.close();
  await dynamo.stop();
}
