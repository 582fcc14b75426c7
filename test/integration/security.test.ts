import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { networkInterfaces } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXED_LIMITS } from '../../shared/domain/rate-limits.js';
import { ROUTES } from '../../shared/topology.js';
import { MAX_ENDPOINTS_PER_TENANT } from '../../shared/use-cases/webhook-endpoints.js';
import { eventually, payoutBody, type TenantClient, withTestPlatform } from '../helpers/platform.js';
import { newMember } from '../helpers/portal.js';

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
  'POST /v1/reconciliation-runs/{id}/items/{item_id}/resolve': () => ({ note: 'taken over' }),
};

/** Which of tenant A's ids goes into a route's `{id}`. */
const ID_OF: Record<string, string> = {
  '/v1/payouts/': 'payout',
  '/v1/events/': 'event',
  '/v1/reports/': 'report',
  '/v1/payout-batches/': 'batch',
  '/v1/webhook-endpoints/': 'endpoint',
  '/v1/reconciliation-runs/': 'reconciliation',
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
  const reconciliation = await tenant.request('POST', '/v1/reconciliation-runs', {
    body: { connector: 'sandbox', date: '2026-01-01' },
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
    reconciliation: reconciliation.body.id,
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
        // An item of the run: the victim's payout (the run's own item ids are payout ids).
        route.path
          .replace('{id}', idFor(route.path) as string)
          .replace('{item_id}', victim.ids.payout as string),
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

describe('the local stand-ins answer only the portal and the platform', () => {
  const EVIL = 'https://evil.example';
  const cognitoCall = (url: string, operation: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
        ...headers,
      },
      body: JSON.stringify({ UserPoolId: 'local', Username: 'someone@example.com', Password: 'Chosen-by-1' }),
    });

  it('the local identity provider has no CORS and refuses its admin operations to browsers', async () => {
    const idp = `${context.platform.url}/local-idp`;
    const preflight = await fetch(idp, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    const admin = await cognitoCall(idp, 'AdminSetUserPassword', { origin: EVIL });
    const signIn = await cognitoCall(idp, 'InitiateAuth', { origin: EVIL });

    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(admin.status).toBe(403);
    expect(((await admin.json()) as { __type: string }).__type).toBe('NotAuthorizedException');
    // A user's operation is answered (as Cognito's own error here), with no CORS header either.
    expect(signIn.status).toBe(400);
    expect(signIn.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the local AWS endpoint refuses Cognito admin operations without the local credentials', async () => {
    const unsigned = await cognitoCall(context.platform.awsEndpoint, 'AdminSetUserPassword');
    const otherKey = await cognitoCall(context.platform.awsEndpoint, 'AdminSetUserPassword', {
      authorization: 'AWS4-HMAC-SHA256 Credential=integrator/20261202/local/cognito-idp/aws4_request',
    });
    expect(unsigned.status).toBe(403);
    expect(otherKey.status).toBe(403);
  });

  it('the local S3 allows the portal’s origin only, and DynamoDB Local no other page', async () => {
    const preflight = (url: string, origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-amz-target',
        },
      });
    const s3Evil = await preflight(`${context.platform.s3Endpoint}/attachments/a.pdf`, EVIL);
    const s3Portal = await preflight(
      `${context.platform.s3Endpoint}/attachments/a.pdf`,
      context.platform.url,
    );
    const dynamoEvil = await preflight(context.platform.dynamodbEndpoint, EVIL);

    expect(s3Evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(s3Portal.headers.get('access-control-allow-origin')).toBe(context.platform.url);
    expect(dynamoEvil.headers.get('access-control-allow-origin')).not.toBe(EVIL);
    expect(dynamoEvil.headers.get('access-control-allow-origin')).not.toBe('*');
  });

  it('every stand-in, DynamoDB Local included, refuses connections from another interface', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((each) => each && !each.internal && each.family === 'IPv4')
      .map((each) => each?.address as string);
    const ports = [
      context.platform.url,
      context.platform.s3Endpoint,
      context.platform.awsEndpoint,
      context.platform.dynamodbEndpoint,
    ].map((url) => Number(new URL(url).port));

    expect(external.length, 'this machine has an interface besides loopback').toBeGreaterThan(0);
    for (const port of ports) {
      expect(await connects('127.0.0.1', port), `127.0.0.1:${port}`).toBe(true);
      for (const address of external) expect(await connects(address, port), `${address}:${port}`).toBe(false);
    }
  });
});

/** Whether a TCP connection to `host:port` is accepted. */
const connects = (host: string, port: number) =>
  new Promise<boolean>((settle) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    const end = (accepted: boolean) => {
      socket.destroy();
      settle(accepted);
    };
    socket.once('connect', () => end(true));
    socket.once('error', () => end(false));
    socket.once('timeout', () => end(false));
  });

/** `{"a":{"a":…}}` as JSON text, `depth` levels deep (too deep for this process to stringify). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;

/** A valid payout body whose `field` is the given JSON text. */
const withField = (field: string, json: string) => {
  const { [field]: _replaced, ...rest } = payoutBody();
  return `${JSON.stringify(rest).slice(0, -1)},"${field}":${json}}`;
};

describe('abuse limits and text that hides what it says (D56)', () => {
  it('caps webhook endpoints per tenant, naming the limit, and creates nothing past it', async () => {
    const tenant = await context.platform.newTenant('Many endpoints');
    const create = () =>
      tenant.request('POST', '/v1/webhook-endpoints', {
        body: { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] },
      });
    for (let index = 0; index < MAX_ENDPOINTS_PER_TENANT; index++) expect((await create()).status).toBe(201);
    const over = await create();
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'too_many_endpoints' });
    expect(over.body.error.message).toContain(String(MAX_ENDPOINTS_PER_TENANT));
    const listed = await tenant.request('GET', '/v1/webhook-endpoints?limit=100');
    expect(listed.body.data).toHaveLength(MAX_ENDPOINTS_PER_TENANT);
  });

  it('limits report creation per minute with Retry-After, and queues nothing past it', async () => {
    const tenant = await context.platform.newTenant('Many reports');
    // Away from a minute's end, so all requests fall in one window.
    const second = new Date().getUTCSeconds();
    if (second > 45) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const statuses: number[] = [];
    let refused: { status: number; headers: Headers; body: any } | undefined;
    for (let index = 0; index <= FIXED_LIMITS.report.limit; index++) {
      const response = await tenant.request('POST', '/v1/reports', {
        body: { created_gte: '2026-01-01T00:00:00.000Z', created_lt: '2026-12-31T00:00:00.000Z' },
        headers: { 'idempotency-key': randomBytes(6).toString('hex') },
      });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses.filter((status) => status === 202)).toHaveLength(FIXED_LIMITS.report.limit);
    expect(statuses.at(-1)).toBe(429);
    expect(refused?.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const listed = await tenant.request('GET', '/v1/reports?limit=100');
    expect(listed.body.data).toHaveLength(FIXED_LIMITS.report.limit);
  });

  it('limits a flood of portal requests per tenant with 429 and Retry-After', async () => {
    const viewer = await newMember(context.platform, context.tenant.tenantId, ['viewer']);
    let refused: { status: number; headers: Headers; body: any } | undefined;
    // A round of twice the limit at once puts more than the limit in one second (whatever the split).
    for (let round = 0; round < 5 && !refused; round++) {
      const responses = await Promise.all(
        Array.from({ length: FIXED_LIMITS.portal.limit * 2 }, () => viewer.request('GET', '/me')),
      );
      expect(responses.every((response) => response.status === 200 || response.status === 429)).toBe(true);
      refused = responses.find((response) => response.status === 429);
    }
    expect(refused?.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused?.headers.get('retry-after')).toBe('1');
  });

  it.each([
    ['a right-to-left override in a reference', { reference: `invoice\u202Efdp.exe` }, 'reference'],
    ['a NUL in the metadata', { metadata: { note: 'cut\u0000here' } }, 'metadata.note'],
    ['an isolate in a metadata key', { metadata: { 'a\u2066b': 'x' } }, 'metadata.a\u2066b'],
  ])('refuses %s with 400 naming the field, and creates nothing', async (_, fields, param) => {
    const response = await context.tenant.createPayout(payoutBody(fields));
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe(param);
    expect(response.body.error.message).toMatch(/bidirectional-override/);
  });

  it('refuses hidden characters in a portal rationale and a CSV; reads names in any script', async () => {
    const requester = await newMember(context.platform, context.tenant.tenantId, ['requester']);
    const manual = await requester.request('POST', '/payouts', {
      body: {
        category: 'support_credit',
        amount: 2500,
        currency: 'EUR',
        destination: { type: 'email', email: 'customer@example.com' },
        customer_reference: 'cust-4711',
        reason_code: 'service_disruption',
        rationale: 'Four hours offline.\u202E Approved by the CFO.',
        ticket_url: 'https://support.example.com/tickets/4711',
      },
      headers: { 'idempotency-key': randomBytes(6).toString('hex') },
    });
    expect(manual.status).toBe(400);
    expect(manual.body.error.param).toBe('rationale');

    const header = 'reference,amount,currency,purpose,account_holder_name,iban,email';
    const hidden = await requester.request('POST', '/payout-batches/check', {
      body: { csv: `${header}\nr-1,10.00,EUR,refund,Zoë\u202E,DE89370400440532013000,\n` },
    });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.param).toBe('csv');
    const scripts = await requester.request('POST', '/payout-batches/check', {
      body: {
        csv: `${header}\nr-1,10.00,EUR,refund,Łukasz Żółć 张伟 Ζωή,DE89370400440532013000,\nr-2,1.00,EUR,refund,,,emile@example.com\n`,
      },
    });
    expect(scripts.status).toBe(200);
    expect(scripts.body.problems).toEqual([]);
    expect(scripts.body.preview[0].payee).toBe('Łukasz Żółć 张伟 Ζωή ·· 3000');
  });
});
