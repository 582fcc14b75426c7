import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { startLocalPlatform } from '../local/runtime.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { MAX_LIMIT_PER_SECOND } from '../shared/domain/rate-limits.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { postPayout } from './load.js';

/** One side of the comparison: operations per second and latency percentiles (ms). */
export interface ThroughputRun {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface ApiBenchReport {
  /** `POST /v1/payouts` through the local API (authorizer, validation, idempotent transaction). */
  api: ThroughputRun;
  /** Conditional PutItems straight to the same DynamoDB Local: the raw ceiling. */
  raw: ThroughputRun;
  /** The storage work of one create without HTTP or handlers: a consistent GetItem and a 2-item transaction. */
  floor: ThroughputRun;
  /** API ÷ raw operations per second (target ≥ 0.33). */
  throughputRatio: number;
  /** API p99 ÷ raw p99 (target ≤ 3). */
  p99Ratio: number;
}

export interface ApiBenchOptions {
  payouts: number;
  concurrency: number;
  /** Requests of each kind before measuring (functions loaded, JIT warm). */
  warmup: number;
  /** Use this DynamoDB Local rather than starting one. */
  dynamodbEndpoint?: string;
  /** Told how far each phase got (every 500 operations and at its end). */
  progress?: (phase: string, done: number, count: number) => void;
}

export function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

/** Runs `count` operations with `concurrency` in flight: their rate and latencies. */
async function measure(
  count: number,
  concurrency: number,
  operation: (i: number) => Promise<boolean>,
  progress: (done: number) => void,
): Promise<ThroughputRun> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      if (!(await operation(i))) errors += 1;
      latencies.push(performance.now() - t0);
      if (latencies.length % 500 === 0) progress(latencies.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  progress(count);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

/**
 * `npm run bench:api`: N payouts created through the local HTTP API with C requests in flight, then
 * against the same DynamoDB Local N conditional PutItems (the raw ceiling) and N times the storage
 * work of one create (the API's floor), each after its own warm-up.
 */
export async function runApiBench(options: ApiBenchOptions): Promise<ApiBenchReport> {
  const { payouts: total, concurrency, warmup } = options;
  const progress = options.progress ?? (() => undefined);
  const dynamo = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  const endpoint = options.dynamodbEndpoint ?? (dynamo?.endpoint as string);
  const run = randomBytes(4).toString('hex');
  const platform = await startLocalPlatform({
    port: 0,
    dynamodbEndpoint: endpoint,
    tableName: `bench-api-${run}`,
  });
  const client = localDynamoClient(endpoint);
  try {
    const admin = tenantAdministration(createDynamoAdapters({ PAYOUTS_TABLE_NAME: platform.tableName }));
    const { tenant, secret } = await admin.createTenant({ name: 'Bench' });
    // A load test measures the platform, not the tenant's rate limit: raised to its maximum.
    await admin.setLimits(tenant.id, {
      createPerSecond: MAX_LIMIT_PER_SECOND,
      listPerSecond: MAX_LIMIT_PER_SECOND,
    });
    const createPayout = async (i: number) =>
      (await postPayout(platform.url, secret, `${run}-${i}`, {
        amount: 1050 + i,
        metadata: { order_id: String(i) },
      })) === 201;
    const put = async (i: number) => {
      await client.send(
        new PutItemCommand({
          TableName: platform.tableName,
          Item: {
            pk: { S: `RAW#${run}#${i}` },
            sk: { S: 'RAW' },
            amount: { N: String(i) },
            payload: { S: 'x'.repeat(600) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    };

    // The storage work one create needs, without HTTP or handlers: the authorizer's consistent read
    // and the two-item transaction. The API cannot beat this floor; the gap above it is our overhead.
    const item = (pk: string) => ({ pk: { S: pk }, sk: { S: 'RAW' }, payload: { S: 'x'.repeat(600) } });
    const storageFloor = async (i: number) => {
      await client.send(
        new GetItemCommand({
          TableName: platform.tableName,
          Key: { pk: { S: `RAW#${run}#${i}` }, sk: { S: 'RAW' } },
          ConsistentRead: true,
        }),
      );
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: ['A', 'B'].map((part) => ({
            Put: {
              TableName: platform.tableName,
              Item: item(`TX#${run}#${i}#${part}`),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        }),
      );
      return true;
    };

    const phase = (label: string, count: number, operation: (i: number) => Promise<boolean>, offset = 0) =>
      measure(
        count,
        concurrency,
        (i) => operation(offset + i),
        (done) => progress(label, done, count),
      );
    await phase('warm-up API', warmup, createPayout, total);
    await phase('warm-up PutItem', warmup, put, total);
    await phase('warm-up floor', warmup, storageFloor, total);
    const api = await phase('API create', total, createPayout);
    const raw = await phase('raw PutItem', total, put);
    const floor = await phase('storage floor', total, storageFloor);
    return { api, raw, floor, throughputRatio: api.perSecond / raw.perSecond, p99Ratio: api.p99 / raw.p99 };
  } finally {
    client.destroy();
    await platform.stop();
    await dynamo?.stop();
  }
}

/** `runApiBench` in a child process (`api-worker.ts`): the caller's process may hold another platform. */
export async function runApiBenchApart(options: Omit<ApiBenchOptions, 'progress'>): Promise<ApiBenchReport> {
  const { stdout } = await promisify(execFile)(
    fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url)),
    [
      fileURLToPath(new URL('./api-worker.ts', import.meta.url)),
      String(options.payouts),
      String(options.concurrency),
      String(options.warmup),
      ...(options.dynamodbEndpoint ? [options.dynamodbEndpoint] : []),
    ],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as ApiBenchReport;
}
