import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { formatMinorUnits } from '../../shared/domain/money.js';
import { accessibilityViolations, launchChromium } from '../helpers/browser.js';
import { withTestPlatform } from '../helpers/platform.js';
import {
  signIn as apiSignIn,
  type PortalClient,
  portalClient,
  rememberAuthenticator,
  seedTestMember,
  TEST_PASSWORD,
  totpCode,
} from '../helpers/portal.js';

// `npm run screenshots` sets this to docs/screenshots; plain test runs take none.
const screenshots = process.env.PAYOUTS_SCREENSHOTS_DIR;
/** Every page the test visits is checked for accessibility; the screenshot is taken when asked for. */
const violations: string[] = [];
async function snap(page: Page, name: string) {
  for (const violation of await accessibilityViolations(page)) violations.push(`${name}: ${violation}`);
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

const context = withTestPlatform('portal-e2e');
let browser: Browser;
/** The admin's portal API client, to read back what the pages saved. */
let admin: PortalClient;

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  const tenantId = context.tenant.tenantId;
  const people = [
    { email: 'rita@e2e.test', name: 'Rita Requester', roles: ['requester'] as const },
    { email: 'ada@e2e.test', name: 'Ada Admin', roles: ['admin'] as const },
    { email: 'vic@e2e.test', name: 'Vic Viewer', roles: ['viewer'] as const },
    { email: 'arne@e2e.test', name: 'Arne Approver', roles: ['approver'] as const },
    { email: 'fiona@e2e.test', name: 'Fiona Finance', roles: ['finance'] as const },
  ];
  // The admin and the approver have authenticators (their roles need two-step sign-in).
  for (const person of people)
    await seedTestMember(context.platform, { ...person, roles: [...person.roles], tenantId });
  browser = await launchChromium();
  admin = portalClient(
    context.platform.url,
    (await apiSignIn(context.platform, 'ada@e2e.test')).body.AuthenticationResult.IdToken,
  );
}, 120_000);

afterAll(() => browser?.close());

async function signIn(page: Page, email: string) {
  await page.goto(context.platform.url);
  await expect
    .poll(() => page.getByRole('heading', { name: 'Sign in to the Business Portal' }).count())
    .toBe(1);
  await snap(page, 'sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const code = page.getByLabel('Code from your authenticator app');
  const payouts = page.getByRole('heading', { name: 'Payouts', exact: true });
  await code.or(payouts).first().waitFor();
  if (await code.isVisible()) {
    await snap(page, 'sign-in-code');
    await code.fill(await totpCode(email));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
  }
  await payouts.waitFor();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to the Business Portal' }).waitFor();
}

describe('the Business Portal in Chromium', () => {
  it('a requester creates a documented support credit, an approver approves it and it is paid; an admin manages the team; the audit log shows it all', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });

    // The requester: a support credit with rationale and attachment.
    await signIn(page, 'rita@e2e.test');
    await page.getByRole('link', { name: 'New manual payout' }).first().click();
    await page.getByRole('heading', { name: 'New manual payout' }).waitFor();
    await page.getByLabel('Customer reference').fill('cust-4711');
    await page.getByLabel('Amount', { exact: true }).fill('25.00');
    await page.getByLabel('Recipient email').fill('customer@example.com');
    await page.getByLabel('Reason').selectOption('service_disruption');
    await page
      .getByLabel('Rationale')
      .fill('The outage on 3 November kept this customer offline for four hours.');
    await page.getByLabel('Ticket link').fill('https://support.example.com/tickets/4711');
    await page.getByLabel('Attachment (optional)').setInputFiles({
      name: 'outage-report.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 outage report'),
    });
    await snap(page, 'new-payout');
    await page.getByRole('button', { name: 'Create payout' }).click();

    await page.getByText('The payout was created.').waitFor();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      // A manual payout is named by category, customer and amount (its reference stays in the details).
      .toBe('Support credit · cust-4711 · EUR 25.00');
    await page.getByRole('button', { name: /Download outage-report\.pdf/ }).waitFor();
    const requestedBy = page.locator('dt:has-text("Requested by") + dd');
    expect(await requestedBy.textContent()).toBe('Rita Requester (rita@e2e.test)');
    // The default policy: every portal payout needs one approval, from someone else.
    await page.getByText('Pending approval', { exact: true }).first().waitFor();
    const payoutUrl = page.url();

    await page.getByRole('link', { name: 'Payouts', exact: true }).click();
    await page.getByLabel('Source').selectOption('portal');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('25.00');
    await snap(page, 'payouts');
    // A requester sees no admin pages and no approvals inbox.
    expect(await page.getByRole('link', { name: 'Team' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Approvals' }).count()).toBe(0);
    await signOut(page);

    // The approver: the inbox, the documentation, the decision.
    await signIn(page, 'arne@e2e.test');
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    const waiting = page.locator('tbody tr', { hasText: 'Rita Requester' });
    await expect.poll(() => waiting.count()).toBe(1);
    expect(await waiting.textContent()).toContain('0 of 1');
    await snap(page, 'approvals');
    await waiting.getByRole('link').first().click();
    expect(page.url()).toBe(payoutUrl);
    await page.getByLabel('Comment (optional)').fill('Outage confirmed in the status page history.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Paid', { exact: true }).first().waitFor({ timeout: 20_000 });
    const timeline = (await page.locator('ol.timeline').textContent()) ?? '';
    expect(timeline).toMatch(/Pending approval.*by Rita Requester \(rita@e2e\.test\)/);
    expect(timeline).toMatch(/Queued.*by Arne Approver/);
    expect(await page.locator('ul.decisions').textContent()).toContain('Approved by Arne Approver');
    await snap(page, 'payout-detail');
    await signOut(page);

    // The admin: invite a member, change a role.
    await signIn(page, 'ada@e2e.test');
    // The admin pages sit under the top bar's Workspace menu.
    await page.getByRole('button', { name: 'Workspace' }).click();
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team' }).waitFor();
    await page.getByLabel('Email').fill('new.colleague@e2e.test');
    await page.getByLabel('Name', { exact: true }).fill('New Colleague');
    await page.getByRole('group', { name: 'Roles', exact: true }).getByLabel('Finance').check();
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByText('New Colleague was invited.').waitFor();
    await page.getByRole('button', { name: 'Change roles of Vic Viewer' }).click();
    await page.getByRole('group', { name: 'Roles of Vic Viewer' }).getByLabel('Finance').check();
    await page.getByRole('button', { name: 'Save roles' }).click();
    const vic = page.locator('tr', { hasText: 'vic@e2e.test' });
    await expect.poll(() => vic.textContent()).toContain('Viewer, Finance');
    await snap(page, 'team');

    // The audit log: both people's actions, appended by the relay moments later.
    await page.getByRole('link', { name: 'Audit log' }).click();
    const log = page.locator('ol.audit-entries');
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Apply filters' }).click();
          return log.textContent();
        },
        { timeout: 20_000 },
      )
      .toMatch(/Member changed/);
    const text = (await log.textContent()) ?? '';
    expect(text).toMatch(/Payout approved by Arne Approver \(arne@e2e\.test\)/);
    expect(text).toMatch(/Payout created by Rita Requester \(rita@e2e\.test\)/);
    expect(text).toMatch(/Member invited by Ada Admin \(ada@e2e\.test\)/);
    expect(text).toMatch(/Member changed by Ada Admin \(ada@e2e\.test\)/);
    await snap(page, 'audit-log');

    await page.getByRole('link', { name: 'Help' }).click();
    await page.getByRole('heading', { name: 'Permission matrix' }).waitFor();
    await snap(page, 'help');

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);

  it('what a person types is what is paid: an admin sets limits and a threshold, a requester types 100 in HUF, JPY, KWD and EUR, the approver sees exactly that', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    // The admin adds HUF, JPY and KWD to the payout criteria and types a limit in each.
    await signIn(page, 'ada@e2e.test');
    // The admin pages sit under the top bar's Workspace menu.
    await page.getByRole('button', { name: 'Workspace' }).click();
    await page.getByRole('link', { name: 'Payout criteria' }).click();
    await page.getByRole('heading', { name: 'Manual payout criteria' }).waitFor();
    for (const currency of ['HUF', 'JPY', 'KWD']) {
      await page.getByLabel('Add a currency to support credits').fill(currency);
      await page.getByRole('button', { name: 'Add to support credits' }).click();
      await page.getByLabel(`Maximum support credit in ${currency}`).fill('1000');
    }
    await page.getByLabel('Maximum support credit in KWD').fill('1000.0001');
    await page.getByRole('button', { name: 'Save criteria' }).click();
    // Every problem beside its field, nothing saved.
    await page.getByText('KWD amounts have at most 3 decimals (such as 25.000)').first().waitFor();
    await page.getByLabel('Maximum support credit in KWD').fill('1000');
    await page.getByRole('button', { name: 'Save criteria' }).click();
    await page.getByText('The criteria were saved.').waitFor();
    const criteria = (await admin.request('GET', '/settings/manual-payouts')).body;
    const limitOf = (currency: string) =>
      criteria.limits.find((limit: any) => limit.currency === currency && limit.category === 'support_credit')
        ?.max_amount;
    expect(['HUF', 'JPY', 'KWD', 'EUR'].map(limitOf)).toEqual([100_000, 1000, 1_000_000, 50_000]);

    // An approval threshold typed before its currency is chosen is read in that currency on save.
    // The admin pages sit under the top bar's Workspace menu.
    await page.getByRole('button', { name: 'Workspace' }).click();
    await page.getByRole('link', { name: 'Approval policy' }).click();
    await page.getByRole('heading', { name: 'Approval policy' }).waitFor();
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.getByRole('group', { name: /^Rule \d+$/ }).last();
    await rule.getByLabel('Name').fill('Large yen payouts');
    await rule.getByLabel('From amount (optional)').fill('50000');
    await rule.getByLabel('Currency').selectOption('JPY');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('The policy was saved.').waitFor();
    const policy = (await admin.request('GET', '/settings/approval-policy')).body;
    expect(policy.rules.find((entry: any) => entry.name === 'Large yen payouts')).toMatchObject({
      currency: 'JPY',
      min_amount: 50_000,
    });
    await signOut(page);

    // The requester types "100" in four currencies.
    await signIn(page, 'rita@e2e.test');
    const created: { currency: string; id: string }[] = [];
    for (const currency of ['HUF', 'JPY', 'KWD', 'EUR']) {
      await page.goto(`${context.platform.url}/payouts/new`);
      await page.getByRole('heading', { name: 'New manual payout' }).waitFor();
      await page.getByLabel('Currency').selectOption(currency);
      await page.getByLabel('Customer reference').fill(`cust-money-${currency}`);
      await page.getByLabel('Amount', { exact: true }).fill('100');
      await page.getByLabel('Recipient email').fill('customer@example.com');
      await page.getByLabel('Reason').selectOption('service_disruption');
      await page.getByLabel('Rationale').fill('A customer credit typed in its own currency, to the unit.');
      await page.getByLabel('Ticket link').fill('https://support.example.com/tickets/100');
      await page.getByRole('button', { name: 'Create payout' }).click();
      await page.getByText('The payout was created.').waitFor();
      created.push({ currency, id: page.url().split('/').pop() ?? '' });
    }
    const shown = { HUF: 'HUF 100.00', JPY: 'JPY 100', KWD: 'KWD 100.000', EUR: 'EUR 100.00' } as const;
    const minor = { HUF: 10_000, JPY: 100, KWD: 100_000, EUR: 10_000 } as const;
    for (const { currency, id } of created) {
      const stored = await context.tenant.request('GET', `/v1/payouts/${id}`);
      expect(stored.body).toMatchObject({ currency, amount: minor[currency as keyof typeof minor] });
    }
    // A JPY amount with decimals is refused beside the field, with the currency's rule.
    await page.goto(`${context.platform.url}/payouts/new`);
    await page.getByLabel('Currency').selectOption('JPY');
    await page.getByLabel('Amount', { exact: true }).fill('100.5');
    await page.getByRole('button', { name: 'Create payout' }).click();
    await page.getByText('JPY amounts have no decimals (such as 25)', { exact: false }).first().waitFor();
    await signOut(page);

    // The approver reads the exact amount and code in the inbox and on the payout page.
    await signIn(page, 'arne@e2e.test');
    await page.getByRole('link', { name: 'Approvals' }).click();
    for (const { currency, id } of created) {
      const row = page.locator('tbody tr', { has: page.locator(`a[href="/payouts/${id}"]`) });
      await expect
        .poll(() => row.locator('td.number').textContent())
        .toBe(shown[currency as keyof typeof shown]);
    }
    const first = created[0];
    await page.goto(`${context.platform.url}/payouts/${first?.id}`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toMatch(/^Support credit · cust-money-HUF · HUF 100\.00$/);
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);

  it('finance downloads a report whose rows match the API', async () => {
    await context.tenant.createPayout({
      amount: 4200,
      currency: 'EUR',
      reference: `e2e-report-${Date.now()}`,
      description: 'Refund, "partial", with a comma',
      destination: { type: 'email', email: 'ada@example.com' },
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    await signIn(page, 'fiona@e2e.test');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await page.getByRole('button', { name: 'Request export' }).click();
    const downloadButton = page.getByRole('button', { name: /^Download payouts CSV of the report/ }).first();
    await downloadButton.waitFor({ timeout: 30_000 });
    await snap(page, 'reports');
    const [file] = await Promise.all([page.waitForEvent('download'), downloadButton.click()]);
    const text = readFileSync((await file.path()) as string, 'utf8').replace(/^\uFEFF/, '');

    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const api = (await context.tenant.request('GET', '/v1/payouts?limit=100')).body.data;
    expect(file.suggestedFilename()).toMatch(
      /^payouts-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-rep_[0-9A-Z]{26}\.csv$/,
    );
    expect(rows.map((row) => row.payout_id).sort()).toEqual(api.map((payout: any) => payout.id).sort());
    for (const payout of api) {
      const row = rows.find((candidate) => candidate.payout_id === payout.id);
      expect(row).toMatchObject({
        reference: payout.reference,
        status: payout.status,
        amount: formatMinorUnits(payout.amount, payout.currency),
      });
    }
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);

  it('a requester uploads a CSV of payouts (problems shown by line first), an approver approves them and the batch completes', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const stamp = Date.now();
    await signIn(page, 'rita@e2e.test');
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByRole('heading', { name: 'Batches', exact: true }).waitFor();
    const header = 'reference,amount,currency,purpose,account_holder_name,iban,email';
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'refunds.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `${header}\nb-${stamp}-1,10.00,EUR,refund,,,a@example.com\nb-${stamp}-2,1.2.3,EUR,refund,,,b@example.com\n`,
      ),
    });
    const problem = page.locator('table', { hasText: 'Problems in refunds.csv' }).locator('tbody tr');
    await expect.poll(() => problem.count()).toBe(1);
    expect(await problem.textContent()).toBe("3Amountmust be a number such as 25.00, got '1.2.3'");
    await snap(page, 'batch-upload-problems');

    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'refunds.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          header,
          `b-${stamp}-1,10.00,EUR,refund,Ada Lovelace,DE89370400440532013000,`,
          `b-${stamp}-2,12.50,EUR,refund,,,grace@example.com`,
          `b-${stamp}-3,7.25,EUR,refund,,,linus@example.com`,
        ].join('\n'),
      ),
    });
    await page.getByText('3 payouts', { exact: true }).waitFor();
    expect(await page.getByText(/totalling EUR 29\.75\./).count()).toBe(1);
    expect(await page.locator('tbody tr', { hasText: 'Ada Lovelace ·· 3000' }).count()).toBe(1);
    await snap(page, 'batch-upload-preview');
    await page.getByRole('button', { name: 'Create batch of 3 payouts' }).click();
    await page.getByRole('heading', { name: /^Batch pb_/ }).waitFor();
    const pending = page.locator('tr', { hasText: 'Pending approval' }).locator('td');
    await expect.poll(() => pending.textContent(), { timeout: 20_000 }).toBe('3');
    const batchUrl = page.url();
    await snap(page, 'batch');
    await signOut(page);

    // Uploaded payouts need someone else's approval, like manual ones: the approver approves all three.
    await signIn(page, 'arne@e2e.test');
    await page.getByRole('link', { name: 'Approvals' }).click();
    // The inbox names the person who uploaded the file (they may not approve these themselves).
    const uploaded = page.locator('tbody tr', { hasText: `b-${stamp}-1` });
    await expect.poll(() => uploaded.textContent()).toContain('Rita Requester (rita@e2e.test), Batch upload');
    for (const reference of [1, 2, 3].map((index) => `b-${stamp}-${index}`))
      await page.getByLabel(`Select ${reference}`).check();
    await page.getByRole('button', { name: 'Approve 3 selected' }).click();
    await page.goto(batchUrl);
    await page.getByText('Every payout of the batch is final').waitFor({ timeout: 30_000 });
    expect(await page.locator('tr', { hasText: 'Paid' }).locator('td').textContent()).toBe('3');
    await snap(page, 'batch-completed');
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);
  it('an approver without an authenticator sets one up from the QR page, signs in again with a code, and reaches the approvals; an admin resets it', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const email = 'otto@e2e.test';
    await seedTestMember(context.platform, {
      tenantId: context.tenant.tenantId,
      email,
      name: 'Otto Onboarding',
      roles: ['approver'],
      mfa: false,
    });

    // The password alone: the portal shows the setup instead of its pages.
    await page.goto(context.platform.url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await page.getByRole('img', { name: 'QR code of your authenticator key' }).waitFor();
    expect(await page.getByRole('link', { name: 'Approvals' }).count()).toBe(0);
    await snap(page, 'two-step-setup');

    // A wrong code names the field; the key typed into an app gives the right one.
    await page.getByLabel('Code from the app').fill('12345');
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await page.getByText('Enter the 6 digits your authenticator app shows.').first().waitFor();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    rememberAuthenticator(email, secret);
    await page.getByLabel('Code from the app').fill(await totpCode(email));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await page.getByRole('heading', { name: 'Two-step verification is on' }).waitFor();
    await snap(page, 'two-step-on');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await page.getByRole('button', { name: 'Sign in again' }).click();

    // Password and a code: the approver's pages.
    await signIn(page, email);
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    await signOut(page);

    // The admin resets it (a lost phone): the Team page says so.
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, 'ada@e2e.test');
    // The admin pages sit under the top bar's Workspace menu.
    await page.getByRole('button', { name: 'Workspace' }).click();
    await page.getByRole('link', { name: 'Team' }).click();
    const row = page.locator('tr', { hasText: email });
    await expect.poll(() => row.textContent()).toContain('On since');
    await page.getByRole('button', { name: 'Reset two-step verification of Otto Onboarding' }).click();
    // Asked first, in the page's own dialog.
    const confirm = page.getByRole('dialog', { name: 'Reset two-step verification of Otto Onboarding?' });
    await confirm.getByRole('button', { name: 'Reset two-step verification' }).click();
    await expect.poll(() => row.textContent()).not.toContain('On since');
    expect(await row.locator('td').nth(3).textContent()).toBe('Off');
    await snap(page, 'team-two-step-reset');
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);
});
