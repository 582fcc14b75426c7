import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countItems,
  payoutBody,
  startTestPlatform,
  type TenantClient,
  type TestPlatform,
} from '../helpers/platform.js';

let platform: TestPlatform;
let acme: TenantClient;
let globex: TenantClient;

beforeAll(async () => {
  platform = await startTestPlatform('payouts-api');
  acme = await platform.newTenant('Acme');
  globex = await platform.newTenant('Globex');
});
afterAll(() => platform?.stop());

describe('POST /v1/payouts', () => {
  it('creates a queued payout with a masked destination and a Request-Id', async () => {
    const body = payoutBody();
    const response = await acme.createPayout(body);

    expect(response.status).toBe(201);
    expect(response.headers.get('request-id')).toBeTruthy();
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(response.body).toMatchObject({
      object: 'payout',
      status: 'queued',
      amount: 1050,
      currency: 'EUR',
      destination: {
        type: 'bank_account',
        account_holder_name: 'Ada Lovelace',
        iban_last4: '3000',
        bic: 'COBADEFFXXX',
      },
      reference: body.reference,
      purpose: 'refund',
      metadata: { order_id: '8812' },
      source: 'api',
      batch_id: null,
      approval: null,
      paid_at: null,
    });
    expect(response.body.id).toMatch(/^po_[0-9A-Z]{26}$/);
    expect(JSON.stringify(response.body)).not.toContain('DE89370400440532013000');
  });

  it('replays the stored response for the same key and body, in any key order', async () => {
    const body = payoutBody();
    const first = await acme.createPayout(body, 'replay-key-1');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await acme.createPayout(reordered, 'replay-key-1');

    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('answers 422 for the same key with a different body, and writes nothing', async () => {
    await acme.createPayout(payoutBody(), 'reused-key');
    const before = await countItems(platform);
    const response = await acme.createPayout(payoutBody({ amount: 99 }), 'reused-key');

    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_key_reused',
      param: 'Idempotency-Key',
    });
    expect(await countItems(platform)).toBe(before);
  });

  it('answers 409 with the existing payout_id when a reference is reused under a new key', async () => {
    const body = payoutBody();
    const first = await acme.createPayout(body);
    const second = await acme.createPayout({ ...body, amount: 2000 });

    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'reference_already_used',
      param: 'reference',
      payout_id: first.body.id,
    });
  });

  it('scopes references and idempotency keys to the tenant', async () => {
    const body = payoutBody();
    const mine = await acme.createPayout(body, 'shared-key');
    const theirs = await globex.createPayout(body, 'shared-key');

    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('accepts an email destination and applies the default purpose', async () => {
    const response = await acme.createPayout(
      payoutBody({ destination: { type: 'email', email: 'ada@example.com' }, purpose: undefined }),
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      destination: { type: 'email', email: 'ada@example.com' },
      purpose: 'other',
    });
  });
});

describe('authentication', () => {
  it('answers 401 at the gateway without a key, invoking nothing (API Gateway’s own answer)', async () => {
    const response = await fetch(`${platform.url}/v1/payouts`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('answers 401 in the API error format with a malformed key and with an unknown key', async () => {
    for (const authorization of ['Bearer nope', `Bearer sk_test_${'x'.repeat(32)}`, acme.apiKey]) {
      const response = await fetch(`${platform.url}/v1/payouts`, { headers: { authorization } });
      const body = (await response.json()) as any;
      expect(response.status).toBe(401);
      expect(body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_invalid' });
      expect(body.error.request_id).toBe(response.headers.get('request-id'));
    }
  });

  it('rejects a revoked key on the very next request', async () => {
    const tenant = await platform.newTenant('Revoker');
    expect((await tenant.request('GET', '/v1/payouts')).status).toBe(200);

    expect(await platform.admin.revokeApiKey(tenant.tenantId, tenant.apiKeyId)).toBe(true);

    const after = await tenant.request('GET', '/v1/payouts');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('api_key_invalid');
  });

  it("returns 404 for another tenant's payout, for reads and cancels alike", async () => {
    const created = await acme.createPayout(payoutBody());
    const read = await globex.request('GET', `/v1/payouts/${created.body.id}`);
    const cancel = await globex.request('POST', `/v1/payouts/${created.body.id}/cancel`);

    expect(read.status).toBe(404);
    expect(read.body.error).toMatchObject({ type: 'not_found_error', code: 'resource_missing' });
    expect(cancel.status).toBe(404);
    // Untouched by the other tenant's cancel (execution may have moved it on meanwhile).
    expect((await acme.request('GET', `/v1/payouts/${created.body.id}`)).body.status).not.toBe('canceled');
  });
});

describe('GET /v1/payouts', () => {
  it('pages newest first with a cursor until every payout is seen exactly once', async () => {
    const tenant = await platform.newTenant('Pager');
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await tenant.createPayout(payoutBody())).body.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await tenant.request(
        'GET',
        `/v1/payouts?limit=3${cursor ? `&starting_after=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.object).toBe('list');
      seen.push(...page.body.data.map((payout: { id: string }) => payout.id));
      cursor = page.body.has_more ? page.body.next_cursor : undefined;
      pages += 1;
    } while (cursor);

    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([...created].sort());
    // Newest first: created_at descending, the id breaking ties within a millisecond.
    const payouts = await Promise.all(
      seen.map(async (id) => (await tenant.request('GET', `/v1/payouts/${id}`)).body),
    );
    const keys = payouts.map((payout) => `${payout.created_at}#${payout.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it('filters by status, purpose, reference and creation time', async () => {
    const tenant = await platform.newTenant('Filter');
    const refund = await tenant.createPayout(payoutBody({ purpose: 'refund' }));
    const reward = await tenant.createPayout(payoutBody({ purpose: 'reward' }));
    await tenant.request('POST', `/v1/payouts/${reward.body.id}/cancel`);
    const ids = async (query: string) =>
      (await tenant.request('GET', `/v1/payouts?${query}`)).body.data.map(
        (payout: { id: string }) => payout.id,
      );

    expect(await ids('purpose=refund')).toEqual([refund.body.id]);
    expect(await ids('status=canceled')).toEqual([reward.body.id]);
    expect(await ids(`reference=${refund.body.reference}`)).toEqual([refund.body.id]);
    expect(await ids(`reference=${refund.body.reference}&status=canceled`)).toEqual([]);
    expect(await ids(`created_gte=${reward.body.created_at}`)).toContain(reward.body.id);
    expect(await ids(`created_lt=${refund.body.created_at}`)).not.toContain(refund.body.id);
    expect(await ids('created_gte=2099-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('names the bad parameter of a list query', async () => {
    const response = await acme.request('GET', '/v1/payouts?limit=500&status=lost&colour=red');
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { param: string }) => detail.param).sort()).toEqual([
      'colour',
      'limit',
      'status',
    ]);
  });
});

describe('POST /v1/payouts/{id}/cancel', () => {
  it('cancels a queued payout once, then answers 409 payout_not_cancelable', async () => {
    const created = await acme.createPayout(payoutBody());
    const canceled = await acme.request('POST', `/v1/payouts/${created.body.id}/cancel`);
    const again = await acme.request('POST', `/v1/payouts/${created.body.id}/cancel`);

    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ id: created.body.id, status: 'canceled' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ type: 'conflict_error', code: 'payout_not_cancelable' });
    expect((await acme.request('GET', `/v1/payouts/${created.body.id}`)).body.status).toBe('canceled');
  });
});

describe('unauthenticated routes', () => {
  it('serves health and an OpenAPI 3.1 document generated from the schemas', async () => {
    const health = await fetch(`${platform.url}/v1/health`);
    const openapi = (await (await fetch(`${platform.url}/v1/openapi.json`)).json()) as any;

    expect(await health.json()).toEqual({ status: 'ok' });
    expect(openapi.openapi).toBe('3.1.0');
    expect(openapi.paths['/v1/payouts'].post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CreatePayoutRequest',
    );
    expect(openapi.components.schemas.CreatePayoutRequest.properties.amount).toMatchObject({
      type: 'integer',
    });
  });

  it('answers unknown routes with the API error format', async () => {
    const response = await fetch(`${platform.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe('route_not_found');
  });
});
