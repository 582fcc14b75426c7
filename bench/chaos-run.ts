import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { LOCAL_KMS_KEY_ID } from '../local/aws/local-kms.js';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { type LocalPlatform, startLocalPlatform } from '../local/runtime.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { createKmsSecretSealer } from '../shared/adapters/kms-secret-sealer.js';
import { CONNECTOR_REGISTRY } from '../shared/connectors/registry.js';
import { SYSTEM } from '../shared/domain/audit.js';
import { MAX_LIMIT_PER_SECOND } from '../shared/domain/rate-limits.js';
import { connectorsUseCase } from '../shared/use-cases/connectors.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { connectorRuntimes } from '../shared/wiring/connectors.js';
import { type AdyenFake, startAdyenFake } from '../test/contracts/adyen-fake.js';
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
 * The tenant's whole `GET /v1/events` feed, read again (once a second, at most 30 times) until it
 * holds `expected` events: the relay catches up on the last status changes after the payouts are final.
 */
async function readFeed(url: string, secret: string, expected: number): Promise<Record<string, any>[]> {
  let events: Record<string, any>[] = [];
  for (let waited = 0; waited < 30; waited++) {
    events = [];
    let cursor: string | undefined;
    do {
      const response = await fetch(`${url}/v1/events?limit=100${cursor ? `&starting_after=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      const page = (await response.json()) as {
        data: Record<string, any>[];
        has_more: boolean;
        next_cursor: string;
      };
      events.push(...page.data);
      cursor = page.has_more ? page.next_cursor : undefined;
    } while (cursor);
    if (events.length >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return events;
}

/**
 * What the feed must show whatever happened: each status change once (payout, type, version), and
 * every change a payout went through (`expectedTypes`) there.
 */
function feedFindings(
  events: Record<string, any>[],
  payouts: Record<string, any>[],
  expectedTypes: (payout: Record<string, any>) => string[],
) {
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
    for (const type of expectedTypes(payout)) if (!types.has(type)) missingEvents += 1;
  }
  return { duplicateEvents, missingEvents };
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
    const events = await readFeed(platform.url, secret, expectedEvents);

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

    const { duplicateEvents, missingEvents } = feedFindings(events, payouts, (payout) => [
      'payout.created',
      'payout.queued',
      'payout.processing',
      `payout.${payout.status}`,
    ]);

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

export interface AdyenChaosOptions {
  payouts: number;
  /** Share of executor invocations killed after Adyen accepted the transfer, before the status write. */
  executorKillRate: number;
  /** Share of `POST /transfers` the fake makes, then answers only after the connector stopped waiting. */
  timeoutRate: number;
  /** Share of calls to Adyen refused before anything is done: half 429 with `Retry-After: 1`, half 503. */
  refusalRate: number;
  /** Share of payouts that fail: a third refused at once, a third 422 (no transfer), a third closed account (webhook). */
  failRate: number;
  relayKillRate: number;
  duplicateDeliveryRate: number;
  /** Share of Adyen's webhooks posted twice at once. */
  duplicateWebhookRate: number;
  /** Share of Adyen's webhooks posted `lateWebhookSeconds` after the transfer instead of at once. */
  lateWebhookRate: number;
  lateWebhookSeconds: number;
  /** Share of paid transfers the bank sends back (a `returned` webhook; half followed by the old `paid` one again). */
  returnRate: number;
  /** How long the connector waits for Adyen (ms): delayed creates are answered a second after it gave up. */
  connectorTimeoutMs: number;
  /** How long an execution attempt owns a payout (s): longer than an attempt's calls normally take. */
  leaseSeconds: number;
  concurrency: number;
  timeoutSeconds: number;
  /** The bus refuses every PutEvents for this long once creation starts. */
  busOutageSeconds?: number;
  dynamodbEndpoint?: string;
  log?: (line: string) => void;
}

export interface AdyenChaosReport {
  payouts: number;
  paid: number;
  failed: number;
  returned: number;
  notFinal: number;
  /** Transfers the Adyen fake made, and the references it made more than one for (money paid twice). */
  transfers: number;
  duplicateTransfers: string[];
  /** Requests Adyen's OpenAPI document forbids (Prism refused them). */
  invalidRequests: number;
  /** Payouts whose provider_reference is not the id of the fake's transfer for them. */
  referenceMismatches: number;
  /** Payouts whose status disagrees with their transfer at the fake (paid ⇔ booked, returned ⇔ returned). */
  statusDisagreements: number;
  calls: {
    creates: number;
    /** Idempotency keys POSTed more than once (the repeats were answered from the key, nothing made). */
    keysRepeated: number;
    maxCreatesPerKey: number;
    /** Two creates with the same key in flight at once (attempts that overlapped). */
    overlappingCreates: number;
    /**
     * Creates sent again for a key whose earlier create Adyen answered 200 to a platform still
     * waiting for it: only Adyen's idempotency key (kept 7 days) stops these making a second transfer.
     */
    createsAfterAccepted: number;
    /** Lookups (`GET /transactions` first pages) and every page they read. */
    lookups: number;
    lookupPages: number;
    /** Calls the fake refused (429/503) before doing anything. */
    refused: number;
    /**
     * Creates the platform stopped waiting for (timeouts) while the fake made the transfer: the
     * scripted ones, and any the fake (Prism validating every request) answered too slowly on its own.
     */
    abandonedCreates: number;
    scriptedDelays: number;
    scriptedRefusals: number;
  };
  webhooks: {
    /** Distinct signed webhooks, and every POST of them to the platform (duplicates and retries included). */
    signed: number;
    posts: number;
    duplicated: number;
    late: number;
    returned: number;
    /** A `paid` posted again after the `returned` that followed it. */
    outOfOrder: number;
    /** Where the payout was when Adyen's first webhook about its transfer was posted. */
    beforePendingWrite: number;
    afterPendingWrite: number;
    afterSettled: number;
    /** Answers other than 200 (each retried, as Adyen retries). */
    notAcknowledged: number;
  };
  /** Execution attempts per payout, at most. */
  maxAttempts: number;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** One call the platform made to Adyen, as the proxy saw it. */
interface ProxiedCall {
  method: string;
  path: string;
  idempotencyKey?: string;
  status: number;
  startedAt: number;
  endedAt: number;
  /** The platform stopped waiting before the answer came (its timeout). */
  abandoned: boolean;
}

/**
 * A pass-through between the platform and the Adyen fake that records every call (status, timing,
 * whether the platform still waited for the answer) and, just before forwarding one, may script a
 * fault at the fake (`beforeForward`). The fake stays the judge of what is valid and what was made.
 */
async function startRecordingProxy(target: string, beforeForward: (method: string, path: string) => void) {
  const calls: ProxiedCall[] = [];
  const hopByHop = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);
  const server = createServer((request, response) => {
    let abandoned = false;
    response.once('close', () => {
      if (!response.writableFinished) abandoned = true;
    });
    (async () => {
      const body = await readBody(request);
      const method = request.method ?? 'GET';
      const path = request.url ?? '/';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string' && !hopByHop.has(name)) headers[name] = value;
      beforeForward(method, path);
      const startedAt = Date.now();
      const answer = await fetch(`${target}${path}`, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      });
      const text = await answer.text();
      calls.push({
        method,
        path,
        idempotencyKey: headers['idempotency-key'],
        status: answer.status,
        startedAt,
        endedAt: Date.now(),
        abandoned,
      });
      if (response.destroyed) return;
      const retryAfter = answer.headers.get('retry-after');
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        ...(retryAfter ? { 'retry-after': retryAfter } : {}),
      });
      response.end(text);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 502, detail: `proxy: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Whether the n-th transfer (1, 2, 3…) gets a treatment given to a `rate` share of them: spread
 * evenly, so a short run has its share too; `offset` keeps two treatments from picking the same ones.
 */
function chosen(rate: number, n: number, offset: number): boolean {
  return Math.floor((n + offset) * rate) > Math.floor((n + offset - 1) * rate);
}

/**
 * Plays Adyen's side after a transfer: for every transfer the fake made, its signed
 * `balancePlatform.transfer.updated` (booked, or failed for a closed account) is POSTed to the
 * platform — at once (often before the executor wrote the pending state), some twice at once, some
 * late, and a few paid ones are followed by a return (some with the old `paid` again after it).
 * A delivery not answered 200 is retried, as Adyen retries.
 */
function actAsAdyen(deps: {
  fake: AdyenFake;
  platformUrl: string;
  tenantId: string;
  secret: string;
  options: Pick<
    AdyenChaosOptions,
    'duplicateWebhookRate' | 'lateWebhookRate' | 'lateWebhookSeconds' | 'returnRate'
  >;
}) {
  const { fake, options } = deps;
  const stats: AdyenChaosReport['webhooks'] = {
    signed: 0,
    posts: 0,
    duplicated: 0,
    late: 0,
    returned: 0,
    outOfOrder: 0,
    beforePendingWrite: 0,
    afterPendingWrite: 0,
    afterSettled: 0,
    notAcknowledged: 0,
  };
  const undelivered: string[] = [];
  const returnedIds = new Set<string>();
  let readUpTo = 0;
  const waiting = new Set<string>();
  const handled = new Set<string>();
  const actions = new Set<Promise<void>>();

  async function post(webhook: { headers: Record<string, string>; body: string }, payoutId: string) {
    for (let attempt = 1; ; attempt++) {
      stats.posts += 1;
      const response = await fetch(`${deps.platformUrl}/v1/provider-webhooks/adyen/${deps.tenantId}`, {
        method: 'POST',
        headers: webhook.headers,
        body: webhook.body,
      }).catch(() => undefined);
      await response?.arrayBuffer();
      if (response?.status === 200) return;
      stats.notAcknowledged += 1;
      if (attempt >= 8) {
        undelivered.push(`${payoutId}: ${response?.status ?? 'no answer'}`);
        return;
      }
      await sleep(500 * attempt);
    }
  }

  async function classify(payoutId: string) {
    const response = await fetch(`${deps.platformUrl}/v1/payouts/${payoutId}`, {
      headers: { authorization: `Bearer ${deps.secret}` },
    });
    const payout = (await response.json()) as { status?: string; provider_reference?: string | null };
    if (payout.status === 'processing' && !payout.provider_reference) stats.beforePendingWrite += 1;
    else if (payout.status === 'processing') stats.afterPendingWrite += 1;
    else stats.afterSettled += 1;
  }

  async function act(payoutId: string, kind: 'paid' | 'failed', n: number) {
    if (chosen(options.lateWebhookRate, n, 0)) {
      stats.late += 1;
      await sleep(options.lateWebhookSeconds * 1000);
    }
    const update = await fake.webhook(payoutId, kind);
    stats.signed += 1;
    await classify(payoutId);
    if (chosen(options.duplicateWebhookRate, n, 3)) {
      stats.duplicated += 1;
      await Promise.all([post(update, payoutId), post(update, payoutId)]);
    } else await post(update, payoutId);
    if (kind !== 'paid' || !chosen(options.returnRate, n, 7)) return;
    await sleep(500 + Math.random() * 2500);
    const returned = await fake.webhook(payoutId, 'returned');
    stats.signed += 1;
    // Which return this is, taken now: another one may be counted while this one is posted.
    const nth = ++stats.returned;
    returnedIds.add(payoutId);
    await post(returned, payoutId);
    if (nth % 2 === 1) {
      stats.outOfOrder += 1;
      await post(update, payoutId);
    }
  }

  function schedule(run: Promise<void>) {
    const action = run.catch((error: unknown) => {
      undelivered.push(String(error));
    });
    actions.add(action);
    void action.finally(() => actions.delete(action));
  }

  /** New transfers at the fake: the creates it was asked for, once it made them. */
  function look() {
    for (; readUpTo < fake.requests.length; readUpTo++) {
      const request = fake.requests[readUpTo];
      if (request?.method !== 'POST' || request.path !== '/transfers' || !request.valid) continue;
      const reference = (JSON.parse(request.body) as { reference?: string }).reference;
      if (reference && !handled.has(reference)) waiting.add(reference);
    }
    for (const payoutId of waiting) {
      const transfer = fake.transferFor(payoutId);
      if (!transfer) continue; // still being made, or never (a 422)
      waiting.delete(payoutId);
      handled.add(payoutId);
      // A transfer Adyen refused at once is settled by the POST answer; Adyen's webhook adds nothing.
      if (transfer.status === 'refused') continue;
      schedule(act(payoutId, transfer.status === 'failed' ? 'failed' : 'paid', handled.size));
    }
  }

  const timer = setInterval(look, 100);
  return {
    stats,
    undelivered,
    returnedIds,
    /** Picks up the last transfers and waits for every webhook still to be posted. */
    async finish() {
      clearInterval(timer);
      look();
      while (actions.size > 0) await Promise.all([...actions]);
    },
  };
}

/**
 * The chaos run against the Adyen connector: payouts to IBANs routed to Adyen (its fake behind
 * Prism), with the platform's faults (every queue message delivered twice, executors killed after
 * Adyen accepted the transfer, relay kills, a bus outage) and Adyen's (creates made but answered
 * after the connector's timeout, 429/503 refusals), while this run plays Adyen's webhooks. Then it
 * checks: no reference with two transfers, no request Adyen's document forbids, every payout final
 * (paid, failed or returned), each payout's provider_reference the id of its transfer at the fake,
 * each status what the transfer says, every status change once in the feed.
 */
export async function runAdyenChaos(options: AdyenChaosOptions): Promise<AdyenChaosReport> {
  const log = options.log ?? (() => undefined);
  const dynamo = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  const fake = await startAdyenFake();
  const injected = { calls: 0, creates: 0, refusals: 0, delays: 0 };
  const proxy = await startRecordingProxy(fake.url, (method, path) => {
    injected.calls += 1;
    if (method === 'POST' && path === '/transfers') injected.creates += 1;
    if (chosen(options.refusalRate, injected.calls, 5)) {
      injected.refusals += 1;
      const throttled = injected.refusals % 2 === 1;
      fake.refuseNext(1, throttled ? 429 : 503, throttled ? 1 : undefined);
    } else if (
      method === 'POST' &&
      path === '/transfers' &&
      chosen(options.timeoutRate, injected.creates, 1)
    ) {
      injected.delays += 1;
      fake.delayNextCreates(1, options.connectorTimeoutMs + 1000);
    }
  });
  let platform: LocalPlatform | undefined;
  let actor: ReturnType<typeof actAsAdyen> | undefined;
  const problems: string[] = [];
  try {
    platform = await startLocalPlatform({
      port: 0,
      dynamodbEndpoint: options.dynamodbEndpoint ?? dynamo?.endpoint,
      tableName: `chaos-adyen-${randomBytes(3).toString('hex')}`,
      execution: {
        visibilityTimeoutSeconds: 5,
        leaseSeconds: options.leaseSeconds,
        retryBaseSeconds: 0.5,
        retryCapSeconds: 3,
        duplicateDeliveryRate: options.duplicateDeliveryRate,
        relayKillRate: options.relayKillRate,
        executorKillRate: options.executorKillRate,
        // Every payout leaves through Adyen (the rule below), or is refused: the sandbox is not offered.
        sandboxRail: 'off',
        connectorBaseUrls: { adyen: proxy.url },
        connectorTimeoutMs: options.connectorTimeoutMs,
        outboxRecoverySeconds: Math.max(2, Math.round(options.payouts / 500)),
        outboxStaleSeconds: Math.max(20, Math.round(options.payouts / 100)),
      },
    });
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: platform.tableName });
    const admin = tenantAdministration(adapters);
    const { tenant, secret } = await admin.createTenant({ name: 'Chaos Adyen' });
    await admin.setLimits(tenant.id, {
      createPerSecond: MAX_LIMIT_PER_SECOND,
      listPerSecond: MAX_LIMIT_PER_SECOND,
    });
    const rails = connectorsUseCase({
      store: adapters.connectors,
      sealer: createKmsSecretSealer({ keyId: LOCAL_KMS_KEY_ID }),
      registry: CONNECTOR_REGISTRY,
      sandboxAvailable: false,
      runtimeFor: connectorRuntimes(
        { PAYOUTS_CONNECTOR_BASE_URLS: { adyen: proxy.url }, PAYOUTS_CONNECTOR_TIMEOUT_MS: 3000 },
        CONNECTOR_REGISTRY,
      ),
    });
    const caller = { tenantId: tenant.id, actor: SYSTEM, sourceIp: null, requestId: 'chaos-adyen' };
    await rails.set(caller, { connector: 'adyen', mode: 'test', credentials: fake.credentials });
    await rails.route(caller, { rules: [{ destination_type: 'bank_account', connector: 'adyen' }] });
    actor = actAsAdyen({ fake, platformUrl: platform.url, tenantId: tenant.id, secret, options });

    const run = randomBytes(3).toString('hex');
    const holder = (i: number) => {
      const roll = ((i * 7919) % 1000) / 1000;
      if (roll < options.failRate / 3) return 'Ada Lovelace +fail_insufficient_funds';
      if (roll < (options.failRate * 2) / 3) return 'Ada Lovelace +fail_invalid_account';
      if (roll < options.failRate) return 'Ada Lovelace +fail_account_closed';
      return 'Ada Lovelace';
    };
    log(`creating ${options.payouts} payouts routed to Adyen…`);
    const started = Date.now();
    if (options.busOutageSeconds) platform.faults.refusePutEventsFor(options.busOutageSeconds);
    let next = 0;
    const url = platform.url;
    const worker = async () => {
      while (next < options.payouts) {
        const i = next++;
        for (let attempt = 0; ; attempt++) {
          const status = await postPayout(url, secret, `${run}-${i}`, {
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
    const isFinal = (payout: Record<string, any>) => ['paid', 'failed', 'returned'].includes(payout.status);
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    let payouts: Record<string, any>[] = [];
    for (;;) {
      payouts = await scanAll(client, platform.tableName, 'payout');
      const final = payouts.filter(isFinal).length;
      log(
        `  ${final}/${options.payouts} final; Adyen: ${fake.requests.length} calls, ${actor.stats.posts} webhook posts`,
      );
      if (final === options.payouts || Date.now() > deadline) break;
      // Each look scans the whole table: not so often that it competes with the platform for DynamoDB Local.
      await sleep(Math.max(2000, options.payouts * 5));
    }
    const endToEndSeconds = (Date.now() - started) / 1000;
    // The late webhooks and the returns still on their way are part of the run.
    await actor.finish();
    for (let settling = 0; settling < 10; settling++) {
      payouts = await scanAll(client, platform.tableName, 'payout');
      const returned = payouts.filter((payout) => payout.status === 'returned').length;
      if (returned >= actor.returnedIds.size) break;
      await sleep(1000);
    }

    const byStatus = (status: string) => payouts.filter((payout) => payout.status === status);
    const paid = byStatus('paid');
    const failed = byStatus('failed');
    const returned = byStatus('returned');
    const notFinal = payouts.filter((payout) => !isFinal(payout)).length + (options.payouts - payouts.length);
    let referenceMismatches = 0;
    let statusDisagreements = 0;
    for (const payout of payouts) {
      const transfer = fake.transferFor(payout.id);
      if ((payout.providerReference || undefined) !== fake.transferIdFor(payout.id)) referenceMismatches += 1;
      const expected =
        transfer?.status === 'booked'
          ? 'paid'
          : transfer?.status === 'returned'
            ? 'returned'
            : transfer && !['failed', 'refused'].includes(transfer.status)
              ? 'processing'
              : 'failed';
      if (payout.status !== expected) statusDisagreements += 1;
    }

    const expectedEvents = payouts.reduce((sum, payout) => sum + (payout.status === 'returned' ? 5 : 4), 0);
    const events = await readFeed(platform.url, secret, expectedEvents);
    const { duplicateEvents, missingEvents } = feedFindings(events, payouts, (payout) => [
      'payout.created',
      'payout.queued',
      'payout.processing',
      ...(payout.status === 'returned' ? ['payout.paid'] : []),
      `payout.${payout.status}`,
    ]);

    const creates = proxy.calls.filter((call) => call.method === 'POST' && call.path === '/transfers');
    const createsPerKey = new Map<string, ProxiedCall[]>();
    for (const call of creates) {
      const same = createsPerKey.get(call.idempotencyKey ?? '') ?? [];
      same.push(call);
      createsPerKey.set(call.idempotencyKey ?? '', same);
    }
    let overlappingCreates = 0;
    let createsAfterAccepted = 0;
    for (const same of createsPerKey.values())
      for (const [i, call] of same.entries()) {
        const earlier = same.slice(0, i);
        if (earlier.some((before) => before.endedAt > call.startedAt)) overlappingCreates += 1;
        if (
          earlier.some(
            (before) => before.status === 200 && !before.abandoned && before.endedAt < call.startedAt,
          )
        )
          createsAfterAccepted += 1;
      }
    const pages = proxy.calls.filter(
      (call) => call.method === 'GET' && call.path.startsWith('/transactions'),
    );
    const calls: AdyenChaosReport['calls'] = {
      creates: creates.length,
      keysRepeated: [...createsPerKey.values()].filter((same) => same.length > 1).length,
      maxCreatesPerKey: Math.max(0, ...[...createsPerKey.values()].map((same) => same.length)),
      overlappingCreates,
      createsAfterAccepted,
      lookups: pages.filter((call) => !call.path.includes('cursor=')).length,
      lookupPages: pages.length,
      refused: proxy.calls.filter((call) => call.status === 429 || call.status === 503).length,
      abandonedCreates: creates.filter((call) => call.abandoned && call.status === 200).length,
      scriptedDelays: injected.delays,
      scriptedRefusals: injected.refusals,
    };

    const times = payouts
      .filter(isFinal)
      .map((payout) => Date.parse(payout.paidAt ?? payout.updatedAt) - Date.parse(payout.createdAt))
      .sort((a, b) => a - b);
    const deadLetters = [...platform.sqs.queues.values()]
      .filter((queue) => queue.name.endsWith('-dlq'))
      .map((queue) => [queue.name, queue.messages.size] as const)
      .filter(([, size]) => size > 0);
    const duplicateTransfers = fake.duplicateTransfers();
    const invalidRequests = fake.invalidRequests();
    for (const [name, size] of deadLetters) problems.push(`${size} message(s) in ${name}`);
    if (duplicateTransfers.length > 0)
      problems.push(`Adyen made more than one transfer for ${duplicateTransfers.join(', ')}`);
    if (invalidRequests.length > 0)
      problems.push(
        `${invalidRequests.length} requests Adyen's document forbids, e.g. ${invalidRequests[0]?.method} ${invalidRequests[0]?.path}: ${invalidRequests[0]?.problems}`,
      );
    if (notFinal > 0) problems.push(`${notFinal} payouts are not paid, failed or returned`);
    if (referenceMismatches > 0)
      problems.push(`${referenceMismatches} payouts' provider_reference is not their transfer's id`);
    if (statusDisagreements > 0)
      problems.push(`${statusDisagreements} payouts' status disagrees with their transfer at Adyen`);
    if (returned.length !== actor.returnedIds.size)
      problems.push(`${returned.length} payouts returned, Adyen returned ${actor.returnedIds.size}`);
    for (const failure of actor.undelivered) problems.push(`webhook never acknowledged: ${failure}`);
    if (duplicateEvents > 0)
      problems.push(`${duplicateEvents} status changes appear more than once in the feed`);
    if (missingEvents > 0) problems.push(`${missingEvents} status changes are missing from the feed`);
    if (events.length !== expectedEvents)
      problems.push(`the feed holds ${events.length} events, expected ${expectedEvents}`);

    return {
      payouts: options.payouts,
      paid: paid.length,
      failed: failed.length,
      returned: returned.length,
      notFinal,
      transfers: payouts.filter((payout) => fake.transferFor(payout.id)).length,
      duplicateTransfers,
      invalidRequests: invalidRequests.length,
      referenceMismatches,
      statusDisagreements,
      calls,
      webhooks: actor.stats,
      maxAttempts: Math.max(0, ...payouts.map((payout) => payout.execution?.attempts ?? 0)),
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
    await actor?.finish().catch(() => undefined);
    await platform?.stop();
    await proxy.close();
    await fake.close();
    await dynamo?.stop();
  }
}
