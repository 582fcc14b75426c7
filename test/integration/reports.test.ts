import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMinorUnits } from '../../shared/domain/money.js';
import { eventually, payoutBody, type TenantClient, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

const context = withTestPlatform('reports');
let finance: PortalClient;
let other: TenantClient;
const start = new Date(Date.now() - 60_000).toISOString();

async function readyReport(client: TenantClient, id: string) {
  return eventually(
    async () => (await client.request('GET', `/v1/reports/${id}`)).body,
    (report) => report.status === 'ready' || report.status === 'failed',
    30_000,
  );
}

async function download(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  // UTF-8 with a byte order mark: spreadsheets then read accents and symbols right.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
}

beforeAll(async () => {
  const tenant = context.tenant;
  finance = await newMember(context.platform, tenant.tenantId, ['finance', 'requester']);
  // API payouts: paid, failed; a portal payout whose rationale has commas, quotes, a newline and a formula.
  for (const overrides of [
    { amount: 1050 },
    { amount: 99, currency: 'JPY' },
    { amount: 2000, destination: { type: 'email', email: 'ada+fail_account_closed@example.com' } },
  ])
    expect((await tenant.createPayout(payoutBody(overrides))).status).toBe(201);
  const manual = await finance.request('POST', '/payouts', {
    body: {
      category: 'support_credit',
      amount: 1234,
      currency: 'EUR',
      destination: { type: 'email', email: 'customer@example.com' },
      customer_reference: 'cust-1',
      reason_code: 'billing_mistake',
      rationale: '=cmd|"calc"!A1, then "quotes", commas,\nand a second line: still ok',
      ticket_url: 'https://support.example.com/t/1',
    },
    headers: { 'idempotency-key': `report-manual-${Date.now()}` },
  });
  expect(manual.status).toBe(201);
  other = await context.platform.newTenant('Other company');
  await other.createPayout(payoutBody({ amount: 777 }));
  // Wait until execution settled the API payouts.
  await eventually(
    async () => (await tenant.request('GET', '/v1/payouts?limit=100')).body.data,
    (payouts: any[]) => payouts.filter((payout) => ['paid', 'failed'].includes(payout.status)).length === 3,
  );
});

describe('payout reports', () => {
  it('exports every payout of the range as CSV, rows matching the API, with a totals sidecar', async () => {
    const requested = await context.tenant.request('POST', '/v1/reports', {
      body: { created_gte: start, created_lt: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ object: 'report', status: 'pending', download_url: null });

    const report = await readyReport(context.tenant, requested.body.id);

    expect(report).toMatchObject({ status: 'ready', rows: 4 });
    expect(report.download_url).toContain('X-Amz-Expires=300');
    const rows = await download(report.download_url);
    const api = (await context.tenant.request('GET', '/v1/payouts?limit=100')).body.data;
    expect(rows.map((row) => row.payout_id).sort()).toEqual(api.map((payout: any) => payout.id).sort());
    for (const payout of api) {
      const row = rows.find((candidate) => candidate.payout_id === payout.id)!;
      expect(row).toMatchObject({
        reference: payout.reference,
        status: payout.status,
        currency: payout.currency,
        source: payout.source,
      });
      expect(row.amount).toBe(formatMinorUnits(payout.amount, payout.currency));
    }
    const manual = rows.find((row) => row.source === 'portal')!;
    expect(manual.rationale).toBe('\'=cmd|"calc"!A1, then "quotes", commas,\nand a second line: still ok');
    expect(manual.requested_by).toContain('Member finance+requester');
    expect(manual.documentation).toBe('https://support.example.com/t/1');
    const failed = rows.find((row) => row.status === 'failed')!;
    expect(failed.failure_code).toBe('account_closed');
    expect(failed.transaction_date).not.toBe('');
    const paidApi = rows.find((row) => row.status === 'paid' && row.source === 'api')!;
    expect(paidApi.requested_by).toMatch(/^API key Default key \(ak_/);
    expect(paidApi.destination).toMatch(/IBAN ••••3000$/);
    expect(JSON.stringify(rows)).not.toContain('DE89370400440532013000');
    const summary = await download(report.summary_url);
    expect(summary).toContainEqual({ currency: 'JPY', status: 'paid', count: '1', amount: '99' });
  });

  it('applies filters, and never contains another tenant’s rows', async () => {
    const range = { created_gte: start, created_lt: new Date(Date.now() + 60_000).toISOString() };
    const eurPaid = await context.tenant.request('POST', '/v1/reports', {
      body: { ...range, currency: 'EUR', status: 'paid' },
    });
    const theirs = await other.request('POST', '/v1/reports', { body: range });

    const rows = await download((await readyReport(context.tenant, eurPaid.body.id)).download_url);
    const theirRows = await download((await readyReport(other, theirs.body.id)).download_url);

    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.currency === 'EUR' && row.status === 'paid')).toBe(true);
    expect(theirRows.map((row) => row.amount)).toEqual(['7.77']);
    expect((await other.request('GET', `/v1/reports/${eurPaid.body.id}`)).status).toBe(404);
    const list = await other.request('GET', '/v1/reports');
    expect(list.body.data.map((report: any) => report.id)).toEqual([theirs.body.id]);
  });

  it('refuses a bad range with the field named, creating nothing', async () => {
    const before = (await context.tenant.request('GET', '/v1/reports?limit=100')).body.data.length;
    const backwards = await context.tenant.request('POST', '/v1/reports', {
      body: { created_gte: '2026-02-01T00:00:00Z', created_lt: '2026-01-01T00:00:00Z' },
    });
    const tooLong = await context.tenant.request('POST', '/v1/reports', {
      body: { created_gte: '2024-01-01T00:00:00Z', created_lt: '2026-01-01T00:00:00Z' },
    });

    expect(backwards.status).toBe(400);
    expect(backwards.body.error.param).toBe('created_lt');
    expect(tooLong.status).toBe(400);
    expect((await context.tenant.request('GET', '/v1/reports?limit=100')).body.data.length).toBe(before);
  });

  it('exports the previous day once a day for every tenant (a second run requests nothing new)', async () => {
    const { handler } = await import('../../functions/schedule-daily-reports/handler.js');
    const today = new Date().toISOString().slice(0, 10);

    const first = await handler({ day: today });
    const second = await handler({ day: today });

    expect(first.reports).toBeGreaterThanOrEqual(2);
    expect(second.reports).toBe(first.reports);
    const scheduled = (await context.tenant.request('GET', '/v1/reports?limit=100')).body.data.filter(
      (report: any) => report.trigger === 'scheduled',
    );
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0].filters.created_gte).toBe(`${today}T00:00:00.000Z`);
    const ready = await readyReport(context.tenant, scheduled[0].id);
    expect(ready.rows).toBe(4);
  });

  it('lets finance request and download reports in the portal, and audits the request', async () => {
    const requested = await finance.request('POST', '/reports', {
      body: { created_gte: start, created_lt: new Date(Date.now() + 60_000).toISOString(), source: 'portal' },
    });
    const ready = await eventually(
      async () => (await finance.request('GET', `/reports/${requested.body.id}`)).body,
      (report) => report.status === 'ready',
    );

    expect(requested.status).toBe(202);
    expect(ready.requested_by).toMatchObject({ type: 'member', id: finance.memberId });
    expect((await download(ready.download_url)).map((row) => row.source)).toEqual(['portal']);
    await eventually(
      async () => (await finance.request('GET', `/audit-log?target_id=${requested.body.id}`)).body.data,
      (entries: any[]) => entries.some((entry) => entry.action === 'report.request'),
    );
  });
});
