import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { startLocalPlatform } from '../local/runtime.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { postPayout } from './load.js';

export interface WebhookBenchOptions {
  /** Events to deliver (each payout causes four: created, queued, processing, paid). */
  events: number;
  /** Share of requests the receiver answers 500 at random. */
  failRate: number;
  /** The receiver answers 503 to everything for this long, starting `downAfterSeconds` in. */
  downForSeconds: number;
  downAfterSeconds: number;
  timeoutSeconds: number;
  dynamodbEndpoint?: string;
  log?: (line: string) => void;
}

export interface WebhookBenchReport {
  expected: number;
  delivered: number;
  invalidSignatures: number;
  requests: number;
  seconds: number;
  deliveriesPerSecond: number;
  healthyP50Ms: number;
  healthyP99Ms: number;
  problems: string[];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/**
 * Delivers events to a local receiver that fails a share of requests at random and is down for a
 * stretch, on a compressed retry schedule; checks every event arrived at least once, signed.
 */
export async function runWebhookBench(options: WebhookBenchOptions): Promise<WebhookBenchReport> {
  const log = options.log ?? (() => undefined);
  const dynamo = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  const platform = await startLocalPlatform({
    port: 0,
    dynamodbEndpoint: options.dynamodbEndpoint ?? dynamo?.endpoint,
    tableName: `webhooks-${randomBytes(3).toString('hex')}`,
    execution: {
      visibilityTimeoutSeconds: 5,
      leaseSeconds: 3,
      retryBaseSeconds: 1,
      retryCapSeconds: 2,
      // 15 attempts: with 30 % of them failing at random after a 3 s outage, the chance that some
      // event's attempts all fail is ~1e-4 a run (with 11 attempts it was ~2 %, and CI met it).
      // Within the delivery queue's 20 receives, so a few failures of our own still fit.
      webhookRetrySchedule: '1,1,2,2,3,3,5,5,5,5,5,5,5,5',
    },
  });
  let secret = '';
  const started = Date.now();
  const downFrom = started + options.downAfterSeconds * 1000;
  const downUntil = downFrom + options.downForSeconds * 1000;
  const firstDelivery = new Map<string, number>();
  const healthyLatencies: number[] = [];
  const attempted = new Set<string>();
  let invalidSignatures = 0;
  let requests = 0;
  let lastDelivery = started;

  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const now = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      // "Healthy" latency: events whose very first request succeeds.
      const eventId = (JSON.parse(body) as { id: string }).id;
      const firstRequest = !attempted.has(eventId);
      attempted.add(eventId);
      if (now >= downFrom && now < downUntil) return void response.writeHead(503).end();
      if (Math.random() < options.failRate) return void response.writeHead(500).end();
      let event: { id: string; created_at: string };
      try {
        event = new Webhook(secret).verify(body, request.headers as Record<string, string>) as typeof event;
      } catch {
        invalidSignatures += 1;
        return void response.writeHead(400).end();
      }
      if (!firstDelivery.has(event.id)) {
        firstDelivery.set(event.id, now);
        if (firstRequest) healthyLatencies.push(now - Date.parse(event.created_at));
      }
      lastDelivery = now;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  const problems: string[] = [];
  try {
    const { secret: apiKey } = await tenantAdministration(
      createDynamoAdapters({ PAYOUTS_TABLE_NAME: platform.tableName }),
    ).createTenant({ name: 'Webhooks' });
    const created = await fetch(`${platform.url}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url, enabled_events: ['*'] }),
    });
    secret = ((await created.json()) as { secret: string }).secret;

    const payouts = Math.ceil(options.events / 4);
    const expected = payouts * 4;
    log(`creating ${payouts} payouts (${expected} events)…`);
    const run = randomBytes(3).toString('hex');
    for (let i = 0; i < payouts; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, payouts - i) }, (_, j) =>
          postPayout(platform.url, apiKey, `${run}-${i + j}`, { amount: 100 + i + j }),
        ),
      );
    }
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    while (firstDelivery.size < expected && Date.now() < deadline) {
      log(`  ${firstDelivery.size}/${expected} events delivered (${requests} requests)`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    if (firstDelivery.size < expected)
      problems.push(`${expected - firstDelivery.size} events never reached the receiver`);
    if (invalidSignatures > 0) problems.push(`${invalidSignatures} requests had an invalid signature`);
    const seconds = (lastDelivery - started) / 1000;
    healthyLatencies.sort((a, b) => a - b);
    return {
      expected,
      delivered: firstDelivery.size,
      invalidSignatures,
      requests,
      seconds,
      deliveriesPerSecond: firstDelivery.size / seconds,
      healthyP50Ms: percentile(healthyLatencies, 50),
      healthyP99Ms: percentile(healthyLatencies, 99),
      problems,
    };
  } finally {
    receiver.closeAllConnections();
    receiver.close();
    await platform.stop();
    await dynamo?.stop();
  }
}
