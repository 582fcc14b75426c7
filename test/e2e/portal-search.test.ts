import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { launchChromium } from '../helpers/browser.js';
import { withTestPlatform } from '../helpers/platform.js';
import { signIn as apiSignIn, type PortalClient, portalClient, seedTestMember } from '../helpers/portal.js';
import {
  codeNamesShown,
  DESKTOP,
  journey,
  PHONE,
  sidewaysOverflow,
  signInInBrowser,
} from '../helpers/portal-browser.js';

/**
 * A support agent finds a customer's payouts (customer reference, reference prefix, amount, IBAN's
 * last 4), on a laptop and a phone, and sees the list refresh; finance downloads a report's two files.
 */
const context = withTestPlatform('portal-search');
const trip = journey();
let browser: Browser;
/** The support agent's portal API client: seeds the payouts and reads back what the page shows. */
let support: PortalClient;
const SUPPORT = 'sam@search.test';
const FINANCE = 'fiona@search.test';

async function createManual(reference: string, overrides: Record<string, unknown> = {}) {
  const created = await support.request('POST', '/payouts', {
    body: {
      category: 'support_credit',
      amount: 2500,
      currency: 'EUR',
      destination: { type: 'email', email: 'customer@example.com' },
      customer_reference: 'CUST-1001',
      reason_code: 'service_disruption',
      rationale: 'The outage on 3 November kept this customer offline for four hours.',
      ticket_url: 'https://support.example.com/tickets/1001',
      reference,
      ...overrides,
    },
    headers: { 'idempotency-key': `search-e2e-${reference}` },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  const tenantId = context.tenant.tenantId;
  await seedTestMember(context.platform, {
    tenantId,
    email: SUPPORT,
    name: 'Sam Support',
    roles: ['requester'],
  });
  await seedTestMember(context.platform, {
    tenantId,
    email: FINANCE,
    name: 'Fiona Finance',
    roles: ['finance'],
  });
  support = portalClient(
    context.platform.url,
    (await apiSignIn(context.platform, SUPPORT)).body.AuthenticationResult.IdToken,
  );
  await createManual('case-1001-a', {
    destination: {
      type: 'bank_account',
      account_holder_name: 'Carla Customer',
      iban: 'GB82WEST12345698765432',
    },
  });
  await createManual('case-1001-b', { amount: 9900 });
  await createManual('case-2002-a', { customer_reference: 'CUST-2002' });
  // 2500 in yen: the same minor units, another amount.
  const yen = await context.tenant.createPayout({
    amount: 2500,
    currency: 'JPY',
    reference: 'yen-2500',
    destination: { type: 'email', email: 'someone@example.com' },
  });
  expect(yen.status).toBe(201);
  browser = await launchChromium();
}, 120_000);

afterAll(() => browser?.close());

/** The references in the list as it is shown (table rows on a laptop, cards on a phone). */
const shownReferences = (page: Page) =>
  page.locator('table tbody tr td:nth-child(2) a, .payout-cards .card-title a').allTextContents();

/** Runs a search from cleared fields and waits until the list shows the references expected. */
async function search(page: Page, fill: (page: Page) => Promise<void>, expected: string[]) {
  await page.getByRole('button', { name: 'Clear' }).click();
  await fill(page);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect.poll(async () => (await shownReferences(page)).sort(), { timeout: 15_000 }).toEqual(expected);
  await page.getByText('Refreshing payouts…').waitFor({ state: 'detached' });
}

describe('finding payouts in the portal', () => {
  it('a support agent finds a customer’s payouts by customer reference, reference start, amount and IBAN’s last 4, and sees the list refresh', async () => {
    const page = await trip.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, SUPPORT);

    await search(page, (current) => current.getByLabel('Customer reference').fill('CUST-1001'), [
      'case-1001-a',
      'case-1001-b',
    ]);
    const api = await support.request('GET', '/payouts?customer_reference=CUST-1001');
    expect(api.body.data.map((payout: { reference: string }) => payout.reference)).toEqual(
      await shownReferences(page),
    );
    expect(await page.locator('table tbody tr').first().textContent()).toContain('CUST-1001');
    expect(page.url()).toContain('customer=CUST-1001');
    await trip.snap(page, 'payouts-search');

    await search(page, (current) => current.getByLabel('Reference starts with').fill('case-1001-'), [
      'case-1001-a',
      'case-1001-b',
    ]);

    await search(
      page,
      async (current) => {
        await current.getByLabel('Amount', { exact: true }).fill('25.00');
        await current.getByLabel('Currency').selectOption('EUR');
      },
      ['case-1001-a', 'case-2002-a'],
    );

    await search(page, (current) => current.getByLabel('IBAN last 4').fill('5432'), ['case-1001-a']);
    expect(await page.locator('table tbody tr').first().textContent()).toContain('IBAN ••••5432');

    // Bad input: every problem beside its field, in words, and the list left as it was.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Amount', { exact: true }).fill('25,00');
    await page.getByLabel('IBAN last 4').fill('54');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('alert').filter({ hasText: 'The search was not run' }).waitFor();
    const errors = await page.locator('.error-text').allTextContents();
    expect(errors).toEqual([
      'Choose the currency of the amount',
      'Enter the last 4 characters of the IBAN, such as 3000',
    ]);
    expect(await codeNamesShown(page)).toEqual([]);
    await trip.snap(page, 'payouts-search-problems');

    // A payout created meanwhile: coming back to the list shows the refreshing sign, then the new row.
    await search(page, (current) => current.getByLabel('Customer reference').fill('CUST-1001'), [
      'case-1001-a',
      'case-1001-b',
    ]);
    await page.getByRole('link', { name: 'case-1001-b' }).click();
    await page
      .getByRole('heading', { level: 1 })
      .filter({ hasText: /99\.00/ })
      .waitFor();
    await createManual('case-1001-c', { amount: 1500 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => url.pathname === '/portal-api/v1/payouts',
      async (route) => {
        await held;
        await route.continue();
      },
    );
    await page.goBack();
    const sign = page.getByRole('status').filter({ hasText: 'Refreshing payouts…' });
    await sign.waitFor();
    expect((await shownReferences(page)).sort()).toEqual(['case-1001-a', 'case-1001-b']);
    release();
    await sign.waitFor({ state: 'detached' });
    expect(await shownReferences(page)).toEqual(['case-1001-c', 'case-1001-b', 'case-1001-a']);
    await page.unroute((url) => url.pathname === '/portal-api/v1/payouts');

    // On a phone: cards, nothing wider than the screen.
    const phone = await trip.open(browser, PHONE);
    await signInInBrowser(phone, context.platform.url, SUPPORT);
    await phone.goto(`${context.platform.url}/payouts?customer=CUST-1001`);
    // The phone's first load signs in and queries the listing: on a loaded machine, beyond poll's 1 s.
    await expect.poll(() => phone.locator('.payout-cards li').count(), { timeout: 15_000 }).toBe(3);
    expect(await phone.locator('table').count()).toBe(0);
    expect(await phone.locator('.payout-cards li').first().textContent()).toContain('CUST-1001');
    expect(await sidewaysOverflow(phone)).toBe(0);
    await trip.snap(phone, 'payouts-phone');

    expect(trip.problems).toEqual([]);
    await page.close();
    await phone.close();
  }, 120_000);

  it('finance gets both files of a report, named by the last day included, and one message for a bad currency', async () => {
    const page = await trip.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, FINANCE);
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    expect(await page.getByText('Days are UTC days (00:00–24:00 UTC)').count()).toBe(1);

    // A currency that is not one: one message, beside the field, in words; nothing requested.
    await page.getByLabel('Currency').fill('xyz');
    expect(await page.getByLabel('Currency').inputValue()).toBe('XYZ');
    await page.getByRole('button', { name: 'Request export' }).click();
    await page.getByRole('alert').filter({ hasText: 'The report was not requested' }).waitFor();
    expect(await page.locator('.error-text').allTextContents()).toEqual([
      'XYZ is not a currency payouts are made in: use a code such as EUR',
    ]);
    expect(await codeNamesShown(page)).toEqual([]);
    await trip.snap(page, 'reports-currency-problem');

    // Lower case is read as upper case: "eur" asks for EUR.
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From (UTC day)').fill(from);
    await page.getByLabel('To (UTC day, included)').fill(today);
    await page.getByLabel('Currency').fill('eur');
    const requested = page.waitForResponse(
      (response) =>
        response.url().endsWith('/portal-api/v1/reports') && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Request export' }).click();
    const report = await (await requested).json();
    expect(report.filters).toMatchObject({
      currency: 'EUR',
      created_gte: `${from}T00:00:00.000Z`,
      created_lt: new Date(Date.parse(`${today}T00:00:00.000Z`) + 86_400_000).toISOString(),
    });
    expect(await page.locator('.error-text').count()).toBe(0);

    const payoutsButton = page.getByRole('button', { name: /^Download payouts CSV of the report/ }).first();
    await payoutsButton.waitFor({ timeout: 30_000 });
    await trip.snap(page, 'reports-downloads');
    const [payoutsFile] = await Promise.all([page.waitForEvent('download'), payoutsButton.click()]);
    expect(payoutsFile.suggestedFilename()).toBe(`payouts-${from}-to-${today}-${report.id}.csv`);
    const rows = parse(readFileSync((await payoutsFile.path()) as string, 'utf8').replace(/^\uFEFF/, ''), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.map((row) => row.reference).sort()).toEqual([
      'case-1001-a',
      'case-1001-b',
      'case-1001-c',
      'case-2002-a',
    ]);
    expect(rows.find((row) => row.reference === 'case-2002-a')?.customer_reference).toBe('CUST-2002');
    expect(Object.keys(rows[0] ?? {})).toContain('attachment');

    const totalsButton = page.getByRole('button', { name: /^Download totals CSV of the report/ }).first();
    const [totalsFile] = await Promise.all([page.waitForEvent('download'), totalsButton.click()]);
    expect(totalsFile.suggestedFilename()).toBe(`payouts-${from}-to-${today}-${report.id}-totals.csv`);
    const totals = parse(readFileSync((await totalsFile.path()) as string, 'utf8').replace(/^\uFEFF/, ''), {
      columns: true,
    }) as Record<string, string>[];
    expect(totals).toEqual([{ currency: 'EUR', status: 'pending_approval', count: '4', amount: '164.00' }]);

    // The same page on a phone passes the accessibility check too.
    const phone = await trip.open(browser, PHONE);
    await signInInBrowser(phone, context.platform.url, FINANCE);
    await phone.goto(`${context.platform.url}/reports`);
    await phone
      .getByRole('button', { name: /^Download totals CSV of the report/ })
      .first()
      .waitFor();
    await trip.snap(phone, 'reports-phone');

    expect(trip.violations).toEqual([]);
    expect(trip.problems).toEqual([]);
    await page.close();
    await phone.close();
  }, 120_000);
});
