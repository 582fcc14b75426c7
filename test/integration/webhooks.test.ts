import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoWebhookStore } from '../../shared/adapters/dynamodb/webhook-store.js';
import { createKmsSecretSealer } from '../../shared/adapters/kms-secret-sealer.js';
import { ConcurrentModificationError, RetryLaterError } from '../../shared/domain/errors.js';
import { deliverWebhookUseCase } from '../../shared/use-cases/deliver-webhooks.js';
import { eventually, payoutBody, type TenantClient, withTestPlatform } from '../helpers/platform.js';

const ctx = withTestPlatform('webhooks', {
  execution: {
    visibilityTimeoutSeconds: 2,
    leaseSeconds: 2,
    retryBaseSeconds: 1,
    retryCapSeconds: 1,
    webhookRetrySchedule: '1,1',
  },
});

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver on loopback whose answers a test scripts. */
async function receiver(answer: (count: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answer(received.length);
      if (status === 'hang') return;
      response.writeHead(status).end(status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`, received };
}
const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function subscribe(tenant: TenantClient, url: string, events: string[] = ['payout.paid']) {
  const response = await tenant.request('POST', '/v1/webhook-endpoints', {
    body: { url, enabled_events: events },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; secret: string; status: string };
}

const paidEventsIn = (received: Received[], payoutId: string) =>
  received.filter((entry) => {
    const event = JSON.parse(entry.body);
    return event.type === 'payout.paid' && event.data.object.id === payoutId;
  });

describe('webhook endpoints', () => {
  it('creates an endpoint with a whsec_ secret shown once, and manages it', async () => {
    const tenant = await ctx.platform.newTenant('Endpoints');
    const { url } = await receiver();
    const created = await subscribe(tenant, url, ['*']);

    expect(created).toMatchObject({ status: 'enabled', secret: expect.stringMatching(/^whsec_/) });
    const fetched = await tenant.request('GET', `/v1/webhook-endpoints/${created.id}`);
    expect(fetched.body).toMatchObject({ id: created.id, url, enabled_events: ['*'] });
    expect(fetched.body.secret).toBeUndefined();
    expect((await tenant.request('GET', '/v1/webhook-endpoints')).body.data.map((e: any) => e.id)).toEqual([
      created.id,
    ]);

    const patched = await tenant.request('PATCH', `/v1/webhook-endpoints/${created.id}`, {
      body: { enabled_events: ['payout.failed'], description: 'failures only' },
    });
    expect(patched.body).toMatchObject({ enabled_events: ['payout.failed'], description: 'failures only' });
    expect((await ctx.tenant.request('GET', `/v1/webhook-endpoints/${created.id}`)).status).toBe(404);

    expect((await tenant.request('DELETE', `/v1/webhook-endpoints/${created.id}`)).body).toMatchObject({
      deleted: true,
    });
    expect((await tenant.request('GET', `/v1/webhook-endpoints/${created.id}`)).status).toBe(404);
  });

  it('stores the signing secret sealed with KMS, bound to its endpoint, never in the clear', async () => {
    const tenant = await ctx.platform.newTenant('Sealed');
    const { url } = await receiver();
    const created = await subscribe(tenant, url, ['*']);
    const rotated = (await tenant.request('POST', `/v1/webhook-endpoints/${created.id}/rotate-secret`)).body;

    const stored = await ctx.platform.adapters.webhooks.getEndpoint(tenant.tenantId, created.id);
    const raw = JSON.stringify(stored);
    expect(raw).not.toContain(created.secret);
    expect(raw).not.toContain(rotated.secret);
    expect(stored?.secrets.map((entry) => entry.secret.slice(0, 4))).toEqual(['kms:', 'kms:']);

    const sealer = createKmsSecretSealer({ keyId: process.env.PAYOUTS_SECRETS_KEY_ID });
    const [current] = stored?.secrets ?? [];
    expect(await sealer.open(current!.secret, { tenant_id: tenant.tenantId, endpoint_id: created.id })).toBe(
      rotated.secret,
    );
    // The encryption context binds the ciphertext: copied to another endpoint, it does not open.
    await expect(
      createKmsSecretSealer({ keyId: process.env.PAYOUTS_SECRETS_KEY_ID }).open(current!.secret, {
        tenant_id: tenant.tenantId,
        endpoint_id: 'we_other',
      }),
    ).rejects.toThrow(/ciphertext/i);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.1/hook',
    'ftp://127.0.0.1/x',
    'http://[::ffff:192.168.0.1]/',
  ])('refuses %s at creation, naming url, and stores nothing', async (url) => {
    const tenant = await ctx.platform.newTenant('Hostile');
    const response = await tenant.request('POST', '/v1/webhook-endpoints', {
      body: { url, enabled_events: ['*'] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('url');
    expect((await tenant.request('GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
  });
});

describe('delivery', () => {
  it('delivers payout.paid with Standard Webhooks headers that the official library verifies', async () => {
    const tenant = await ctx.platform.newTenant('Receiver');
    const hook = await receiver();
    const endpoint = await subscribe(tenant, hook.url);
    const payout = (await tenant.createPayout(payoutBody())).body;

    const [delivery] = await eventually(
      async () => paidEventsIn(hook.received, payout.id),
      (found) => found.length > 0,
    );
    const verified = new Webhook(endpoint.secret).verify(
      delivery!.body,
      delivery!.headers as Record<string, string>,
    ) as any;
    expect(verified).toMatchObject({
      object: 'event',
      type: 'payout.paid',
      data: { object: { id: payout.id, status: 'paid' } },
    });
    expect(delivery!.headers['webhook-id']).toBe(verified.id);
    // Only the subscribed type arrives.
    expect(hook.received.every((entry) => JSON.parse(entry.body).type === 'payout.paid')).toBe(true);
  });

  it('retries failures on the schedule and records every attempt', async () => {
    const tenant = await ctx.platform.newTenant('Flaky');
    const hook = await receiver((count) => (count <= 2 ? 500 : 200));
    const endpoint = await subscribe(tenant, hook.url);
    await tenant.createPayout(payoutBody());

    const attempts = await eventually(
      async () => (await tenant.request('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body.data,
      (data: any[]) => data.length === 3,
    );
    expect(attempts.map((attempt: any) => [attempt.attempt, attempt.status_code, attempt.succeeded])).toEqual(
      [
        [3, 200, true],
        [2, 500, false],
        [1, 500, false],
      ],
    );
    expect(attempts[1]).toMatchObject({
      response_excerpt: 'nope',
      event_type: 'payout.paid',
      latency_ms: expect.any(Number),
    });
  });

  it('keeps a delivery that succeeds at once as one item holding its attempt, listed and paged with the other attempts (D83)', async () => {
    const tenant = await ctx.platform.newTenant('At once');
    // The first request fails: that delivery is retried (two attempt items); the other three succeed at once.
    const hook = await receiver((count) => (count === 1 ? 500 : 200));
    const endpoint = await subscribe(tenant, hook.url, ['*']);
    await tenant.createPayout(payoutBody());
    await eventually(
      async () => hook.received.length,
      (count) => count >= 5,
    );

    // Page through the attempt log one at a time, across both kinds of item.
    const listed: any[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = after ? `?limit=1&starting_after=${after}` : '?limit=1';
      const { status, body } = await tenant.request(
        'GET',
        `/v1/webhook-endpoints/${endpoint.id}/deliveries${query}`,
      );
      expect(status).toBe(200);
      listed.push(...body.data);
      if (!body.has_more) break;
      after = body.data.at(-1).id;
    }
    const summary = listed.map((attempt) => [attempt.attempt, attempt.status_code, attempt.succeeded]);
    expect(summary.sort()).toEqual([
      [1, 200, true],
      [1, 200, true],
      [1, 200, true],
      [1, 500, false],
      [2, 200, true],
    ]);
    expect(new Set(listed.map((attempt) => attempt.event_id)).size).toBe(4);
    const times = listed.map((attempt) => attempt.attempted_at);
    expect(times).toEqual([...times].sort().reverse());

    // Stored: three deliveries hold their attempt; the retried one has two attempt items of its own.
    const { localDynamoClient } = await import('../../local/dynamodb-local.js');
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const client = localDynamoClient(ctx.platform.dynamodbEndpoint);
    const scan = await client.send(
      new ScanCommand({
        TableName: ctx.platform.tableName,
        FilterExpression: 'endpointId = :endpoint',
        ExpressionAttributeValues: { ':endpoint': { S: endpoint.id } },
      }),
    );
    const entities = (scan.Items ?? []).map((item) => [item.entity?.S, item.firstAttempt !== undefined]);
    expect(entities.sort()).toEqual([
      ['webhook_attempt', false],
      ['webhook_attempt', false],
      ['webhook_delivery', false],
      ['webhook_delivery', true],
      ['webhook_delivery', true],
      ['webhook_delivery', true],
    ]);

    // A delivery holding its attempt is final: the store refuses to write it again, even as read.
    const store = createDynamoWebhookStore({
      client: createDocumentClient(client),
      table: ctx.platform.tableName,
    });
    const held = (scan.Items ?? []).find((item) => item.firstAttempt !== undefined)!;
    const stored = (await store.getDelivery(tenant.tenantId, held.id!.S!))!;
    await expect(
      store.saveDelivery({
        current: stored,
        next: { ...stored, status: 'failed', failureReason: 'rewritten' },
      }),
    ).rejects.toBeInstanceOf(ConcurrentModificationError);
    client.destroy();
  });

  it('disables an endpoint that answers 410 Gone', async () => {
    const tenant = await ctx.platform.newTenant('Gone');
    const hook = await receiver(() => 410);
    const endpoint = await subscribe(tenant, hook.url);
    await tenant.createPayout(payoutBody());

    const disabled = await eventually(
      async () => (await tenant.request('GET', `/v1/webhook-endpoints/${endpoint.id}`)).body,
      (body) => body.status === 'disabled',
    );
    expect(disabled.disabled_reason).toMatch(/410/);
    expect(hook.received).toHaveLength(1);
    // The portal learns about it from the events feed.
    const [event] = await eventually(
      async () => (await tenant.request('GET', '/v1/events?type=webhook_endpoint.disabled')).body.data,
      (data: any[]) => data.length === 1,
    );
    expect(event.data.object).toMatchObject({
      id: endpoint.id,
      object: 'webhook_endpoint',
      status: 'disabled',
    });
    expect(event.data.object.secret).toBeUndefined();
  });

  it('disables an endpoint after five days of continuous failure', async () => {
    const tenant = await ctx.platform.newTenant('Failing');
    const endpoint = await subscribe(tenant, 'http://127.0.0.1:9/never-called', ['*']);
    let time = Date.now();
    const deliver = deliverWebhookUseCase({
      events: ctx.platform.adapters.events,
      webhooks: ctx.platform.adapters.webhooks,
      sender: {
        send: async () => ({
          statusCode: 500,
          latencyMs: 1,
          error: null,
          timedOut: false,
          responseExcerpt: 'down',
        }),
      },
      schedule: [60, 60],
      sealer: createKmsSecretSealer({ keyId: process.env.PAYOUTS_SECRETS_KEY_ID }),
      now: () => time,
    });
    const message = (n: number) => ({
      tenant_id: tenant.tenantId,
      endpoint_id: endpoint.id,
      delivery_id: `dlv_${String(n).padStart(26, '0')}`,
      event: {
        id: `evt_${n}`,
        object: 'event' as const,
        type: 'payout.paid' as const,
        created_at: new Date(time).toISOString(),
        data: { object: { id: 'po_x' } },
      },
    });

    await expect(deliver(message(1))).rejects.toBeInstanceOf(RetryLaterError);
    time += 4 * 24 * 3600_000;
    await expect(deliver(message(2))).rejects.toBeInstanceOf(RetryLaterError);
    expect((await tenant.request('GET', `/v1/webhook-endpoints/${endpoint.id}`)).body.status).toBe('enabled');
    time += 24 * 3600_000 + 1000;
    await expect(deliver(message(3))).rejects.toBeInstanceOf(RetryLaterError);

    expect((await tenant.request('GET', `/v1/webhook-endpoints/${endpoint.id}`)).body).toMatchObject({
      status: 'disabled',
      disabled_reason: 'failing for 5 days',
    });
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const tenant = await ctx.platform.newTenant('Rotation');
    const hook = await receiver();
    const endpoint = await subscribe(tenant, hook.url);
    const { secret } = (await tenant.request('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`))
      .body;
    const payout = (await tenant.createPayout(payoutBody())).body;

    const [delivery] = await eventually(
      async () => paidEventsIn(hook.received, payout.id),
      (found) => found.length > 0,
    );
    expect(String(delivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const key of [secret, endpoint.secret]) {
      expect(() =>
        new Webhook(key).verify(delivery!.body, delivery!.headers as Record<string, string>),
      ).not.toThrow();
    }
  });

  it('recovers deliveries that exhausted their retries, once the receiver is back', async () => {
    const tenant = await ctx.platform.newTenant('Recover');
    let down = true;
    const hook = await receiver(() => (down ? 503 : 200));
    const endpoint = await subscribe(tenant, hook.url);
    const since = new Date(Date.now() - 1000).toISOString();
    const payout = (await tenant.createPayout(payoutBody())).body;
    // Three attempts on the '1,1' schedule, then the delivery is failed.
    await eventually(
      async () => hook.received.length,
      (count) => count >= 3,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hook.received).toHaveLength(3);

    down = false;
    const recovered = await tenant.request('POST', `/v1/webhook-endpoints/${endpoint.id}/recover`, {
      body: { since },
    });
    // Answered at once (202); the redelivery runs in the background, after the answer.
    expect(recovered.status).toBe(202);
    expect(recovered.body).toMatchObject({ recovered: 1, status: 'queued', truncated: false });
    expect(paidEventsIn(hook.received, payout.id)).toHaveLength(3);

    await eventually(
      async () => paidEventsIn(hook.received, payout.id).length,
      (count) => count === 4,
    );
    const attempts = (await tenant.request('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body
      .data;
    expect(attempts[0]).toMatchObject({ attempt: 4, succeeded: true });
  });

  it('bounds a recovery: `since` at most 14 days back and not in the future (400 naming since, nothing queued)', async () => {
    const tenant = await ctx.platform.newTenant('Bounded recovery');
    const hook = await receiver();
    const endpoint = await subscribe(tenant, hook.url);
    for (const since of [
      new Date(Date.now() - 15 * 86_400_000).toISOString(),
      new Date(Date.now() + 60_000).toISOString(),
    ]) {
      const refused = await tenant.request('POST', `/v1/webhook-endpoints/${endpoint.id}/recover`, {
        body: { since },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.map((detail: { param: string }) => detail.param)).toEqual(['since']);
    }
    const fine = await tenant.request('POST', `/v1/webhook-endpoints/${endpoint.id}/recover`, {
      body: { since: new Date(Date.now() - 13 * 86_400_000).toISOString() },
    });
    expect(fine.status).toBe(202);
    expect(fine.body).toMatchObject({ recovered: 0, status: 'queued' });
  });

  it('rotates and updates an endpoint 100 times while deliveries to a flapping receiver change its health: every call 200', async () => {
    const tenant = await ctx.platform.newTenant('Busy endpoint');
    // Fails and succeeds in turn: every other delivery changes the endpoint's health (failingSince).
    const hook = await receiver((count) => (count % 2 === 0 ? 500 : 200));
    const endpoint = await subscribe(tenant, hook.url, ['*']);
    let traffic = true;
    const load = (async () => {
      while (traffic) await tenant.createPayout(payoutBody());
    })();
    try {
      await eventually(
        async () => hook.received.length,
        (count) => count >= 4,
      );
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async (_, worker) => {
          for (let i = worker; i < 100; i += 4) {
            const call =
              i % 2 === 0
                ? await tenant.request('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`)
                : await tenant.request('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, {
                    body: { description: `change ${i}` },
                  });
            statuses.push(call.status);
          }
        }),
      );
      expect(statuses).toHaveLength(100);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
    } finally {
      traffic = false;
      await load;
    }
    expect(hook.received.length).toBeGreaterThan(4);
  }, 120_000);

  it("isolates endpoints: a receiver that hangs does not hold back another tenant's deliveries", async () => {
    const slowTenant = await ctx.platform.newTenant('Slow');
    const fastTenant = await ctx.platform.newTenant('Fast');
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver();
    await subscribe(slowTenant, hanging.url, ['*']);
    await subscribe(fastTenant, healthy.url);
    for (let i = 0; i < 3; i++) await slowTenant.createPayout(payoutBody());
    await eventually(
      async () => hanging.received.length,
      (count) => count >= 1,
    );

    const started = Date.now();
    const payout = (await fastTenant.createPayout(payoutBody())).body;
    await eventually(
      async () => paidEventsIn(healthy.received, payout.id).length,
      (count) => count === 1,
      10_000,
    );
    // Well inside the 15 s the hanging receiver holds each of its deliveries.
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
