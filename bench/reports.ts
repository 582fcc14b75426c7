/**
 * `npm run bench:reports -- [--payouts 100000] [--memory 256]`
 *
 * Seeds N payouts of one tenant into DynamoDB Local, then runs the report worker in a process of its
 * own (as a Lambda instance would: bench/lambda-worker.ts) against the local S3 server: it queries the listing index page by
 * page and streams the CSV through a multipart upload. Prints rows/s and the worker's peak RSS
 * (target, issue 7: under 256 MB whatever the row count), and checks the file's row count.
 */
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createLocalS3 } from '../local/aws/local-s3.js';
import {
  ensureTable,
  LOCAL_AWS_ENV,
  localDynamoClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { payoutItem } from '../shared/adapters/dynamodb/payout-repository.js';
import { createS3ReportFiles } from '../shared/adapters/s3-report-files.js';
import { SYSTEM } from '../shared/domain/audit.js';
import { newPayout } from '../shared/domain/payout.js';
import { reportsUseCase } from '../shared/use-cases/reports.js';
import { lambdaHeapFlags, runLambdaWorker } from './lambda-worker.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: { payouts: { type: 'string', default: '100000' }, memory: { type: 'string', default: '256' } },
});
/** The worker runs with the heap of a Lambda function of this much memory (bench/lambda-worker.ts). */
const memoryMb = Number(values.memory);
const total = Number(values.payouts);
const TARGET_RSS_MB = 256;

const dynamo = await startDynamoDbLocal();
const s3 = createLocalS3({
  secrets: { [LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID]: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
});
await new Promise<void>((resolve) => s3.server.listen(0, '127.0.0.1', () => resolve()));
const s3Endpoint = `http://127.0.0.1:${(s3.server.address() as { port: number }).port}`;
const table = 'bench-reports';
const env = {
  ...process.env,
  ...LOCAL_AWS_ENV,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  AWS_ENDPOINT_URL_S3: s3Endpoint,
  PAYOUTS_TABLE_NAME: table,
  PAYOUTS_REPORTS_BUCKET: 'bench-reports',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
Object.assign(process.env, env);

try {
  await ensureTable(dynamo.endpoint, table);
  const client = localDynamoClient(dynamo.endpoint);
  const tenantId = 'ten_BENCHREPORTS00000000000000';
  const base = Date.now() - total * 10;
  console.log(`Seeding ${total.toLocaleString()} payouts…`);
  const seedStarted = performance.now();
  let written = 0;
  const batches: Promise<void>[] = [];
  const writeBatch = async (from: number, to: number) => {
    const items = [];
    for (let index = from; index < to; index++) {
      const at = new Date(base + index * 10).toISOString();
      const payout = newPayout({
        id: `po_${String(index).padStart(26, '0')}`,
        tenantId,
        request: {
          amount: 100 + (index % 50_000),
          currency: index % 3 === 0 ? 'USD' : 'EUR',
          destination: {
            type: 'bank_account',
            account_holder_name: `Payee ${index}, "Ltd"`,
            iban: 'DE89370400440532013000',
          },
          reference: `bench-${index}`,
          purpose: 'payroll',
          description: 'Payroll, November',
        },
        source: 'api',
        now: at,
        lastAction: {
          id: `act_${index}`,
          action: 'payout.create',
          actor: SYSTEM,
          at,
          sourceIp: null,
          requestId: null,
        },
      });
      items.push({
        PutRequest: {
          Item: marshall(payoutItem({ ...payout, status: 'paid', paidAt: at }), {
            removeUndefinedValues: true,
          }),
        },
      });
    }
    let pending: typeof items | undefined = items;
    while (pending && pending.length > 0) {
      const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = result.UnprocessedItems?.[table] as typeof items | undefined;
    }
    written += to - from;
    if (written % 10_000 < to - from) process.stdout.write(`  ${written.toLocaleString()} written\r`);
  };
  for (let from = 0; from < total; from += 25) {
    batches.push(writeBatch(from, Math.min(total, from + 25)));
    if (batches.length >= 16) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
  console.log(`Seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s.            `);

  const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: table });
  const reports = reportsUseCase({ ...adapters, files: createS3ReportFiles({ bucket: 'bench-reports' }) });
  const requested = await reports.request(
    { tenantId, actor: SYSTEM, sourceIp: null, requestId: 'bench' },
    { createdGte: new Date(base - 1000).toISOString(), createdLt: new Date(Date.now() + 1000).toISOString() },
  );
  console.log('Generating the report in a worker process…');
  const figures = await runLambdaWorker<{
    rows: number;
    seconds: number;
    peakRssMb: number;
    liveHeapMb: number;
    atPeak: Record<string, number>;
  }>({ entry: 'bench/report-worker.ts', args: [tenantId, requested.id], memoryMb, env });
  const ready = await reports.get(tenantId, requested.id);
  if (!ready.download_url) throw new Error(`The report is ${ready.status}: ${ready.failure ?? 'no file'}`);
  const file = await fetch(ready.download_url);
  const bytes = Buffer.from(await file.arrayBuffer());
  const lines = bytes.toString('utf8').split('\r\n').length - 2;

  console.log(`
rows exported      ${figures.rows.toLocaleString()} (file: ${lines.toLocaleString()} data lines, ${(bytes.length / 1e6).toFixed(1)} MB)
time               ${figures.seconds.toFixed(1)} s
throughput         ${Math.round(figures.rows / figures.seconds).toLocaleString()} rows/s
worker peak RSS    ${figures.peakRssMb.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB: ${figures.peakRssMb < TARGET_RSS_MB ? 'met' : 'MISSED'}; V8 heap of a ${memoryMb} MB Lambda: ${lambdaHeapFlags(memoryMb).join(' ')})
worker live heap   ${figures.liveHeapMb.toFixed(0)} MB at the end, after a full GC; at the peak: ${JSON.stringify(figures.atPeak)}`);
  if (figures.rows !== total || lines !== total)
    throw new Error(`Expected ${total} rows, got ${figures.rows} (${lines} lines)`);
} finally {
  s3.server.close();
  await dynamo.stop();
}
