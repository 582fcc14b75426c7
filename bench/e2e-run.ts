import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { localDynamoClient, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { type PlatformMeter, startLocalPlatform } from '../local/runtime.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { keys } from '../shared/adapters/dynamodb/keys.js';
import { createDynamoPayoutRepository } from '../shared/adapters/dynamodb/payout-repository.js';
import type { PayoutBatch } from '../shared/domain/batches.js';
import { inParallel } from '../shared/domain/parallel.js';
import { MAX_LIMIT_PER_SECOND } from '../shared/domain/rate-limits.js';
import { FUNCTIONS, QUEUES } from '../shared/topology.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { percentile } from './api-run.js';
import { type DynamoUsage, startDynamoMeter } from './dynamo-meter.js';
import { postPayout } from './load.js';

export const PRICES = JSON.parse(readFileSync(new URL('./prices.json', import.meta.url), 'utf8')) as Record<
  string,
  number
> & { region: string; recorded: string };
const price = (name: string): number => {
  const value = PRICES[name];
  if (typeof value !== 'number') throw new Error(`bench/prices.json has no number '${name}'`);
  return value;
};

/** Everything billable one phase of the run used. */
export interface Usage {
  payouts: number;
  dynamo: DynamoUsage;
  apiRequests: number;
  /** By function: invocations, their billed milliseconds, and the records (messages, events) handed to them. */
  invocations: Record<string, { count: number; milliseconds: number; records?: number }>;
  calls: Record<string, number>;
}

export interface CostLine {
  item: string;
  perPayout: string;
  perMillion: number;
}

export interface EndToEndReport {
  items: number;
  acceptMs: number;
  endToEndSeconds: number;
  payoutsPerSecond: number;
  timeToPaidP50Ms: number;
  timeToPaidP99Ms: number;
  webhooksExpected: number;
  webhooksDelivered: number;
  webhooksSeconds: number;
  ceilingWritesPerSecond: number;
  writesPerPayout: number;
  ceilingRatio: number;
  batch: { usage: Usage; cost: CostLine[]; total: number };
  api: { usage: Usage; cost: CostLine[]; total: number } | null;
  approval: { perMillion: number; transitionsPerPayout: number };
  problems: string[];
}

export interface EndToEndOptions {
  items: number;
  /** Payouts created one by one through POST /v1/payouts for the API cost line (0: skip). */
  apiPayouts: number;
  /** Items of the warm-up batch (default 50). */
  warmupItems?: number;
  /** Raw PutItems for the ceiling. */
  ceilingWrites: number;
  timeoutSeconds: number;
  dynamodbEndpoint?: string;
  log?: (line: string) => void;
}

/** Logs per invocation: Lambda's START/END/REPORT lines and a little of ours (WARN level in AWS). */
const LOG_BYTES_PER_INVOCATION = 400;
/** X-Ray's default sampling at volume: the first request each second, then 5 %. */
const XRAY_SAMPLED_SHARE = 0.05;
/** API payouts in flight, in the API phase and its warm-up. */
const API_IN_FLIGHT = 16;
/** How long nothing may be counted before a phase's work counts as done. */
const QUIET_MS = 1500;
/** The scheduled functions' period during a run: longer than any run. */
const SCHEDULES_OFF_SECONDS = 24 * 3600;
/** State transitions of an approved payout: Prepare, AwaitDecision, Finish. */
const APPROVAL_TRANSITIONS = 3;

const memoryOf = (name: string) => FUNCTIONS.find((spec) => spec.name === name)?.memoryMb ?? 256;
const consumerQueues = new Map<string, string>(QUEUES.map((queue) => [queue.consumer.function, queue.name]));

/** The AWS bill of one phase, per payout and per million payouts, at the list prices of prices.json. */
export function costOf(usage: Usage): { lines: CostLine[]; total: number } {
  const n = usage.payouts;
  const invocations = Object.values(usage.invocations).reduce((sum, entry) => sum + entry.count, 0);
  const gbSeconds = Object.entries(usage.invocations).reduce(
    (sum, [name, entry]) => sum + (entry.milliseconds / 1000) * (memoryOf(name) / 1024),
    0,
  );
  // Lambda's SQS poller: one ReceiveMessage and one DeleteMessageBatch per batch it hands over.
  const pollerRequests = Object.entries(usage.invocations)
    .filter(([name]) => consumerQueues.has(name))
    .reduce((sum, [, entry]) => sum + 2 * entry.count, 0);
  const sqsRequests = [
    'SQS.SendMessage',
    'AmazonSQS.SendMessage',
    'AmazonSQS.SendMessageBatch',
    'AmazonSQS.ChangeMessageVisibility',
  ]
    .map((operation) => usage.calls[operation] ?? 0)
    .reduce((sum, count) => sum + count, pollerRequests);
  const events = usage.calls['EventBridge.PutEvents'] ?? 0;
  const line = (item: string, quantity: number, unit: string, dollars: number): CostLine => ({
    item,
    perPayout: `${(quantity / n).toFixed(2)} ${unit}`,
    perMillion: (dollars / n) * 1_000_000,
  });
  const lines = [
    line(
      'API Gateway (HTTP API) requests',
      usage.apiRequests,
      'requests',
      (usage.apiRequests / 1e6) * price('httpApiPerMillionRequests'),
    ),
    line(
      'Lambda invocations',
      invocations,
      'invocations',
      (invocations / 1e6) * price('lambdaPerMillionRequests'),
    ),
    line('Lambda duration (arm64)', gbSeconds, 'GB-s', gbSeconds * price('lambdaArmPerGbSecond')),
    line(
      'DynamoDB writes',
      usage.dynamo.writeUnits,
      'WRU',
      (usage.dynamo.writeUnits / 1e6) * price('dynamodbPerMillionWriteRequestUnits'),
    ),
    line(
      'DynamoDB reads',
      usage.dynamo.readUnits,
      'RRU',
      (usage.dynamo.readUnits / 1e6) * price('dynamodbPerMillionReadRequestUnits'),
    ),
    line('SQS requests', sqsRequests, 'requests', (sqsRequests / 1e6) * price('sqsPerMillionRequests')),
    line('EventBridge events', events, 'events', (events / 1e6) * price('eventBridgePerMillionEvents')),
    line(
      'CloudWatch Logs (estimate)',
      (invocations * LOG_BYTES_PER_INVOCATION) / 1024,
      'KB',
      ((invocations * LOG_BYTES_PER_INVOCATION) / 1e9) * price('cloudWatchLogsPerGbIngested'),
    ),
    line(
      'X-Ray traces (5 % sampled)',
      invocations * XRAY_SAMPLED_SHARE,
      'traces',
      ((invocations * XRAY_SAMPLED_SHARE) / 1e6) * price('xrayPerMillionTracesRecorded'),
    ),
  ];
  return { lines, total: lines.reduce((sum, entry) => sum + entry.perMillion, 0) };
}

/** Collects invocations and calls for the meter hook, phase by phase. */
function usageRecorder() {
  let invocations: Usage['invocations'] = {};
  let calls: Usage['calls'] = {};
  let apiRequests = 0;
  const meter: PlatformMeter = {
    invoked(name, milliseconds, event) {
      const entry = invocations[name] ?? { count: 0, milliseconds: 0, records: 0 };
      invocations[name] = entry;
      entry.count += 1;
      // Lambda bills each invocation in whole milliseconds.
      entry.milliseconds += Math.ceil(milliseconds);
      // SQS and stream consumers are handed a batch of records; an API or scheduled function one event.
      const records = (event as { Records?: unknown[] } | undefined)?.Records;
      entry.records = (entry.records ?? 0) + (Array.isArray(records) ? records.length : 1);
    },
    called(operation, units = 1) {
      calls[operation] = (calls[operation] ?? 0) + units;
    },
  };
  return {
    meter,
    request: () => {
      apiRequests += 1;
    },
    snapshot: (payouts: number, dynamo: DynamoUsage): Usage => ({
      payouts,
      dynamo,
      apiRequests,
      invocations: structuredClone(invocations),
      calls: { ...calls },
    }),
    reset: () => {
      invocations = {};
      calls = {};
      apiRequests = 0;
    },
    /** Everything counted so far, as one number that grows with each invocation or call. */
    activity: () =>
      apiRequests +
      Object.values(invocations).reduce((sum, entry) => sum + entry.count, 0) +
      Object.values(calls).reduce((sum, count) => sum + count, 0),
  };
}

/**
 * `npm run bench`: a batch accepted → every payout paid → every webhook delivered to a local
 * receiver, on the local platform, with every billable operation counted; then API payouts one by
 * one for their cost; then DynamoDB Local's raw conditional-write ceiling on the same instance.
 */
export async function runEndToEndBench(options: EndToEndOptions): Promise<EndToEndReport> {
  const log = options.log ?? (() => undefined);
  const dynamo = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  const raw = options.dynamodbEndpoint ?? (dynamo?.endpoint as string);
  const dynamoMeter = await startDynamoMeter(raw);
  const recorder = usageRecorder();
  const tableName = `bench-${randomBytes(3).toString('hex')}`;
  const platform = await startLocalPlatform({
    port: 0,
    dynamodbEndpoint: dynamoMeter.endpoint,
    tableName,
    meter: recorder.meter,
    onRequest: recorder.request,
    // The scheduled sweeps (SEPA cut-off, outbox recovery) cost per hour, not per payout: kept out
    // of the counts (a run of the bench is shorter than an hour).
    execution: { sepaCutOffSeconds: SCHEDULES_OFF_SECONDS, outboxRecoverySeconds: SCHEDULES_OFF_SECONDS },
  });
  // Reads the benchmark itself makes (progress, results) go straight to DynamoDB Local, unmetered.
  const rawClient = localDynamoClient(raw);
  const rawPayouts = createDynamoPayoutRepository({
    client: createDocumentClient(rawClient),
    table: tableName,
  });

  const delivered = new Set<string>();
  let lastDelivery = 0;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      delivered.add(String(request.headers['webhook-id']));
      lastDelivery = Date.now();
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const problems: string[] = [];
  const timeout = Date.now() + options.timeoutSeconds * 1000;

  /**
   * Waits until nothing new has been counted for a while: the work a phase set off (the last
   * delivery's record, the batch's last counter) has all been done and counted in that phase.
   */
  async function settle() {
    const activity = () =>
      recorder.activity() +
      Object.values(dynamoMeter.usage().calls).reduce((sum, count) => sum + count, 0) +
      Object.values(dynamoMeter.usage().refusedWrites).reduce((sum, count) => sum + count, 0);
    let last = activity();
    let quietSince = Date.now();
    while (Date.now() - quietSince < QUIET_MS && Date.now() < timeout) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = activity();
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      }
    }
  }

  async function waitFor(what: string, done: () => Promise<boolean> | boolean, progress: () => string) {
    let last = 0;
    while (!(await done())) {
      if (Date.now() > timeout) {
        problems.push(`timed out waiting for ${what}: ${progress()}`);
        return;
      }
      if (Date.now() - last > 2000) {
        log(`  ${progress()}`);
        last = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  try {
    const admin = tenantAdministration(createDynamoAdapters({ PAYOUTS_TABLE_NAME: tableName }));
    const { tenant, secret: apiKey } = await admin.createTenant({ name: 'Bench' });
    // The benchmark measures the platform, not the tenant's rate limit: raised to its maximum.
    await admin.setLimits(tenant.id, {
      createPerSecond: MAX_LIMIT_PER_SECOND,
      listPerSecond: MAX_LIMIT_PER_SECOND,
    });
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    await fetch(`${platform.url}/v1/webhook-endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`,
        enabled_events: ['*'],
      }),
    });
    const run = randomBytes(3).toString('hex');
    const item = (index: number) => ({
      amount: 1000 + (index % 5000),
      currency: 'EUR',
      reference: `bench-${run}-${index}`,
      purpose: 'payroll',
      destination:
        index % 2 === 0
          ? { type: 'bank_account', account_holder_name: `Payee ${index}`, iban: 'DE89370400440532013000' }
          : { type: 'email', email: `payee${index}@example.com` },
      metadata: { employee_id: `e-${index}` },
    });
    const readBatch = async (id: string) => {
      const { Item } = await rawClient.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(keys.batch(tenant.id, id)),
          ConsistentRead: true,
        }),
      );
      return Item ? (unmarshall(Item) as PayoutBatch) : undefined;
    };
    const submit = async (items: unknown[]) => {
      const started = Date.now();
      const response = await fetch(`${platform.url}/v1/payout-batches`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `bench-${run}-${items.length}-${started}` },
        body: JSON.stringify({ items }),
      });
      const body = (await response.json()) as { id: string; error?: { message: string } };
      if (response.status !== 202)
        throw new Error(`batch refused (${response.status}): ${body.error?.message}`);
      return { id: body.id, started, acceptMs: Date.now() - started };
    };
    const settled = (id: string, events: number) => async () =>
      (await readBatch(id))?.status === 'completed' && delivered.size >= events;

    // Warm-up: every function loaded and JIT-compiled before anything is measured.
    const warmup = options.warmupItems ?? 50;
    log(`warm-up batch of ${warmup}…`);
    const warm = await submit(Array.from({ length: warmup }, (_, index) => item(1_000_000 + index)));
    await waitFor('the warm-up', settled(warm.id, warmup * 4 + 1), () => `${delivered.size} webhooks`);
    await settle();
    const deliveredBefore = delivered.size;
    dynamoMeter.reset();
    recorder.reset();

    log(`batch of ${options.items.toLocaleString('en')} items…`);
    const items = Array.from({ length: options.items }, (_, index) => item(index));
    const batch = await submit(items);
    log(`  accepted in ${batch.acceptMs} ms as ${batch.id}`);
    const webhooksExpected = options.items * 4 + 1;
    await waitFor(
      'the batch',
      async () => (await readBatch(batch.id))?.status === 'completed',
      () => {
        return `batch: ${delivered.size - deliveredBefore}/${webhooksExpected} webhooks so far`;
      },
    );
    const completedAt = Date.now();
    await waitFor(
      'the webhooks',
      () => delivered.size - deliveredBefore >= webhooksExpected,
      () => `${delivered.size - deliveredBefore}/${webhooksExpected} webhooks delivered`,
    );
    await settle();
    const batchUsage = recorder.snapshot(options.items, dynamoMeter.usage());
    const webhooksDelivered = delivered.size - deliveredBefore;

    const paidTimes: number[] = [];
    let lastPaid = batch.started;
    for await (const payout of rawPayouts.stream(tenant.id, { source: 'batch' })) {
      if (payout.batchId !== batch.id || !payout.paidAt) continue;
      const paid = Date.parse(payout.paidAt);
      paidTimes.push(paid - batch.started);
      lastPaid = Math.max(lastPaid, paid);
    }
    if (paidTimes.length !== options.items)
      problems.push(`${options.items - paidTimes.length} payouts of the batch were not paid`);
    paidTimes.sort((a, b) => a - b);
    const endToEndSeconds = (lastPaid - batch.started) / 1000;
    log(
      `  all paid in ${endToEndSeconds.toFixed(1)} s; completed after ${((completedAt - batch.started) / 1000).toFixed(1)} s`,
    );

    let api: EndToEndReport['api'] = null;
    if (options.apiPayouts > 0) {
      log(`${options.apiPayouts.toLocaleString('en')} payouts through POST /v1/payouts…`);
      const createPayouts = async (count: number, prefix: string) => {
        const before = delivered.size;
        await inParallel(
          Array.from({ length: count }, (_, index) => index),
          API_IN_FLIGHT,
          async (index) => {
            const status = await postPayout(platform.url, apiKey, `${prefix}-${run}-${index}`, {
              amount: 100 + index,
            });
            if (status !== 201) problems.push(`POST /v1/payouts answered ${status}`);
          },
        );
        await waitFor(
          'the API payouts',
          () => delivered.size - before >= count * 4,
          () => `${delivered.size - before}/${count * 4} webhooks delivered`,
        );
        await settle();
      };
      // Warm-up: create-payout loaded and its per-instance caches (the tenant's limits, read once a
      // minute per instance) filled, as at steady volume; 16 cold requests would each read them.
      await createPayouts(API_IN_FLIGHT, 'api-warm-up');
      dynamoMeter.reset();
      recorder.reset();
      await createPayouts(options.apiPayouts, 'api');
      const usage = recorder.snapshot(options.apiPayouts, dynamoMeter.usage());
      const cost = costOf(usage);
      api = { usage, cost: cost.lines, total: cost.total };
    }

    log(
      `raw conditional PutItem ceiling (${options.ceilingWrites.toLocaleString('en')} writes, 32 in flight)…`,
    );
    const ceilingWritesPerSecond = await rawCeiling(rawClient, tableName, run, options.ceilingWrites);
    const writesPerPayout = batchUsage.dynamo.itemWrites / options.items;
    const payoutsPerSecond = options.items / endToEndSeconds;
    const cost = costOf(batchUsage);
    return {
      items: options.items,
      acceptMs: batch.acceptMs,
      endToEndSeconds,
      payoutsPerSecond,
      timeToPaidP50Ms: percentile(paidTimes, 50),
      timeToPaidP99Ms: percentile(paidTimes, 99),
      webhooksExpected,
      webhooksDelivered,
      webhooksSeconds: (lastDelivery - batch.started) / 1000,
      ceilingWritesPerSecond,
      writesPerPayout,
      ceilingRatio: payoutsPerSecond / (ceilingWritesPerSecond / writesPerPayout),
      batch: { usage: batchUsage, cost: cost.lines, total: cost.total },
      api,
      approval: {
        transitionsPerPayout: APPROVAL_TRANSITIONS,
        perMillion: APPROVAL_TRANSITIONS * 1000 * price('stepFunctionsStandardPerThousandTransitions'),
      },
      problems,
    };
  } finally {
    receiver.closeAllConnections();
    receiver.close();
    await platform.stop();
    rawClient.destroy();
    await dynamoMeter.stop();
    await dynamo?.stop();
  }
}

/** Conditional PutItems of a payout-sized item, 32 in flight, straight to DynamoDB Local: writes per second. */
async function rawCeiling(
  client: ReturnType<typeof localDynamoClient>,
  table: string,
  run: string,
  count: number,
): Promise<number> {
  const put = (index: number) =>
    client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: `RAW#${run}#${index}` }, sk: { S: 'RAW' }, payload: { S: 'x'.repeat(1200) } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  const indexes = Array.from({ length: count }, (_, index) => index);
  await inParallel(indexes.slice(0, 300), 32, async (index) => void (await put(count + index)));
  const started = performance.now();
  await inParallel(indexes, 32, async (index) => void (await put(index)));
  return count / ((performance.now() - started) / 1000);
}
