import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportFileName } from '../../shared/use-cases/reports.js';
import { eventually, payoutBody, type TenantClient, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

const context = withTestPlatform('payout-search');
let support: PortalClient;
const start = new Date(Date.now() - 60_000).toISOString();
const ids: Record<string, string> = {};

function manualPayout(overrides: Record<string, unknown>) {
  return {
    category: 'support_credit',
    amount: 2500,
    currency: 'EUR',
    destination: { type: 'email', email: 'customer@example.com' },
    customer_reference: 'CUST-1001',
    reason_code: 'service_disruption',
    rationale: 'The outage on 3 November kept this customer offline for four hours.',
    ticket_url: 'https://support.example.com/tickets/1001',
    ...overrides,
  };
}

async function createManual(name: string, overrides: Record<string, unknown>) {
  const created = await support.request('POST', '/payouts', {
    body: manualPayout(overrides),
    headers: { 'idempotency-key': `search-${name}-${Date.now()}` },
  });
  expect(created.status).toBe(201);
  ids[name] = created.body.id;
}

/** Every page of a search, following `next_cursor`: the ids in order and how many pages it took. */
async function allPages(client: PortalClient | TenantClient, path: string, query: string) {
  const found: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response: { status: number; body: any } = await client.request(
      'GET',
      `${path}?${query}${cursor ? `&starting_after=${cursor}` : ''}`,
    );
    expect(response.status).toBe(200);
    pages += 1;
    found.push(...response.body.data.map((payout: { id: string }) => payout.id));
    // has_more is exact: a page that says more are coming is followed by a non-empty page.
    if (response.body.has_more) expect(response.body.next_cursor).toBe(response.body.data.at(-1).id);
    cursor = response.body.has_more ? response.body.next_cursor : null;
  } while (cursor);
  return { found, pages };
}

const idsOf = (response: { body: { data: { id: string }[] } }) =>
  response.body.data.map((payout) => payout.id);

beforeAll(async () => {
  support = await newMember(context.platform, context.tenant.tenantId, ['requester'], 'Sam Support');
  const upload = await support.request('POST', '/attachments', {
    body: { filename: 'chat-log.pdf', content_type: 'application/pdf', size: 12 },
  });
  expect(upload.status).toBe(201);
  const put = await fetch(upload.body.upload_url, {
    method: 'PUT',
    headers: upload.body.upload_headers,
    body: '%PDF-1.4 log',
  });
  expect(put.ok).toBe(true);
  // The customer CUST-1001: two portal payouts (one to an IBAN ending 5432, with an attachment) and
  // an API payout that carries the customer in its metadata; CUST-2002 is someone else.
  await createManual('ibanCredit', {
    reference: 'case-1001-a',
    destination: {
      type: 'bank_account',
      account_holder_name: 'Carla Customer',
      iban: 'GB82WEST12345698765432',
    },
    attachment: { key: upload.body.key, filename: 'chat-log.pdf' },
  });
  await createManual('emailCredit', { reference: 'case-1001-b', amount: 9900 });
  await createManual('otherCustomer', { reference: 'case-2002-a', customer_reference: 'CUST-2002' });
  const api = await context.tenant.createPayout(
    payoutBody({ reference: 'api-1001', amount: 4000, metadata: { customer_reference: 'CUST-1001' } }),
  );
  expect(api.status).toBe(201);
  ids.api = api.body.id;
  // The same minor amount in another currency: 2500 yen is not EUR 25.00.
  const yen = await context.tenant.createPayout(
    payoutBody({ reference: 'yen-2500', amount: 2500, currency: 'JPY' }),
  );
  ids.yen = yen.body.id;
  // Newer payouts that match none of the searches: a search must read past them, page after page.
  for (let index = 0; index < 30; index++)
    expect((await context.tenant.createPayout(payoutBody({ reference: `filler-${index}` }))).status).toBe(
      201,
    );
}, 120_000);

describe('searching payouts (portal API)', () => {
  it('finds a customer’s payouts by customer reference, portal and API ones, with the documentation', async () => {
    const found = await support.request('GET', '/payouts?customer_reference=CUST-1001');

    expect(found.status).toBe(200);
    expect(idsOf(found).sort()).toEqual([ids.ibanCredit, ids.emailCredit, ids.api].sort());
    expect(found.body.has_more).toBe(false);
    const credit = found.body.data.find((payout: { id: string }) => payout.id === ids.ibanCredit);
    expect(credit.manual).toMatchObject({
      customer_reference: 'CUST-1001',
      attachment: { filename: 'chat-log.pdf' },
    });
  });

  it('keeps pagination exact under a search: one match per page, no gaps, no repeats, has_more false at the end', async () => {
    const { found, pages } = await allPages(support, '/payouts', 'customer_reference=CUST-1001&limit=1');

    expect(found).toHaveLength(3);
    expect(new Set(found).size).toBe(3);
    expect(found.sort()).toEqual([ids.ibanCredit, ids.emailCredit, ids.api].sort());
    // Three matches, one per page, and no empty page after the last (has_more was exact).
    expect(pages).toBe(3);
  });

  it('finds by reference prefix, by amount in its currency and by the IBAN’s last 4', async () => {
    const prefix = await support.request('GET', '/payouts?reference_prefix=case-1001-');
    const euros = await support.request('GET', '/payouts?amount=2500&currency=EUR');
    const yen = await support.request('GET', '/payouts?amount=2500&currency=JPY');
    const iban = await support.request('GET', '/payouts?iban_last4=5432');
    const combined = await support.request(
      'GET',
      '/payouts?customer_reference=CUST-1001&amount=9900&currency=EUR&reference_prefix=case-',
    );

    expect(idsOf(prefix).sort()).toEqual([ids.ibanCredit, ids.emailCredit].sort());
    expect(idsOf(euros).sort()).toEqual([ids.ibanCredit, ids.otherCustomer].sort());
    expect(idsOf(yen)).toEqual([ids.yen]);
    expect(idsOf(iban)).toEqual([ids.ibanCredit]);
    expect(iban.body.data[0].destination.iban_last4).toBe('5432');
    expect(idsOf(combined)).toEqual([ids.emailCredit]);
  });

  it('applies the searches to an exact reference too', async () => {
    const match = await support.request('GET', '/payouts?reference=case-1001-b&customer_reference=CUST-1001');
    const miss = await support.request('GET', '/payouts?reference=case-1001-b&customer_reference=CUST-2002');

    expect(idsOf(match)).toEqual([ids.emailCredit]);
    expect(idsOf(miss)).toEqual([]);
  });

  it('refuses bad searches with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['amount=2500', 'currency'],
      ['amount=25.00&currency=EUR', 'amount'],
      ['amount=ten&currency=EUR', 'amount'],
      ['amount=0&currency=EUR', 'amount'],
      ['currency=eur', 'currency'],
      ['currency=XAU', 'currency'],
      ['iban_last4=12', 'iban_last4'],
      ['customer_reference=', 'customer_reference'],
      ['reference_prefix=has space', 'reference_prefix'],
    ];
    for (const [query, param] of cases) {
      const response = await support.request('GET', `/payouts?${query.replace(' ', '%20')}`);
      expect({ query, status: response.status, param: response.body?.error?.param }).toEqual({
        query,
        status: 400,
        param,
      });
    }
  });
});

describe('searching payouts (public API extension)', () => {
  it('offers the same searches on GET /v1/payouts, the contract’s fields unchanged', async () => {
    const found = await context.tenant.request('GET', '/v1/payouts?customer_reference=CUST-1001&limit=100');
    const { found: paged } = await allPages(
      context.tenant,
      '/v1/payouts',
      'amount=2500&currency=EUR&limit=1',
    );
    const bad = await context.tenant.request('GET', '/v1/payouts?amount=2500');

    expect(found.status).toBe(200);
    expect(idsOf(found).sort()).toEqual([ids.ibanCredit, ids.emailCredit, ids.api].sort());
    expect(found.body.data[0]).not.toHaveProperty('manual');
    expect(Object.keys(found.body)).toEqual(['object', 'data', 'has_more', 'next_cursor']);
    expect(paged.sort()).toEqual([ids.ibanCredit, ids.otherCustomer].sort());
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'currency' });
  });
});

describe('the payout report', () => {
  it('has customer_reference and attachment columns and an inclusive file name for both downloads', async () => {
    const requested = await context.tenant.request('POST', '/v1/reports', {
      body: { created_gte: start, created_lt: new Date(Date.now() + 60_000).toISOString() },
    });
    const report = await eventually(
      async () => (await context.tenant.request('GET', `/v1/reports/${requested.body.id}`)).body,
      (current) => current.status === 'ready',
    );
    const text = (await (await fetch(report.download_url)).text()).replace(/^\uFEFF/, '');

    const header = text.slice(0, text.indexOf('\r\n')).split(',');
    expect(header.slice(-5, -2)).toEqual(['destination', 'customer_reference', 'attachment']);
    expect(header.slice(-2)).toEqual(['reconciliation_status', 'reconciled_at']);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.find((row) => row.payout_id === ids.ibanCredit)).toMatchObject({
      customer_reference: 'CUST-1001',
      attachment: 'chat-log.pdf',
    });
    expect(rows.find((row) => row.payout_id === ids.api)?.customer_reference).toBe('CUST-1001');
    expect(rows.find((row) => row.payout_id === ids.yen)).toMatchObject({
      customer_reference: '',
      attachment: '',
    });
    const today = new Date().toISOString().slice(0, 10);
    const names = [report.download_url, report.summary_url].map((url: string) =>
      decodeURIComponent(new URL(url).searchParams.get('response-content-disposition') ?? ''),
    );
    expect(names[0]).toContain(`payouts-${start.slice(0, 10)}-to-${today}-${report.id}.csv`);
    expect(names[1]).toContain(`payouts-${start.slice(0, 10)}-to-${today}-${report.id}-totals.csv`);
  });

  it('names the last day included, never the day after a midnight end', () => {
    const report = {
      id: 'rep_01JD7X2Q4M6N8P0R2S4T6V8W0Y',
      filters: { createdGte: '2026-11-02T00:00:00.000Z', createdLt: '2026-12-03T00:00:00.000Z' },
    };
    const partial = { ...report, filters: { ...report.filters, createdLt: '2026-12-03T10:30:00.000Z' } };

    expect(reportFileName(report, 'payouts')).toBe(
      'payouts-2026-11-02-to-2026-12-02-rep_01JD7X2Q4M6N8P0R2S4T6V8W0Y.csv',
    );
    expect(reportFileName(report, 'totals')).toBe(
      'payouts-2026-11-02-to-2026-12-02-rep_01JD7X2Q4M6N8P0R2S4T6V8W0Y-totals.csv',
    );
    expect(reportFileName(partial, 'payouts')).toContain('-to-2026-12-03-');
  });
});
