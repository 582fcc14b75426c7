import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { decimalsRule, exampleAmount } from '../../shared/domain/money.js';
import { launchChromium } from '../helpers/browser.js';
import { eventually, withTestPlatform } from '../helpers/platform.js';
import { signIn as apiSignIn, type PortalClient, portalClient, seedTestMember } from '../helpers/portal.js';
import {
  codeNamesShown,
  DESKTOP,
  type Journey,
  journey,
  PHONE,
  signInInBrowser,
} from '../helpers/portal-browser.js';

/**
 * Forms that report every problem at once, in words: New manual payout checks every field with the
 * server's own rules before sending (an empty form, a bad IBAN beside a short rationale and an amount
 * over the limit); the amount's hint follows the currency; a rejected request is resubmitted from a
 * prefilled form; a batch file reports a repeated reference beside its other problems by line, and a
 * semicolon-separated file is read.
 */

const context = withTestPlatform('portal-forms-e2e');
let browser: Browser;
let approver: PortalClient;
let requester: PortalClient;

const REQUESTER = 'rita@forms.test';

async function clientFor(email: string) {
  return portalClient(
    context.platform.url,
    (await apiSignIn(context.platform, email)).body.AuthenticationResult.IdToken,
  );
}

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  const tenantId = context.tenant.tenantId;
  const people = [
    { email: REQUESTER, name: 'Rita Requester', roles: ['requester' as const] },
    { email: 'arne@forms.test', name: 'Arne Approver', roles: ['approver' as const] },
    { email: 'ada@forms.test', name: 'Ada Admin', roles: ['admin' as const] },
  ];
  for (const person of people) await seedTestMember(context.platform, { ...person, tenantId });
  requester = await clientFor(REQUESTER);
  approver = await clientFor('arne@forms.test');
  // Support credits may also be paid in yen (the hint test switches to it).
  const admin = await clientFor('ada@forms.test');
  const criteria = (await admin.request('GET', '/settings/manual-payouts')).body;
  const saved = await admin.request('PUT', '/settings/manual-payouts', {
    body: {
      reason_codes: criteria.reason_codes,
      min_rationale_length: criteria.min_rationale_length,
      limits: [...criteria.limits, { category: 'support_credit', currency: 'JPY', max_amount: 50_000 }],
      version: criteria.version,
    },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  browser = await launchChromium();
}, 120_000);

afterAll(() => browser?.close());

/** The labels of the fields marked invalid, in the form's order, and the problem shown beside each. */
function invalidFields(page: Page) {
  return page
    .locator('.field.invalid')
    .evaluateAll((fields) =>
      fields.map((field) => [
        field.querySelector('label')?.textContent ?? '',
        field.querySelector('.error-text')?.textContent ?? '',
      ]),
    );
}

/** Requests the page sent to create a payout (none may leave while the form has problems). */
function payoutPosts(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/portal-api/v1/payouts'))
      sent.push(request.url());
  });
  return sent;
}

async function openNewPayout(page: Page, query = '') {
  await page.goto(`${context.platform.url}/payouts/new${query}`);
  await page.getByRole('heading', { name: 'New manual payout' }).waitFor();
}

/** An empty submit, then a bad IBAN with a short rationale and an amount over the limit: each one round. */
async function errorRounds(page: Page, eyes: Journey, viewport: string) {
  const sent = payoutPosts(page);
  await openNewPayout(page);
  await page.getByRole('button', { name: 'Create payout' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const empty = await invalidFields(page);
  expect(empty.map(([name]) => name)).toEqual([
    'Customer reference',
    'Amount',
    'Recipient email',
    'Reason',
    'Rationale',
    'Ticket link',
  ]);
  expect(empty.every(([, problem]) => problem !== '')).toBe(true);
  expect(await alert.locator('strong').textContent()).toBe(
    '6 fields need correcting: Customer reference, Amount, Recipient email, Reason, Rationale, Ticket link.',
  );
  // Every problem is beside its field: the summary does not repeat one.
  expect(await alert.locator('li').count()).toBe(0);
  // The first invalid field has the focus, ready to be corrected.
  expect(await page.locator(':focus').getAttribute('name')).toBe('customer_reference');
  expect(await codeNamesShown(page)).toEqual([]);
  await eyes.snap(page, `new-payout-empty-${viewport}`);

  await page.getByLabel('Customer reference').fill('CUST-2001');
  await page.getByLabel('Amount', { exact: true }).fill('600.50');
  await page.getByLabel('Bank account (IBAN)').check();
  await page.getByLabel('Account holder name').fill('Grace Hopper');
  await page.getByLabel('IBAN', { exact: true }).fill('DE00 1234 5678');
  await page.getByLabel('Reason').selectOption('billing_mistake');
  await page.getByLabel('Rationale').fill('Charged twice.');
  await page.getByLabel('Ticket link').fill('https://support.example.com/tickets/2001');
  await page.getByRole('button', { name: 'Create payout' }).click();
  await expect
    .poll(() => alert.locator('strong').textContent())
    .toBe('3 fields need correcting: Amount, IBAN, Rationale.');
  expect(await invalidFields(page)).toEqual([
    ['Amount', 'Amount must be at most EUR 500.00 for a support credit'],
    ['IBAN', 'IBAN must be a valid IBAN (country, length and checksum)'],
    ['Rationale', 'Rationale must be at least 20 characters (14 so far): explain why this payout is due'],
  ]);
  expect(await codeNamesShown(page)).toEqual([]);
  await eyes.snap(page, `new-payout-three-problems-${viewport}`);
  expect(sent).toEqual([]);

  // The amount's hint follows the currency, from the money module.
  const hint = page.locator('.field', { has: page.getByLabel('Amount', { exact: true }) }).locator('.hint');
  expect(await hint.textContent()).toContain(`${decimalsRule('EUR')}, such as ${exampleAmount('EUR')}.`);
  await page.getByLabel('Currency').selectOption('JPY');
  expect(await hint.textContent()).toContain(`${decimalsRule('JPY')}, such as ${exampleAmount('JPY')}.`);
  expect(await hint.textContent()).toContain('At most JPY 50,000 for a support credit.');
  // Checked as it is typed: 600.50 has decimals yen does not have, said beside the amount.
  await expect
    .poll(() => page.locator('.field.invalid', { hasText: 'Amount' }).locator('.error-text').textContent())
    .toBe(`Amount: ${decimalsRule('JPY')} (such as ${exampleAmount('JPY')})`);
  await page.getByLabel('Currency').selectOption('EUR');
}

describe('forms that report every problem at once, in words', () => {
  it('on a laptop: every problem of New manual payout at once, a rejected request resubmitted prefilled, batch files by line', async () => {
    const eyes = journey();
    const page = await eyes.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, REQUESTER);
    await errorRounds(page, eyes, 'desktop');

    // Corrected field by field, the form clears as it is typed and the payout is created.
    await page.getByLabel('Amount', { exact: true }).fill('400.00');
    await page.getByLabel('IBAN', { exact: true }).fill('DE89 3704 0044 0532 0130 00');
    await page.getByLabel('Rationale').fill('Charged twice for the November invoice; refunding the second.');
    await expect.poll(() => page.locator('.field.invalid').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Create payout' }).click();
    await page.getByText('The payout was created.').waitFor();
    const id = page.url().split('/').pop() ?? '';
    const created = (await requester.request('GET', `/payouts/${id}`)).body;
    expect(created).toMatchObject({ amount: 40_000, currency: 'EUR', purpose: 'support_credit' });
    expect(created.manual.customer_reference).toBe('CUST-2001');

    // An approver rejects it with a reason; the requester starts again from it.
    await eventually(
      async () => (await requester.request('GET', `/payouts/${id}`)).body.status,
      (status) => status === 'pending_approval',
      20_000,
    );
    const comment = 'The customer was refunded by card already, see the ticket';
    const rejected = await approver.request('POST', `/payouts/${id}/reject`, { body: { comment } });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    await openNewPayout(page, `?from=${id}`);
    const notice = page.locator('.notice', { hasText: 'Prefilled from payout' });
    await notice.waitFor();
    expect(await notice.locator('strong').textContent()).toBe(
      `Prefilled from payout ${id} which was rejected: ${comment}`,
    );
    expect(await notice.textContent()).toContain('Attachments are never copied');
    expect(await notice.textContent()).toContain('Enter the IBAN again');
    expect(await page.getByRole('radio', { name: 'Support credit' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Customer reference').inputValue()).toBe('CUST-2001');
    expect(await page.getByLabel('Amount', { exact: true }).inputValue()).toBe('400.00');
    expect(await page.getByLabel('Currency').inputValue()).toBe('EUR');
    expect(await page.getByRole('radio', { name: 'Bank account (IBAN)' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Account holder name').inputValue()).toBe('Grace Hopper');
    expect(await page.getByLabel('IBAN', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Reason').inputValue()).toBe('billing_mistake');
    expect(await page.getByLabel('Rationale').inputValue()).toBe(created.manual.rationale);
    expect(await page.getByLabel('Ticket link').inputValue()).toBe(
      'https://support.example.com/tickets/2001',
    );
    expect(await codeNamesShown(page)).toEqual([]);
    await eyes.snap(page, 'new-payout-resubmit');
    await page.getByLabel('IBAN', { exact: true }).fill('DE89370400440532013000');
    await page.getByLabel('Amount', { exact: true }).fill('350.00');
    await page.getByRole('button', { name: 'Create payout' }).click();
    await page.getByText('The payout was created.').waitFor();
    const again = page.url().split('/').pop() ?? '';
    expect(again).not.toBe(id);
    const resubmitted = (await requester.request('GET', `/payouts/${again}`)).body;
    expect(resubmitted).toMatchObject({ amount: 35_000, currency: 'EUR', status: 'pending_approval' });
    expect(resubmitted.manual).toMatchObject({
      customer_reference: 'CUST-2001',
      reason_code: 'billing_mistake',
      ticket_url: 'https://support.example.com/tickets/2001',
    });

    await batchFiles(page, eyes, 'desktop');
    // A semicolon-separated file, as a spreadsheet in many locales saves it, is read and created.
    const stamp = Date.now();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'credits-semicolon.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'reference;amount;currency;description;email',
          `semi-${stamp}-1;10.50;EUR;"Refund; late delivery";a@example.com`,
          `semi-${stamp}-2;5.00;EUR;Goodwill;b@example.com`,
        ].join('\r\n'),
      ),
    });
    await page.getByText('2 payouts', { exact: true }).waitFor();
    expect(await page.getByText(/totalling EUR 15\.50\./).count()).toBe(1);
    expect(await page.getByRole('status').filter({ hasText: 'semicolon-separated' }).textContent()).toContain(
      'The file was read as semicolon-separated',
    );
    await eyes.snap(page, 'batch-upload-semicolon');
    await page.getByRole('button', { name: 'Create batch of 2 payouts' }).click();
    await page.getByRole('heading', { name: /^Batch pb_/ }).waitFor();
    const listed = await eventually(
      async () => (await requester.request('GET', `/payouts?reference=semi-${stamp}-1`)).body.data,
      (data: { amount: number; description: string }[]) => data.length === 1,
      20_000,
    );
    expect(
      listed.map((payout: { amount: number; description: string }) => [payout.amount, payout.description]),
    ).toEqual([[1050, 'Refund; late delivery']]);

    expect(eyes.violations).toEqual([]);
    expect(eyes.problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('on a phone: the same single round of problems, in words', async () => {
    const eyes = journey();
    const page = await eyes.open(browser, PHONE);
    await signInInBrowser(page, context.platform.url, REQUESTER);
    await errorRounds(page, eyes, 'phone');
    await batchFiles(page, eyes, 'phone');
    expect(eyes.violations).toEqual([]);
    expect(eyes.problems).toEqual([]);
    await page.close();
  }, 90_000);
});

/** A repeated reference and a bad amount in one file: both lines reported in one round. */
async function batchFiles(page: Page, eyes: Journey, viewport: string) {
  await page.goto(`${context.platform.url}/batches`);
  await page.getByRole('heading', { name: 'Batches', exact: true }).waitFor();
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({
    name: 'credits.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      [
        'reference,amount,currency,email',
        'dup-1,10.00,EUR,a@example.com',
        'bad-amount,1.2.3,EUR,b@example.com',
        'dup-1,5.00,EUR,c@example.com',
      ].join('\n'),
    ),
  });
  const rows = page.locator('table', { hasText: 'Problems in credits.csv' }).locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(2);
  const cells = await rows.evaluateAll((found) =>
    found.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
  );
  expect(cells).toEqual([
    ['3', 'Amount', "must be a number such as 25.00, got '1.2.3'"],
    ['4', 'Reference', 'repeats the reference of line 2; references must be unique within a batch'],
  ]);
  expect(await page.getByRole('alert').textContent()).toContain('The file has 2 problems on lines 3 and 4.');
  expect(await codeNamesShown(page)).toEqual([]);
  await eyes.snap(page, `batch-upload-problems-${viewport}`);
}
