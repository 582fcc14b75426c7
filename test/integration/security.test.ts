import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/topology.js';
import { eventually, payoutBody, type TenantClient, withTestPlatform } from '../helpers/platform.js';

/**
 * The OWASP API Security Top 10 items that apply to the public API, route by route from the
 * topology (a new route without a case here fails the coverage checks):
 * API1 broken object level authorization (another tenant's ids), API2 broken authentication (no or
 * a bad key), API3 broken object property level authorization (mass assignment), API4 unrestricted
 * resource consumption (oversized and deeply nested bodies; rate limits: rate-limits.test.ts).
 * API5 function level authorization (roles) is the portal's: portal-api.test.ts checks every role
 * against every route; API7 SSRF: webhooks.test.ts and url-guard.test.ts.
 */
const context = withTestPlatform('security');
const API_ROUTES = ROUTES.filter((route) => route.auth === 'api_key');
const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/** Tenant A's resources, which tenant B tries to reach. */
const victim: { tenant?: TenantClient; ids: Record<string, string> } = { ids: {} };

/** A body that is valid for the route, so only the object's owner can make the answer differ. */
const VALID_BODIES: Record<string, () => unknown> = {
  'POST /v1/payouts/{id}/cancel': () => undefined,
  'PATCH /v1/webhook-endpoints/{id}': () => ({ description: 'taken over' }),
  'POST /v1/webhook-endpoints/{id}/rotate-secret': () => undefined,
  'POST /v1/webhook-endpoints/{id}/recover': () => ({ since: '2026-01-01T00:00:00.000Z' }),
};

/** Which of tenant A's ids goes into a route's `{id}`. */
const ID_OF: Record<string, string> = {
  '/v1/payouts/': 'payout',
  '/v1/events/': 'event',
  '/v1/reports/': 'report',
  '/v1/payout-batches/': 'batch',
  '/v1/webhook-endpoints/': 'endpoint',
};
const idFor = (path: string) => {
  const prefix = Object.keys(ID_OF).find((candidate) => path.startsWith(candidate));
  return prefix ? victim.ids[ID_OF[prefix] as string] : undefined;
};

beforeAll(async () => {
  const tenant = await context.platform.newTenant('Victim');
  victim.tenant = tenant;
  const payout = await tenant.createPayout(payoutBody());
  const endpoint = await tenant.request('POST', '/v1/webhook-endpoints', {
    body: { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] },
  });
  const report = await tenant.request('POST', '/v1/reports', {
    body: { created_gte: '2026-01-01T00:00:00.000Z', created_lt: '2026-12-31T00:00:00.000Z' },
    headers: { 'idempotency-key': randomBytes(6).toString('hex') },
  });
  const batch = await tenant.request('POST', '/v1/payout-batches', {
    body: { items: [payoutBody()] },
    headers: { 'idempotency-key': randomBytes(6).toString('hex') },
  });
  const [event] = await eventually(
    async () => (await tenant.request('GET', '/v1/events')).body.data as any[],
    (events) => events.length > 0,
  );
  victim.ids = {
    payout: payout.body.id,
    endpoint: endpoint.body.id,
    report: report.body.id,
    batch: batch.body.id,
    event: event.id,
  };
  for (const [name, id] of Object.entries(victim.ids)) expect(String(id), name).toMatch(/^[a-z]+_/);
});

describe('API1: no route reaches another tenant’s objects', () => {
  const byId = API_ROUTES.filter((route) => route.path.includes('{id}'));

  it('covers every route with an id', () => {
    expect(byId.length).toBeGreaterThanOrEqual(11);
    for (const route of byId)
      expect(Object.keys(ID_OF).some((prefix) => route.path.startsWith(prefix))).toBe(true);
  });

  it.each(byId.map((route) => [routeKey(route), route] as const))(
    '%s answers 404 for another tenant’s id and changes nothing',
    async (_key, route) => {
      const attacker = await context.platform.newTenant('Attacker');
      const body = VALID_BODIES[routeKey(route)]?.();
      const answer = await attacker.request(
        route.method,
        route.path.replace('{id}', idFor(route.path) as string),
        {
          ...(body !== undefined ? { body } : {}),
          headers: { 'idempotency-key': randomBytes(6).toString('hex') },
        },
      );
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ type: 'not_found_error', code: 'resource_missing' });
    },
  );

  it('leaves the victim’s objects as they were', async () => {
    const tenant = victim.tenant as TenantClient;
    const endpoint = (await tenant.request('GET', `/v1/webhook-endpoints/${victim.ids.endpoint}`)).body;
    expect(endpoint.description).not.toBe('taken over');
    expect((await tenant.request('GET', `/v1/payouts/${victim.ids.payout}`)).body.status).not.toBe(
      'canceled',
    );
  });

  it.each(
    API_ROUTES.filter((route) => route.method === 'GET' && !route.path.includes('{id}')).map((route) => [
      routeKey(route),
      route,
    ]),
  )('%s lists none of another tenant’s objects', async (_key, route) => {
    const attacker = await context.platform.newTenant('Lister');
    const answer = await attacker.request('GET', route.path);
    expect(answer.status).toBe(200);
    const listed = JSON.stringify(answer.body.data);
    for (const id of Object.values(victim.ids)) expect(listed).not.toContain(id);
  });
});

describe('API2: every API route needs a valid key', () => {
  it.each(API_ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s answers 401 without a key, with a malformed one and with an unknown one',
    async (_key, route) => {
      const path = route.path.replace('{id}', idFor(route.path) ?? 'x');
      for (const authorization of [
        undefined,
        'Bearer nonsense',
        'Bearer sk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ]) {
        const response = await fetch(`${context.platform.url}${path}`, {
          method: route.method,
          headers: { ...(authorization ? { authorization } : {}), 'content-type': 'application/json' },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        expect(response.status, String(authorization)).toBe(401);
        // Without credentials API Gateway answers itself, invoking nothing (D46); with a key that is
        // not live the platform answers, in the contract's format.
        expect(await response.json()).toEqual(
          authorization
            ? { error: expect.objectContaining({ code: 'api_key_invalid' }) }
            : { message: 'Unauthorized' },
        );
      }
    },
  );
});

describe('API3: fields the platform owns cannot be set by a request', () => {
  it.each([
    ['status', 'paid'],
    ['id', 'po_01AAAAAAAAAAAAAAAAAAAAAAAA'],
    ['source', 'portal'],
    ['batch_id', 'pb_01AAAAAAAAAAAAAAAAAAAAAAAA'],
    ['approval', null],
    ['tenant_id', 'ten_01AAAAAAAAAAAAAAAAAAAAAAAA'],
    ['paid_at', '2026-01-01T00:00:00.000Z'],
    ['provider_reference', 'sbx_1'],
  ])('POST /v1/payouts with "%s" is refused naming it, and nothing is stored', async (field, value) => {
    const tenant = context.tenant;
    const body = { ...payoutBody(), [field]: value };
    const answer = await tenant.createPayout(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ param: field })]),
    );
    expect((await tenant.request('GET', `/v1/payouts?reference=${body.reference}`)).body.data).toEqual([]);
  });

  it('a batch item with a status, or an endpoint update with a secret or a status it may not set, is refused', async () => {
    const tenant = context.tenant;
    const batch = await tenant.request('POST', '/v1/payout-batches', {
      body: { items: [{ ...payoutBody(), status: 'paid' }] },
      headers: { 'idempotency-key': randomBytes(6).toString('hex') },
    });
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch.body.error.details)).toContain('items.0.status');

    const endpoint = await tenant.request('POST', '/v1/webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'], secret: 'whsec_mine' },
    });
    expect(endpoint.status).toBe(400);
    expect(endpoint.body.error.details).toEqual([expect.objectContaining({ param: 'secret' })]);
    const created = await tenant.request('POST', '/v1/webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] },
    });
    for (const [field, value] of [
      ['secret', 'whsec_mine'],
      ['tenant_id', 'ten_other'],
      ['disabled_reason', null],
    ] as const) {
      const patched = await tenant.request('PATCH', `/v1/webhook-endpoints/${created.body.id}`, {
        body: { [field]: value },
      });
      expect(patched.status, field).toBe(400);
      expect(patched.body.error.details[0].param, field).toBe(field);
    }
  });
});

describe('API4: oversized and deeply nested bodies', () => {
  it('refuses a body over 64 KiB with 413, before reading it as a payout', async () => {
    const body = payoutBody({ description: 'x'.repeat(70 * 1024) });
    const answer = await context.tenant.createPayout(body);
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('payload_too_large');
  });

  it.each([
    ['metadata', (depth: number) => withField('metadata', nested(depth))],
    ['destination', (depth: number) => withField('destination', nested(depth))],
    ['the body itself', (depth: number) => nested(depth)],
  ])('answers 400, never 5xx, to %s nested 5,000 levels deep', async (_where, build) => {
    const answer = await context.tenant.request('POST', '/v1/payouts', {
      rawBody: build(5000),
      headers: { 'idempotency-key': randomBytes(6).toString('hex') },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.type).toBe('invalid_request_error');
  });

  it('answers 400 to an array of 10,000 nested arrays sent as a batch', async () => {
    const raw = `{"items":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const answer = await context.tenant.request('POST', '/v1/payout-batches', {
      rawBody: raw,
      headers: { 'idempotency-key': randomBytes(6).toString('hex') },
    });
    expect(answer.status).toBe(400);
  });
});

/** `{"a":{"a":…}}` as JSON text, `depth` levels deep (too deep for this process to stringify). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;

/** A valid payout body whose `field` is the given JSON text. */
const withField = (field: string, json: string) => {
  const { [field]: _replaced, ...rest } = payoutBody();
  return `${JSON.stringify(rest).slice(0, -1)},"${field}":${json}}`;
};
