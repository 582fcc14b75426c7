import { describe, expect, it } from 'vitest';
import { deliveryIdFor } from '../../../shared/domain/webhooks.js';
import type { Delivery } from '../../../shared/ports/webhook-store.js';
import { webhookEndpointsUseCase } from '../../../shared/use-cases/webhook-endpoints.js';
import { DAY, HOUR, testClock } from '../../fakes/clock.js';
import { memoryPorts } from '../../fakes/memory-ports.js';
import { callerOf, member, OTHER_TENANT, racing, refusal, TENANT } from './given.js';

const START = '2026-12-01T09:00:00.000Z';
const admin = callerOf(member('u-admin', 'Grace'));
/** Public addresses for every name but `internal.example.com`, which resolves into RFC 1918 space. */
const resolve = async (host: string) => (host === 'internal.example.com' ? ['10.0.0.5'] : ['93.184.216.34']);

function setUp() {
  const ports = memoryPorts();
  const clock = testClock(START);
  const deps = {
    webhooks: ports.webhooks,
    audit: ports.audit,
    queue: ports.queue,
    policy: { requireHttps: true, allowLoopback: false },
    sealer: ports.sealer,
    resolve,
    now: clock.now,
  };
  const endpoints = webhookEndpointsUseCase(deps);
  const created = (url = 'https://hooks.example.com/payouts') =>
    endpoints.create(admin, { url, enabled_events: ['payout.paid', 'payout.failed'] });
  return { ...ports, clock, deps, endpoints, created };
}

describe('creating a webhook endpoint', () => {
  it('answers its signing secret once and stores only the sealed secret, bound to tenant and endpoint', async () => {
    const { created, webhooks, sealer } = setUp();

    const endpoint = await created();

    expect(endpoint).toMatchObject({
      object: 'webhook_endpoint',
      url: 'https://hooks.example.com/payouts',
      description: null,
      enabled_events: ['payout.paid', 'payout.failed'],
      status: 'enabled',
      disabled_reason: null,
      created_at: START,
      updated_at: START,
    });
    expect(endpoint.id).toMatch(/^we_[0-9A-Z]{26}$/);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const stored = await webhooks.getEndpoint(TENANT, endpoint.id);
    expect(stored?.secrets).toHaveLength(1);
    expect(stored?.secrets[0]?.secret).not.toContain(endpoint.secret);
    const context = { tenant_id: TENANT, endpoint_id: endpoint.id };
    expect(await sealer.open(stored?.secrets[0]?.secret as string, context)).toBe(endpoint.secret);
    expect(stored?.lastAction?.action).toBe('webhook_endpoint.create');
  });

  it.each([
    ['plain http', 'http://hooks.example.com/payouts', 'must use https'],
    ['credentials in the URL', 'https://user:pw@hooks.example.com/payouts', 'must not contain credentials'],
    [
      'a name that resolves to a private address',
      'https://internal.example.com/hook',
      'resolves to a forbidden address (10.0.0.5 is a private address)',
    ],
    [
      'the cloud metadata address',
      'https://169.254.169.254/latest',
      'resolves to a forbidden address (169.254.169.254 is a linkLocal address)',
    ],
    ['not a URL', 'hooks.example.com', 'is not a valid URL'],
  ])('refuses %s (400 naming url) and stores nothing', async (_, url, reason) => {
    const { created, webhooks } = setUp();

    const error = await refusal(created(url));

    expect([error.statusCode, error.code, error.param, error.details?.[0]?.message]).toEqual([
      400,
      'validation_failed',
      'url',
      reason,
    ]);
    expect(await webhooks.listEndpoints(TENANT)).toEqual([]);
  });

  it('allows 20 endpoints per tenant, then 409 too_many_endpoints', async () => {
    const { created, endpoints, webhooks } = setUp();
    for (let index = 0; index < 20; index++) await created(`https://h${index}.example.com/`);

    const error = await refusal(created('https://one-more.example.com/'));

    expect([error.statusCode, error.code]).toEqual([409, 'too_many_endpoints']);
    expect(await webhooks.listEndpoints(TENANT)).toHaveLength(20);
    // The cap is per tenant: another tenant still creates its first.
    const theirs = await endpoints.create(callerOf(member('u-b'), OTHER_TENANT), {
      url: 'https://b.example.com/',
      enabled_events: ['*'],
    });
    expect(theirs.status).toBe('enabled');
  });
});

describe('updating a webhook endpoint', () => {
  it('disables it with the API’s reason and re-enables it with its failure run forgotten', async () => {
    const { created, endpoints, webhooks, clock } = setUp();
    const endpoint = await created();
    const stored = await webhooks.getEndpoint(TENANT, endpoint.id);
    if (!stored) throw new Error('not stored');
    await webhooks.saveEndpoint({
      current: stored,
      next: { ...stored, failingSince: '2026-11-30T00:00:00.000Z', version: stored.version + 1 },
    });
    clock.advance(HOUR);

    const disabled = await endpoints.update(admin, endpoint.id, { status: 'disabled' });
    expect([disabled.status, disabled.disabled_reason, disabled.updated_at]).toEqual([
      'disabled',
      'disabled by the API',
      '2026-12-01T10:00:00.000Z',
    ]);
    expect((await webhooks.getEndpoint(TENANT, endpoint.id))?.failingSince).toBe('2026-11-30T00:00:00.000Z');

    const enabled = await endpoints.update(admin, endpoint.id, { status: 'enabled' });
    expect([enabled.status, enabled.disabled_reason]).toEqual(['enabled', null]);
    expect(await webhooks.getEndpoint(TENANT, endpoint.id)).toMatchObject({ failingSince: null, version: 4 });
  });

  it('changes only what the patch names: an absent description stays, a null one is cleared', async () => {
    const { endpoints } = setUp();
    const endpoint = await endpoints.create(admin, {
      url: 'https://hooks.example.com/a',
      enabled_events: ['*'],
      description: 'Ledger',
    });

    const renamed = await endpoints.update(admin, endpoint.id, { enabled_events: ['payout.paid'] });
    expect([renamed.url, renamed.description, renamed.enabled_events]).toEqual([
      'https://hooks.example.com/a',
      'Ledger',
      ['payout.paid'],
    ]);
    const cleared = await endpoints.update(admin, endpoint.id, {
      description: null,
      url: 'https://hooks.example.com/b',
    });
    expect([cleared.url, cleared.description]).toEqual(['https://hooks.example.com/b', null]);
  });

  it('refuses a new URL that fails the guard and keeps the old one', async () => {
    const { created, endpoints, webhooks } = setUp();
    const endpoint = await created();

    const error = await refusal(
      endpoints.update(admin, endpoint.id, { url: 'https://internal.example.com/' }),
    );

    expect(error.param).toBe('url');
    expect((await webhooks.getEndpoint(TENANT, endpoint.id))?.url).toBe('https://hooks.example.com/payouts');
  });

  it('does not fail when a delivery updates the endpoint’s health at the same moment: it decides again', async () => {
    const { created, webhooks, deps } = setUp();
    const endpoint = await created();
    const deliveryWorker = async () => {
      const current = await webhooks.getEndpoint(TENANT, endpoint.id);
      if (!current) throw new Error('not stored');
      await webhooks.saveEndpoint({
        current,
        next: { ...current, failingSince: '2026-12-01T08:59:00.000Z', version: current.version + 1 },
      });
    };
    const endpoints = webhookEndpointsUseCase({
      ...deps,
      webhooks: racing(webhooks, 'saveEndpoint', [deliveryWorker, deliveryWorker]),
    });

    const updated = await endpoints.update(admin, endpoint.id, { enabled_events: ['*'] });

    expect(updated.enabled_events).toEqual(['*']);
    // Both health writes landed, then the person's change on top of them.
    expect(await webhooks.getEndpoint(TENANT, endpoint.id)).toMatchObject({
      enabledEvents: ['*'],
      failingSince: '2026-12-01T08:59:00.000Z',
      version: 4,
    });
  });

  it('answers 404 for another tenant’s endpoint', async () => {
    const { created, endpoints } = setUp();
    const endpoint = await created();
    const other = callerOf(member('u-b'), OTHER_TENANT);

    expect((await refusal(endpoints.update(other, endpoint.id, { status: 'disabled' }))).code).toBe(
      'resource_missing',
    );
    expect((await refusal(endpoints.get(OTHER_TENANT, endpoint.id))).statusCode).toBe(404);
  });
});

describe('rotating the signing secret', () => {
  it('answers a new secret and keeps the old one signing for 24 hours', async () => {
    const { created, endpoints, webhooks, sealer, clock } = setUp();
    const endpoint = await created();
    clock.advance(HOUR);

    const { secret } = await endpoints.rotate(admin, endpoint.id);

    expect(secret).not.toBe(endpoint.secret);
    const stored = await webhooks.getEndpoint(TENANT, endpoint.id);
    const context = { tenant_id: TENANT, endpoint_id: endpoint.id };
    const secrets = await Promise.all(
      (stored?.secrets ?? []).map(async (entry) => ({
        ...entry,
        secret: await sealer.open(entry.secret, context),
      })),
    );
    expect(secrets).toEqual([
      { secret, createdAt: '2026-12-01T10:00:00.000Z', expiresAt: null },
      { secret: endpoint.secret, createdAt: START, expiresAt: '2026-12-02T10:00:00.000Z' },
    ]);
    expect(stored?.lastAction?.action).toBe('webhook_endpoint.rotate_secret');
  });

  it('drops a rotated secret once its overlap has passed', async () => {
    const { created, endpoints, webhooks, clock } = setUp();
    const endpoint = await created();
    await endpoints.rotate(admin, endpoint.id);
    clock.advance(DAY + 1);

    await endpoints.rotate(admin, endpoint.id);

    const stored = await webhooks.getEndpoint(TENANT, endpoint.id);
    expect(stored?.secrets.map((entry) => entry.expiresAt)).toEqual([null, '2026-12-03T09:00:00.001Z']);
  });
});

describe('deleting a webhook endpoint', () => {
  it('deletes it with its audit entry; a second delete is 404', async () => {
    const { created, endpoints, audit, webhooks } = setUp();
    const endpoint = await created();

    expect(await endpoints.remove(admin, endpoint.id)).toEqual({
      id: endpoint.id,
      object: 'webhook_endpoint',
      deleted: true,
    });

    expect(await webhooks.getEndpoint(TENANT, endpoint.id)).toBeUndefined();
    expect(audit.all(TENANT).map((entry) => [entry.action, entry.target, entry.changes])).toEqual([
      [
        'webhook_endpoint.delete',
        { type: 'webhook_endpoint', id: endpoint.id },
        { url: { before: 'https://hooks.example.com/payouts', after: null } },
      ],
    ]);
    expect((await refusal(endpoints.remove(admin, endpoint.id))).statusCode).toBe(404);
  });
});

describe('recovering failed deliveries', () => {
  function failedDelivery(endpointId: string, eventId: string, createdAt: string): Delivery {
    return {
      id: deliveryIdFor(eventId, endpointId),
      tenantId: TENANT,
      endpointId,
      eventId,
      eventType: 'payout.paid',
      status: 'failed',
      attempts: 11,
      cycleStart: 0,
      failureReason: 'HTTP 500',
      createdAt,
      updatedAt: createdAt,
    };
  }

  it('counts the failed deliveries since `since`, records the request and queues one background job', async () => {
    const { created, endpoints, webhooks, queue, audit, clock } = setUp();
    const endpoint = await created();
    for (const [event, at] of [
      ['evt_old', '2026-11-20T00:00:00.000Z'],
      ['evt_1', '2026-11-29T00:00:00.000Z'],
      ['evt_2', '2026-11-30T00:00:00.000Z'],
    ])
      await webhooks.saveDelivery({
        current: undefined,
        next: failedDelivery(endpoint.id, event as string, at as string),
      });
    clock.advance(HOUR);

    const result = await endpoints.recover(admin, endpoint.id, '2026-11-28T00:00:00.000Z');

    expect(result).toEqual({
      object: 'webhook_recovery',
      endpoint_id: endpoint.id,
      since: '2026-11-28T00:00:00.000Z',
      until: '2026-12-01T10:00:00.000Z',
      status: 'queued',
      recovered: 2,
      truncated: false,
    });
    expect(queue.messages).toEqual([
      {
        job: 'recover',
        tenant_id: TENANT,
        endpoint_id: endpoint.id,
        since: '2026-11-28T00:00:00.000Z',
        until: '2026-12-01T10:00:00.000Z',
        remaining: 2,
      },
    ]);
    expect(audit.all(TENANT).at(-1)).toMatchObject({
      action: 'webhook_endpoint.recover',
      changes: { recovered: { before: null, after: 2 } },
    });
  });

  it.each([
    [
      'more than 14 days back',
      '2026-11-17T08:59:59.999Z',
      'must be within the last 14 days (older events are in GET /v1/events)',
    ],
    ['in the future', '2026-12-01T09:00:00.001Z', 'must not be in the future'],
  ])('refuses a `since` %s', async (_, since, message) => {
    const { created, endpoints, queue } = setUp();
    const endpoint = await created();

    const error = await refusal(endpoints.recover(admin, endpoint.id, since));

    expect([error.statusCode, error.param, error.details?.[0]?.message]).toEqual([400, 'since', message]);
    expect(queue.messages).toEqual([]);
  });

  it('queues nothing when nothing failed, but still records the request', async () => {
    const { created, endpoints, queue, audit } = setUp();
    const endpoint = await created();

    expect((await endpoints.recover(admin, endpoint.id, '2026-11-30T00:00:00.000Z')).recovered).toBe(0);

    expect(queue.messages).toEqual([]);
    expect(audit.all(TENANT).map((entry) => entry.action)).toEqual(['webhook_endpoint.recover']);
  });
});
