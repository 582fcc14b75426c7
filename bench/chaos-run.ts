import { randomBytes } from 'node:crypto';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { startLocalPlatform } from '../local/runtime.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { MAX_LIMIT_PER_SECOND } from '../shared/domain/rate-limits.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { postPayout } from './load.js';

export interface ChaosOptions {
  payouts: number;
  /** Share of executor invocations killed after the provider call, before the status write. */
  executorKillRate: number;
  /** Share of payouts whose first provider call times out (`+timeout`). */
  timeoutRate: number;
  /** Share of payouts the provider fails (`+fail_account_closed`). */
  failRate: number;
  /** Share of relay invocations killed after their work, before the stream position advances. */
  relayKillRate: number;
  /** Every SQS receive also delivers a duplicate with this probability (1 = every message twice). */
  duplicateDeliveryRate: number;
  concurrency: number;
  /** Give up after this long (the check then fails and says what is missing). */
  timeoutSeconds: number;
  /** The provider refuses every call (503) for this long from the start: a provider outage. */
  providerOutageSeconds?: number;
  /** The bus refuses every PutEvents for this long once creation starts: longer than the relay's retries. */
  busOutageSeconds?: number;
  dynamodbEndpoint?: string;
  log?: (line: string) => void;
}

export interface ChaosReport {
  payouts: number;
  paid: number;
  failed: number;
  notFinal: number;
  ledgerPaid: number;
  paidWithoutLedgerTransfer: number;
  failedWithLedgerTransfer: number;
  /** Messages left in any dead-letter queue (the stream's included) at the end. */
  deadLetters: number;
  eventsTotal: number;
  eventsExpected: number;
  duplicateEvents: number;
  missingEvents: number;
  acceptSeconds: number;
  endToEndSeconds: number;
  payoutsPerSecond: number;
  p50TimeToFinalMs: number;
  p99TimeToFinalMs: number;
  problems: string[];
}

function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

async function scanAll(client: ReturnType<typeof createDocumentClient>, table: string, entity: string) {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    // DynamoDB Local can answer a 500 to a long scan while the platform still writes: the check
    // retries its own reads (the platform is not on trial here).
    let page: ScanCommandOutput | undefined;
    for (let attempt = 1; !page; attempt++) {
      try {
        page = await client.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: 'entity = :entity',
            ExpressionAttributeValues: { ':entity': entity },
            ExclusiveStartKey: start,
          }),
        );
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * The chaos run: payouts through the API while every queue message is delivered (at least) twice,
 * executors die right after paying, the provider times out, and the relay dies mid-batch. Then it
 * checks what must hold whatever happened: every payout final, one transfer per paid payout and none
 * per failed one, every status change exactly once in `GET /v1/events`.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const dynamo = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  const platform = await startLocalPlatform({
    port: 0,
    dynamodbEndpoint: options.dynamodbEndpoint ?? dynamo?.endpoint,
    tableName: `chaos-${randomBytes(3).toString('hex')}`,
    execution: {
      visibilityTimeoutSeconds: 5,
      leaseSeconds: 3,
      retryBaseSeconds: 0.5,
      retryCapSeconds: 3,
      duplicateDeliveryRate: options.duplicateDeliveryRate,
      relayKillRate: options.relayKillRate,
      executorKillRate: options.executorKillRate,
      ...(options.providerOutageSeconds
        ? { providerOutage: { seconds: options.providerOutageSeconds } }
        : {}),
      // Lost relay batches are replayed every few seconds; a payout unchanged for 20 s is re-driven.
      // Scaled with the run: each sweep re-reads every open payout past the bound, and a 10,000-payout
      // backlog swept every 2 s kept DynamoDB Local busy re-reading payouts that were only waiting
      // their turn (acceptance took 285 s instead of about 60 s).
      outboxRecoverySeconds: Math.max(2, Math.round(options.payouts / 500)),
      outboxStaleSeconds: Math.max(20, Math.round(options.payouts / 100)),
    },
  });
  const problems: string[] = [];
  try {
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: platform.tableName });
    const admin = tenantAdministration(adapters);
    const { tenant, secret } = await admin.createTenant({ name: 'Chaos' });
    // A chaos run tests execution, not the tenant's rate limit: raised to its maximum.
    await admin.setLimits(tenant.id, {
      createPerSecond: MAX_LIMIT_PER_SECOND,
      listPerSecond: MAX_LIMIT_PER_SECOND,
    });
    const run = randomBytes(3).toString('hex');
    const holder = (i: number) => {
      const roll = (i * 7919) % 1000;
      if (roll < options.timeoutRate * 1000) return 'Ada Lovelace +timeout';
      if (roll < (options.timeoutRate + options.failRate) * 1000) return 'Ada Lovelace +fail_account_closed';
      return 'Ada Lovelace';
    };

    log(`creating ${options.payouts} payouts…`);
    const started = Date.now();
    if (options.busOutageSeconds) platform.faults.refusePutEventsFor(options.busOutageSeconds);
    let next = 0;
    const worker = async () => {
      while (next < options.payouts) {
        const i = next++;
        for (let attempt = 0; ; attempt++) {
          const status = await postPayout(platform.url, secret, `${run}-${i}`, {
            amount: 100 + i,
            accountHolderName: holder(i),
          });
          if (status === 201) break;
          if (attempt >= 5) throw new Error(`create ${i} kept failing: ${status}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const acceptSeconds = (Date.now() - started) / 1000;
    log(`accepted in ${acceptSeconds.toFixed(1)} s; waiting for every payout to be final…`);

    const client = createDocumentClient();
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    let payouts: Record<string, any>[] = [];
    for (;;) {
      payouts = await scanAll(client, platform.tableName, 'payout');
      const final = payouts.filter((payout) => payout.status === 'paid' || payout.status === 'failed').length;
      log(`  ${final}/${options.payouts} final`);
      if (final === options.payouts || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(2000, options.payouts)));
    }
    const endToEndSeconds = (Date.now() - started) / 1000;

    // Let the relay catch up on the last status changes before reading the feed.
    const expectedEvents = payouts.length * 4;
    let events: Record<string, any>[] = [];
    for (let waited = 0; waited < 30; waited++) {
      events = [];
      let cursor: string | undefined;
      do {
        const response = await fetch(
          `${platform.url}/v1/events?limit=100${cursor ? `&starting_after=${cursor}` : ''}`,
          {
            headers: { authorization: `Bearer ${secret}` },
          },
        );
        const page = (await response.json()) as {
          data: Record<string, any>[];
          has_more: boolean;
          next_cursor: string;
        };
        events.push(...page.data);
        cursor = page.has_more ? page.next_cursor : undefined;
      } while (cursor);
      if (events.length >= expectedEvents) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const ledger = await scanAll(client, platform.tableName, 'sandbox_transfer');
    const ledgerByKey = new Map(ledger.map((entry) => [entry.idempotencyKey as string, entry]));
    const paid = payouts.filter((payout) => payout.status === 'paid');
    const failed = payouts.filter((payout) => payout.status === 'failed');
    const notFinal = payouts.length - paid.length - failed.length + (options.payouts - payouts.length);
    const paidWithoutLedgerTransfer = paid.filter(
      (p) => ledgerByKey.get(p.id)?.outcome?.status !== 'paid',
    ).length;
    const failedWithLedgerTransfer = failed.filter(
      (p) => ledgerByKey.get(p.id)?.outcome?.status === 'paid',
    ).length;
    const ledgerPaid = ledger.filter((entry) => entry.outcome?.status === 'paid').length;

    const seen = new Map<string, number>();
    for (const event of events) {
      const key = `${event.data.object.id}:${event.type}:${event.data.object.version}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const duplicateEvents = [...seen.values()].filter((count) => count > 1).length;
    const byPayout = new Map<string, Set<string>>();
    for (const event of events) {
      const types = byPayout.get(event.data.object.id) ?? new Set<string>();
      types.add(event.type);
      byPayout.set(event.data.object.id, types);
    }
    let missingEvents = 0;
    for (const payout of payouts) {
      const types = byPayout.get(payout.id) ?? new Set<string>();
      for (const type of [
        'payout.created',
        'payout.queued',
        'payout.processing',
        `payout.${payout.status}`,
      ]) {
        if (!types.has(type)) missingEvents += 1;
      }
    }

    const times = [...paid, ...failed]
      .map((payout) => Date.parse(payout.updatedAt) - Date.parse(payout.createdAt))
      .sort((a, b) => a - b);
    // Nothing may give up: a message in any dead-letter queue is a payout or event that did.
    const deadLetters = [...platform.sqs.queues.values()]
      .filter((queue) => queue.name.endsWith('-dlq'))
      .map((queue) => [queue.name, queue.messages.size] as const)
      .filter(([, size]) => size > 0);
    for (const [name, size] of deadLetters) problems.push(`${size} message(s) in ${name}`);
    if (notFinal > 0) problems.push(`${notFinal} payouts are not paid or failed`);
    if (ledgerPaid !== paid.length)
      problems.push(`the ledger holds ${ledgerPaid} transfers for ${paid.length} paid payouts`);
    if (paidWithoutLedgerTransfer > 0)
      problems.push(`${paidWithoutLedgerTransfer} paid payouts have no transfer`);
    if (failedWithLedgerTransfer > 0)
      problems.push(`${failedWithLedgerTransfer} failed payouts have a transfer`);
    if (duplicateEvents > 0)
      problems.push(`${duplicateEvents} status changes appear more than once in the feed`);
    if (missingEvents > 0) problems.push(`${missingEvents} status changes are missing from the feed`);
    if (events.length !== expectedEvents)
      problems.push(`the feed holds ${events.length} events, expected ${expectedEvents}`);

    return {
      payouts: options.payouts,
      paid: paid.length,
      failed: failed.length,
      notFinal,
      ledgerPaid,
      paidWithoutLedgerTransfer,
      failedWithLedgerTransfer,
      deadLetters: deadLetters.reduce((sum, [, size]) => sum + size, 0),
      eventsTotal: events.length,
      eventsExpected: expectedEvents,
      duplicateEvents,
      missingEvents,
      acceptSeconds,
      endToEndSeconds,
      payoutsPerSecond: options.payouts / endToEndSeconds,
      p50TimeToFinalMs: percentile(times, 50),
      p99TimeToFinalMs: percentile(times, 99),
      problems,
    };
  } finally {
    await platform.stop();
    await dynamo?.stop();
  }
}
