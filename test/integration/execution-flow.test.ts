import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/http/logger.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

/** The whole local pipeline: API → table stream → relay → bus → rule → queue → executor → provider. */
const ctx = withTestPlatform('execution-flow', {
  execution: { visibilityTimeoutSeconds: 2, leaseSeconds: 2, retryBaseSeconds: 1, retryCapSeconds: 1 },
});

async function finalPayout(id: string) {
  return eventually(
    async () => (await ctx.tenant.request('GET', `/v1/payouts/${id}`)).body,
    (payout) => payout.status === 'paid' || payout.status === 'failed',
  );
}

async function eventsOf(payoutId: string, expected: number) {
  return eventually(
    async () =>
      ((await ctx.tenant.request('GET', '/v1/events?limit=100')).body.data as any[]).filter(
        (event) => event.data.object.id === payoutId,
      ),
    (events) => events.length >= expected,
  );
}

describe('a payout created through the API', () => {
  it('moves queued → processing → paid, and every change is in the events feed once', async () => {
    const created = (await ctx.tenant.createPayout(payoutBody())).body;

    const paid = await finalPayout(created.id);
    expect(paid).toMatchObject({ status: 'paid', provider_reference: `sbx_${created.id}`, version: 3 });
    expect(paid.paid_at).toBeTruthy();

    const events = await eventsOf(created.id, 4);
    expect(events.map((event) => `${event.type}@${event.data.object.version}`).sort()).toEqual([
      'payout.created@1',
      'payout.paid@3',
      'payout.processing@2',
      'payout.queued@1',
    ]);
    const paidEvent = events.find((event) => event.type === 'payout.paid');
    const fetched = await ctx.tenant.request('GET', `/v1/events/${paidEvent.id}`);
    expect(fetched.body).toEqual(paidEvent);
    expect(fetched.body.data.object).toEqual(paid);
  });

  it('fails with the provider failure code for a +fail_insufficient_funds destination', async () => {
    const created = (
      await ctx.tenant.createPayout(
        payoutBody({ destination: { type: 'email', email: 'ada+fail_insufficient_funds@example.com' } }),
      )
    ).body;

    expect(await finalPayout(created.id)).toMatchObject({
      status: 'failed',
      failure_code: 'insufficient_funds',
      paid_at: null,
    });
    expect((await eventsOf(created.id, 4)).map((event) => event.type)).toContain('payout.failed');
  });

  it('pays a +returned destination, then marks it returned when the sandbox reports it (payout.returned once)', async () => {
    const created = (
      await ctx.tenant.createPayout(
        payoutBody({ destination: { type: 'email', email: 'ada+returned@example.com' } }),
      )
    ).body;

    const returned = await eventually(
      async () => (await ctx.tenant.request('GET', `/v1/payouts/${created.id}`)).body,
      (payout) => payout.status === 'returned',
    );
    expect(returned).toMatchObject({
      status: 'returned',
      connector: 'sandbox',
      provider_reference: `sbx_${created.id}`,
      return_code: 'account_closed',
      paid_at: expect.any(String),
      returned_at: expect.any(String),
    });
    expect(Date.parse(returned.returned_at)).toBeGreaterThan(Date.parse(returned.paid_at));

    const events = await eventsOf(created.id, 5);
    expect(events.map((event) => event.type).sort()).toEqual([
      'payout.created',
      'payout.paid',
      'payout.processing',
      'payout.queued',
      'payout.returned',
    ]);
    // A later look (a duplicate check message, a retried one) changes nothing: one return event.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await eventsOf(created.id, 5)).filter((event) => event.type === 'payout.returned')).toHaveLength(
      1,
    );
  });

  it('records the connector that carries a payout, chosen when it is created', async () => {
    const created = (await ctx.tenant.createPayout(payoutBody())).body;
    // A tenant with no rails of its own routes to the sandbox where the deployment offers it.
    expect(created.connector).toBe('sandbox');
    expect(await finalPayout(created.id)).toMatchObject({
      status: 'paid',
      connector: 'sandbox',
      return_code: null,
    });
  });

  it("does not show one tenant's events to another", async () => {
    const created = (await ctx.tenant.createPayout(payoutBody())).body;
    const [event] = await eventsOf(created.id, 1);
    const other = await ctx.platform.newTenant('Other');

    expect((await other.request('GET', `/v1/events/${event.id}`)).status).toBe(404);
    expect((await other.request('GET', '/v1/events')).body.data).toEqual([]);
  });
});

describe('the events feed', () => {
  it('filters by type and pages with a cursor', async () => {
    const tenant = await ctx.platform.newTenant('Feed');
    for (let i = 0; i < 3; i++) await tenant.createPayout(payoutBody());
    await eventually(
      async () => (await tenant.request('GET', '/v1/events?type=payout.paid')).body.data,
      (data) => data.length === 3,
    );

    const first = await tenant.request('GET', '/v1/events?type=payout.created&limit=2');
    const second = await tenant.request(
      'GET',
      `/v1/events?type=payout.created&limit=2&starting_after=${first.body.next_cursor}`,
    );
    expect(first.body).toMatchObject({ has_more: true });
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    const ids = [...first.body.data, ...second.body.data].map((event: any) => event.id);
    expect(new Set(ids).size).toBe(3);
    expect(
      [...first.body.data, ...second.body.data].every((event: any) => event.type === 'payout.created'),
    ).toBe(true);
  });

  it('names a bad filter', async () => {
    const response = await ctx.tenant.request('GET', '/v1/events?type=payout.lost&starting_after=po_1');
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: any) => detail.param).sort()).toEqual([
      'starting_after',
      'type',
    ]);
  });
});

describe('a message the executor can never process', () => {
  it('is dropped at once with an ERROR line (it names no payout), not retried for a day; nothing else is affected', async () => {
    const errors = vi.spyOn(logger, 'error');
    ctx.platform.sqs.send('execution', JSON.stringify({ detail: { note: 'no payout here' } }));

    await eventually(
      async () => errors.mock.calls.map(([message]) => String(message)),
      (messages) => messages.some((message) => message.startsWith('Execution message names no payout')),
      30_000,
    );
    await eventually(
      async () => ctx.platform.sqs.depth('execution'),
      (depth) => depth.visible === 0 && depth.inFlight === 0,
    );
    expect(ctx.platform.sqs.depth('execution-dlq').visible).toBe(0);
    errors.mockRestore();
    // The pipeline still pays.
    const created = await ctx.tenant.createPayout(payoutBody());
    expect((await finalPayout(created.body.id)).status).toBe('paid');
  }, 40_000);
});
