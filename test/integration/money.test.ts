import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMinorUnits,
  formatMoney,
  MAX_AMOUNT_MINOR,
  NON_PAYABLE_CURRENCIES,
  PAYABLE_CURRENCIES,
  parseAmount,
} from '../../shared/domain/money.js';
import { MAX_LIMIT_PER_SECOND } from '../../shared/domain/rate-limits.js';
import { countItems, eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

/**
 * The amount a person types is the amount that is paid, in every payable currency: a decimal typed in
 * the portal (through parseAmount, the function its amount fields call), the same decimal in a CSV
 * upload, and its minor units sent to the API store the same minor units, and the portal, the report
 * CSV and the approval inbox show the same amount.
 */
const context = withTestPlatform('money');
let requester: PortalClient;
let approver: PortalClient;
let admin: PortalClient;

/** One amount per currency, typed as a person would: drawn by fast-check from a fixed seed. */
const typed = new Map(
  PAYABLE_CURRENCIES.map((currency, index) => {
    const exponent = currencyExponent(currency) ?? 0;
    const [minor = 1] = fc.sample(fc.integer({ min: 1, max: 10 ** (exponent + 6) }), {
      seed: index,
      numRuns: 1,
    });
    // Every fourth currency gets a whole number without decimals ("100"), as people type them.
    const text =
      index % 4 === 0
        ? String(Math.max(1, Math.floor(minor / 10 ** exponent)))
        : formatMinorUnits(minor, currency);
    return [currency, text] as const;
  }),
);
const expected = (currency: string) => {
  const parsed = parseAmount(typed.get(currency) ?? '', currency);
  if (!parsed.ok) throw new Error(`${currency}: ${parsed.message}`);
  return parsed.amount;
};
const refOf = (source: string, currency: string) => `money-${source}-${currency}`;

beforeAll(async () => {
  const { tenantId } = context.tenant;
  requester = await newMember(context.platform, tenantId, ['requester']);
  approver = await newMember(context.platform, tenantId, ['approver']);
  admin = await newMember(context.platform, tenantId, ['admin', 'finance']);
  await context.platform.admin.setLimits(tenantId, { createPerSecond: MAX_LIMIT_PER_SECOND });
  // A limit for support credits in every payable currency, typed as the Settings page reads them.
  const criteria = (await admin.request('GET', '/settings/manual-payouts')).body;
  const saved = await admin.request('PUT', '/settings/manual-payouts', {
    body: {
      reason_codes: criteria.reason_codes,
      min_rationale_length: criteria.min_rationale_length,
      limits: PAYABLE_CURRENCIES.map((currency) => {
        const limit = parseAmount('9999999', currency);
        if (!limit.ok) throw new Error(limit.message);
        return { category: 'support_credit', currency, max_amount: limit.amount };
      }),
      version: criteria.version,
    },
  });
  expect(saved.status).toBe(200);
}, 120_000);

describe('money, in every payable currency', () => {
  it('stores and shows the same amount whether typed in the portal, uploaded in a CSV or sent in minor units', async () => {
    for (const currency of PAYABLE_CURRENCIES) {
      const amount = expected(currency);
      const api = await context.tenant.createPayout(
        payoutBody({
          amount,
          currency,
          reference: refOf('api', currency),
          destination: { type: 'email', email: 'a@example.com' },
        }),
      );
      expect(api.status, currency).toBe(201);
      // The portal's New payout page: parseAmount of the typed text, then the manual payout request.
      const portal = await requester.request('POST', '/payouts', {
        headers: { 'idempotency-key': refOf('portal', currency) },
        body: {
          category: 'support_credit',
          amount,
          currency,
          destination: { type: 'email', email: 'customer@example.com' },
          customer_reference: refOf('portal', currency),
          reason_code: 'service_disruption',
          rationale: 'The outage on 3 November kept this customer offline for four hours.',
          ticket_url: 'https://support.example.com/tickets/4711',
        },
      });
      expect(portal.status, `${currency}: ${JSON.stringify(portal.body)}`).toBe(201);
    }

    // One CSV upload with a row per currency, amounts as typed.
    const csv = [
      'reference,amount,currency,email',
      ...PAYABLE_CURRENCIES.map(
        (currency) => `${refOf('csv', currency)},${typed.get(currency)},${currency},b@example.com`,
      ),
    ].join('\n');
    const check = await requester.request('POST', '/payout-batches/check', { body: { csv } });
    expect(check.status).toBe(200);
    expect(check.body.problems).toEqual([]);
    for (const row of check.body.preview)
      expect(row.amount_text).toBe(formatMoney(expected(row.currency), row.currency));
    const batch = await requester.request('POST', '/payout-batches', {
      body: { csv },
      headers: { 'idempotency-key': 'money-csv' },
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);

    // Every payout, whichever way it came in, holds the same minor units.
    const stored = new Map<string, { amount: number; currency: string; source: string }>();
    let cursor: string | undefined;
    await eventually(
      async () => {
        stored.clear();
        cursor = undefined;
        do {
          const page: { body: { data: any[]; has_more: boolean; next_cursor: string } } =
            await context.tenant.request(
              'GET',
              `/v1/payouts?limit=100${cursor ? `&starting_after=${cursor}` : ''}`,
            );
          for (const payout of page.body.data) stored.set(payout.reference, payout);
          cursor = page.body.has_more ? page.body.next_cursor : undefined;
        } while (cursor);
        return stored.size;
      },
      (size) => size >= 3 * PAYABLE_CURRENCIES.length,
      60_000,
    );
    for (const currency of PAYABLE_CURRENCIES) {
      const amount = expected(currency);
      expect(stored.get(refOf('api', currency))?.amount, `api ${currency}`).toBe(amount);
      expect(stored.get(refOf('csv', currency))?.amount, `csv ${currency}`).toBe(amount);
      const portal = [...stored.values()].filter(
        (payout) => payout.source === 'portal' && payout.currency === currency,
      );
      expect(
        portal.map((payout) => payout.amount),
        `portal ${currency}`,
      ).toEqual([amount]);
    }

    // The approval inbox lists the portal payouts with the amount that will be paid.
    const inbox = new Map<string, number>();
    cursor = undefined;
    do {
      const page: { status: number; body: { data: any[]; has_more: boolean; next_cursor: string } } =
        await approver.request('GET', `/approvals?limit=100${cursor ? `&starting_after=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      for (const payout of page.body.data) inbox.set(payout.currency, payout.amount);
      cursor = page.body.has_more ? page.body.next_cursor : undefined;
    } while (cursor);
    for (const currency of PAYABLE_CURRENCIES)
      expect(inbox.get(currency), `inbox ${currency}`).toBe(expected(currency));

    // The report CSV writes each amount with the currency's exact decimals: it reads back the same.
    const requested = await context.tenant.request('POST', '/v1/reports', {
      body: {
        created_gte: new Date(Date.now() - 3_600_000).toISOString(),
        created_lt: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    expect(requested.status).toBe(202);
    const report = await eventually(
      async () => (await context.tenant.request('GET', `/v1/reports/${requested.body.id}`)).body,
      (body) => body.status === 'ready' || body.status === 'failed',
      60_000,
    );
    expect(report.status).toBe('ready');
    const text = Buffer.from(await (await fetch(report.download_url)).arrayBuffer())
      .subarray(3)
      .toString('utf8');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3 * PAYABLE_CURRENCIES.length);
    for (const row of rows) {
      const currency = row.currency ?? '';
      expect(row.amount, `report ${currency}`).toBe(formatMinorUnits(expected(currency), currency));
      expect(parseAmount(row.amount ?? '', currency)).toEqual({ ok: true, amount: expected(currency) });
    }
    // Totals per currency and status: exact, as decimal strings beside the JSON integer.
    for (const total of report.totals) {
      const count = rows.filter(
        (row) => row.currency === total.currency && row.status === total.status,
      ).length;
      expect(total.count).toBe(count);
      expect(total.amount_decimal).toBe(String(BigInt(expected(total.currency)) * BigInt(count)));
    }
  }, 300_000);

  it('refuses funds codes, metals and IMF units everywhere, naming currency, and stores nothing', async () => {
    const before = await countItems(context.platform);
    for (const currency of NON_PAYABLE_CURRENCIES) {
      const api = await context.tenant.createPayout(payoutBody({ currency }));
      expect(api.status, currency).toBe(400);
      expect(api.body.error.details).toEqual([
        { param: 'currency', message: expect.stringContaining('not a currency payouts can be made in') },
      ]);
    }
    const batch = await context.tenant.request('POST', '/v1/payout-batches', {
      headers: { 'idempotency-key': 'money-xdr-batch' },
      body: { items: [payoutBody({ currency: 'XDR', amount: 100 })] },
    });
    expect(batch.status).toBe(400);
    expect(batch.body.error.details.map((detail: { param: string }) => detail.param)).toEqual([
      'items.0.currency',
    ]);
    const csv = await requester.request('POST', '/payout-batches/check', {
      body: { csv: 'reference,amount,currency,email\nx-1,100,XDR,a@example.com\nx-2,100,XSU,a@example.com' },
    });
    expect(csv.status).toBe(200);
    expect(
      csv.body.problems.map((problem: { line: number; column: string }) => [problem.line, problem.column]),
    ).toEqual([
      [2, 'currency'],
      [3, 'currency'],
    ]);
    const manual = await requester.request('POST', '/payouts', {
      headers: { 'idempotency-key': 'money-xua' },
      body: { category: 'support_credit', amount: 100, currency: 'XUA' },
    });
    expect(manual.status).toBe(400);
    expect(manual.body.error.details.map((detail: { param: string }) => detail.param)).toContain('currency');
    const criteria = (await admin.request('GET', '/settings/manual-payouts')).body;
    const settings = await admin.request('PUT', '/settings/manual-payouts', {
      body: {
        reason_codes: criteria.reason_codes,
        min_rationale_length: criteria.min_rationale_length,
        limits: [{ category: 'support_credit', currency: 'XDR', max_amount: 100 }],
        version: criteria.version,
      },
    });
    expect(settings.status).toBe(400);
    expect(settings.body.error.details.map((detail: { param: string }) => detail.param)).toEqual([
      'limits.0.currency',
    ]);
    const policy = (await admin.request('GET', '/settings/approval-policy')).body;
    const rule = await admin.request('PUT', '/settings/approval-policy', {
      body: {
        rules: [{ name: 'SDR', currency: 'XDR', min_amount: 100, approvals: 1 }],
        expiry_hours: policy.expiry_hours,
        version: policy.version,
      },
    });
    expect(rule.status).toBe(400);
    expect(rule.body.error.details.map((detail: { param: string }) => detail.param)).toEqual([
      'rules.0.currency',
    ]);
    expect(await countItems(context.platform)).toBe(before);
  });

  it('checks a CSV whose total passes 2^53 without a 500, with the exact total', async () => {
    const rows = Array.from({ length: 9_100 }, (_, index) => `big-${index},10000000000.00,EUR,a@example.com`);
    const check = await requester.request('POST', '/payout-batches/check', {
      body: { csv: ['reference,amount,currency,email', ...rows].join('\n') },
    });
    expect(check.status).toBe(200);
    expect(check.body.problems).toEqual([]);
    expect(check.body.totals).toEqual([
      {
        currency: 'EUR',
        count: 9_100,
        amount: null,
        amount_decimal: String(9_100n * BigInt(MAX_AMOUNT_MINOR)),
        amount_text: 'EUR 91,000,000,000,000.00',
      },
    ]);
  });
});
