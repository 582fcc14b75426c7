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
 * The settings pages in Chromium: an admin writes an approval threshold before its currency and gets
 * it read in that currency, limits a rule to a purpose, reads the policy as sentences, and adds and
 * removes currencies of the payout criteria; a viewer following deep links gets "you need the … role"
 * pages and the settings as sentences, never a form.
 */

const context = withTestPlatform('portal-settings-e2e');
let browser: Browser;
/** A viewer's portal API client: reads back what the admin saved (reading settings is `payouts.read`). */
let reader: PortalClient;

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  const tenantId = context.tenant.tenantId;
  await seedTestMember(context.platform, {
    tenantId,
    email: 'ada@settings.test',
    name: 'Ada Admin',
    roles: ['admin'],
  });
  await seedTestMember(context.platform, {
    tenantId,
    email: 'vic@settings.test',
    name: 'Vic Viewer',
    roles: ['viewer'],
  });
  reader = portalClient(
    context.platform.url,
    (await apiSignIn(context.platform, 'vic@settings.test')).body.AuthenticationResult.IdToken,
  );
  browser = await launchChromium();
}, 180_000);

afterAll(() => browser?.close());

/** Buttons and fields a person could use inside the page's main area (links excluded: they navigate). */
const enabledControls = (page: Page) =>
  page.locator('main').locator('input:enabled, select:enabled, textarea:enabled, button:enabled').count();

/** Signs in and hides the first-steps checklist (its one button is not part of the pages under test). */
async function signInAs(page: Page, email: string) {
  await signInInBrowser(page, context.platform.url, email);
  const hide = page.getByRole('button', { name: 'Hide these first steps' });
  if (await hide.isVisible()) await hide.click();
}

describe('settings in the Business Portal', () => {
  it('an admin sets a threshold before its currency and it is read in that currency; limits a rule to a purpose; adds and removes currencies of the criteria', async () => {
    const eyes = journey();
    const page = await eyes.open(browser, DESKTOP);
    await signInAs(page, 'ada@settings.test');

    // The workspace pages sit in a menu of the top bar; the address is the same either way.
    await page.goto(`${context.platform.url}/approval-policy`);
    await page.getByRole('heading', { name: 'Approval policy', level: 1 }).waitFor();
    // The default policy, in words.
    await page.getByText('Portal payouts need 1 approval.').waitFor();
    await page.getByText('Payouts of EUR 10,000.00 or more need 2 approvals.').first().waitFor();

    // A rule for large portal payouts in EUR.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const euro = page.getByRole('group', { name: /^Rule \d+$/ }).last();
    await euro.getByLabel('Name').fill('Large portal payouts');
    await euro
      .getByRole('group', { name: /^Sources/ })
      .getByLabel('Portal')
      .check();
    await euro.getByLabel('Currency').selectOption('EUR');
    await euro.getByLabel('From amount (optional)').fill('10000.00');
    await euro.getByLabel('Approvals').fill('2');

    // The amount typed first, the currency chosen afterwards: read in JPY (no decimals) on save.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const yen = page.getByRole('group', { name: /^Rule \d+$/ }).last();
    await yen.getByLabel('Name').fill('Large yen credits');
    await yen.getByLabel('From amount (optional)').fill('50000');
    expect(await yen.getByText('Choose its currency too').count()).toBe(1);
    await yen.getByLabel('Currency').selectOption('JPY');
    await yen.getByText('In JPY, such as 25 (JPY amounts have no decimals)').waitFor();
    await yen
      .getByRole('group', { name: /^Purposes/ })
      .getByLabel('Support credit')
      .check();
    await yen.getByLabel('Approvals').fill('2');

    // A third rule with an amount and no currency, and an expiry out of range: both named at once.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const broken = page.getByRole('group', { name: /^Rule \d+$/ }).last();
    await broken.getByLabel('From amount (optional)').fill('12.50');
    await page.getByLabel('Expiry (hours)').fill('900');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await broken.getByText('Choose the currency of the amount').waitFor();
    await page.locator('.error-text', { hasText: 'Enter whole hours from 1 to 480' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/2 fields need correcting/);
    expect(await codeNamesShown(page)).toEqual([]);
    await eyes.snap(page, 'approval-policy-errors');
    await broken.getByRole('button', { name: /^Remove rule/ }).click();
    await page.getByLabel('Expiry (hours)').fill('72');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('The policy was saved.').waitFor();

    const policy = (await reader.request('GET', '/settings/approval-policy')).body;
    const ruleNamed = (name: string) => policy.rules.find((rule: { name: string }) => rule.name === name);
    expect(ruleNamed('Large yen credits')).toEqual({
      name: 'Large yen credits',
      sources: null,
      purposes: ['support_credit'],
      currency: 'JPY',
      min_amount: 50_000,
      approvals: 2,
    });
    expect(ruleNamed('Large portal payouts')).toMatchObject({
      sources: ['portal'],
      currency: 'EUR',
      min_amount: 1_000_000,
      approvals: 2,
    });
    expect(policy.rules).toHaveLength(6);
    // The saved policy, in words.
    await page.getByText('Portal payouts of EUR 10,000.00 or more need 2 approvals.').waitFor();
    await page.getByText('Payouts for support credits of JPY 50,000 or more need 2 approvals.').waitFor();
    await eyes.snap(page, 'approval-policy');
    await page.setViewportSize(PHONE);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'approval-policy-phone');
    await page.setViewportSize(DESKTOP);

    // The payout criteria: CHF added to support credits, GBP removed from one-time refunds.
    await page.goto(`${context.platform.url}/settings`);
    await page.getByRole('heading', { name: 'Manual payout criteria', level: 1 }).waitFor();
    const addCredit = page.getByLabel('Add a currency to support credits');
    await addCredit.fill('XYZ');
    await page.getByRole('button', { name: 'Add to support credits' }).click();
    await page.getByText('XYZ is not a currency payouts can be made in').waitFor();
    expect(await addCredit.getAttribute('aria-invalid')).toBe('true');
    expect(await codeNamesShown(page)).toEqual([]);
    await eyes.snap(page, 'payout-criteria-errors');
    await addCredit.fill('chf');
    await addCredit.press('Enter');
    const chf = page.getByLabel('Maximum support credit in CHF');
    await chf.waitFor();
    await page.getByText('Such as 25.00 (CHF amounts have at most 2 decimals)').waitFor();
    await chf.fill('300.5');
    await page.getByRole('button', { name: 'Remove GBP from one-time refunds' }).click();
    expect(await page.getByLabel('Maximum one-time refund in GBP').count()).toBe(0);
    await page.getByRole('button', { name: 'Save criteria' }).click();
    await page.getByText('The criteria were saved.').waitFor();

    const criteria = (await reader.request('GET', '/settings/manual-payouts')).body;
    const limits = criteria.limits.map(
      (limit: { category: string; currency: string; max_amount: number }) =>
        `${limit.category} ${limit.currency} ${limit.max_amount}`,
    );
    expect(limits.sort()).toEqual(
      [
        'support_credit EUR 50000',
        'support_credit USD 50000',
        'support_credit GBP 50000',
        'support_credit CHF 30050',
        'one_time_refund EUR 250000',
        'one_time_refund USD 250000',
      ].sort(),
    );
    await page
      .getByText(
        'Support credits: at most EUR 500.00, USD 500.00, GBP 500.00 or CHF 300.50 per payout; other currencies are refused.',
      )
      .waitFor();
    await eyes.snap(page, 'payout-criteria');
    await page.setViewportSize(PHONE);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'payout-criteria-phone');

    expect(eyes.problems).toEqual([]);
    expect(eyes.violations).toEqual([]);
    await page.close();
  }, 180_000);

  it('a viewer following deep links is told which role each page needs, and reads the settings as sentences', async () => {
    const eyes = journey();
    const page = await eyes.open(browser, DESKTOP);
    await signInAs(page, 'vic@settings.test');

    const guarded: [path: string, sentence: string][] = [
      ['/payouts/new', 'You need the Admin or Requester role to create manual payouts.'],
      ['/approvals', 'You need the Approver role to approve or reject payouts.'],
      ['/team', 'You need the Admin role to see and manage the team.'],
      ['/api-keys', 'You need the Admin role to create and revoke API keys.'],
      ['/webhooks', 'You need the Admin role to manage webhook endpoints.'],
      ['/payout-rails', 'You need the Admin role to configure payout rails.'],
      ['/reports', 'You need the Admin or Finance role to request and download reports.'],
      ['/audit-log', 'You need the Admin or Finance role to read the audit log.'],
    ];
    for (const [path, sentence] of guarded) {
      await page.goto(`${context.platform.url}${path}`);
      await page.getByText(sentence).waitFor();
      expect(await page.getByText('Ask an admin of your team.').count()).toBe(1);
      expect(await enabledControls(page)).toBe(0);
      expect(await codeNamesShown(page)).toEqual([]);
      await eyes.snap(page, `not-allowed${path.replaceAll('/', '-')}`);
    }

    // The approval policy and the payout criteria: read-only, as sentences.
    await page.goto(`${context.platform.url}/approval-policy`);
    await page.getByRole('heading', { name: 'Approval policy', level: 1 }).waitFor();
    await page.getByText('Portal payouts of EUR 10,000.00 or more need 2 approvals.').waitFor();
    await page.getByText('You need the Admin role to change the approval policy.').waitFor();
    expect(await enabledControls(page)).toBe(0);
    await eyes.snap(page, 'approval-policy-read-only');

    await page.goto(`${context.platform.url}/settings`);
    await page.getByRole('heading', { name: 'Manual payout criteria', level: 1 }).waitFor();
    await page.getByText(/Support credits: at most EUR 500\.00, .* or CHF 300\.50 per payout/).waitFor();
    await page.getByText('You need the Admin role to change the payout criteria.').waitFor();
    expect(await enabledControls(page)).toBe(0);
    await eyes.snap(page, 'payout-criteria-read-only');

    await page.setViewportSize(PHONE);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'payout-criteria-read-only-phone');
    await page.goto(`${context.platform.url}/approval-policy`);
    await page.getByText('Portal payouts need 1 approval.').waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'approval-policy-read-only-phone');
    await page.goto(`${context.platform.url}/payouts/new`);
    await page.getByText('You need the Admin or Requester role to create manual payouts.').waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'not-allowed-phone');

    expect(eyes.problems).toEqual([]);
    expect(eyes.violations).toEqual([]);
    await page.close();
  }, 180_000);
});
