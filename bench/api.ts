/**
 * `npm run bench:api -- [--payouts N] [--concurrency C]`
 *
 * Creates N payouts with C requests in flight through the local HTTP API (authorizer, validation,
 * idempotent TransactWriteItems), then, against the same DynamoDB Local, N single conditional
 * PutItems at the same concurrency: the raw ceiling. Prints both and their ratios. Targets (issue 2):
 * create throughput ≥ 1/3 of the raw rate, p99 ≤ 3× the raw p99.
 */

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { startLocalPlatform } from '../local/runtime.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { MAX_LIMIT_PER_SECOND } from '../shared/domain/rate-limits.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { postPayout } from './load.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    payouts: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '300' },
  },
});
const total = Number(values.payouts);
const concurrency = Number(values.concurrency);
const warmup = Number(values.warmup);

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs `count` operations with `concurrency` in flight; prints progress on one line. */
async function measure(
  label: string,
  count: number,
  operation: (i: number) => Promise<boolean>,
): Promise<Run> {
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
      if (latencies.length % 500 === 0) process.stderr.write(`\r  ${label}: ${latencies.length}/${count}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`\r  ${label}: ${count}/${count} done\n`);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

const format = (run: Run) =>
  `${run.perSecond.toFixed(0).padStart(6)} /s   p50 ${run.p50.toFixed(1).padStart(6)} ms   p99 ${run.p99.toFixed(1).padStart(6)} ms   errors ${run.errors}`;

async function main() {
  console.log(`bench:api — ${total} payouts, ${concurrency} in flight, ${warmup} warm-up requests each side`);
  const dynamo = await startDynamoDbLocal();
  const platform = await startLocalPlatform({
    port: 0,
    dynamodbEndpoint: dynamo.endpoint,
    tableName: 'bench',
  });
  try {
    const admin = tenantAdministration(createDynamoAdapters({ PAYOUTS_TABLE_NAME: platform.tableName }));
    const { tenant, secret } = await admin.createTenant({ name: 'Bench' });
    // A load test measures the platform, not the tenant's rate limit: raised to its maximum.
    await admin.setLimits(tenant.id, {
      createPerSecond: MAX_LIMIT_PER_SECOND,
      listPerSecond: MAX_LIMIT_PER_SECOND,
    });
    const run = randomBytes(4).toString('hex');
    const createPayout = async (i: number) =>
      (await postPayout(platform.url, secret, `${run}-${i}`, {
        amount: 1050 + i,
        metadata: { order_id: String(i) },
      })) === 201;
    const client = localDynamoClient(dynamo.endpoint);
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

    await measure('warm-up API', warmup, (i) => createPayout(total + i));
    await measure('warm-up PutItem', warmup, (i) => put(total + i));
    await measure('warm-up floor', warmup, (i) => storageFloor(total + i));
    const api = await measure('API create', total, createPayout);
    const raw = await measure('raw PutItem', total, put);
    const floor = await measure('storage floor', total, storageFloor);
    client.destroy();

    const throughputRatio = api.perSecond / raw.perSecond;
    const p99Ratio = api.p99 / raw.p99;
    console.log(`
POST /v1/payouts            ${format(api)}
conditional PutItem (raw)   ${format(raw)}
GetItem + 2-item transaction ${format(floor)}   (the storage work of one create, no HTTP)
throughput ratio  ${throughputRatio.toFixed(2)}  (target ≥ 0.33) ${throughputRatio >= 1 / 3 ? 'OK' : 'BELOW TARGET'}
p99 ratio         ${p99Ratio.toFixed(2)}  (target ≤ 3.00) ${p99Ratio <= 3 ? 'OK' : 'ABOVE TARGET'}
API vs its storage floor: throughput ${(api.perSecond / floor.perSecond).toFixed(2)}, p99 ${(api.p99 / floor.p99).toFixed(2)}
Per payout the API does 1 consistent GetItem (authorizer) and 1 TransactWriteItems of 2 items.`);
  } finally {
    await platform.stop();
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
