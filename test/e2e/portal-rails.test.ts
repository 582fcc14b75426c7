import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { type AdyenFake, startAdyenFake } from '../contracts/adyen-fake.js';
import { accessibilityViolations, launchChromium } from '../helpers/browser.js';
import { startTestPlatform, type TenantClient, type TestPlatform } from '../helpers/platform.js';
import {
  signIn as apiSignIn,
  type PortalClient,
  portalClient,
  seedTestMember,
  TEST_PASSWORD,
  totpCode,
} from '../helpers/portal.js';

/**
 * The Payout rails page in Chromium: an admin sets up Adyen against the Adyen fake (every request
 * checked against Adyen's own API document), tests the connection and routes bank payouts to it;
 * a requester neither sees the page nor reaches its API, and pays a Stripe account from New payout.
 */

// `PAYOUTS_SCREENSHOTS_DIR=docs/screenshots` takes the page's screenshot; plain test runs take none.
const screenshots = process.env.PAYOUTS_SCREENSHOTS_DIR;
const violations: string[] = [];
async function snap(page: Page, name: string) {
  for (const violation of await accessibilityViolations(page)) violations.push(`${name}: ${violation}`);
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

let adyen: AdyenFake;
let platform: TestPlatform;
let tenant: TenantClient;
let browser: Browser;
/** The admin's portal API client, to read back what the page saved. */
let admin: PortalClient;
/** A requester's, to knock on the door the page is behind. */
let requester: PortalClient;

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  adyen = await startAdyenFake();
  platform = await startTestPlatform('portal-rails', {
    execution: { connectorBaseUrls: { adyen: adyen.url }, connectorTimeoutMs: 5000 },
  });
  tenant = await platform.newTenant('Rails e2e');
  for (const person of [
    { email: 'ada@rails.test', name: 'Ada Admin', roles: ['admin' as const] },
    { email: 'rita@rails.test', name: 'Rita Requester', roles: ['requester' as const] },
  ])
    await seedTestMember(platform, { ...person, tenantId: tenant.tenantId });
  const tokenOf = async (email: string) =>
    (await apiSignIn(platform, email)).body.AuthenticationResult.IdToken as string;
  admin = portalClient(platform.url, await tokenOf('ada@rails.test'));
  requester = portalClient(platform.url, await tokenOf('rita@rails.test'));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await adyen?.close();
});

async function signIn(page: Page, email: string) {
  await page.goto(platform.url);
  await page.getByRole('heading', { name: 'Sign in to the Business Portal' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const code = page.getByLabel('Code from your authenticator app');
  const payouts = page.getByRole('heading', { name: 'Payouts', exact: true });
  await code.or(payouts).first().waitFor();
  if (await code.isVisible()) {
    await code.fill(await totpCode(email));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
  }
  await payouts.waitFor();
}

describe('the Payout rails page in Chromium', () => {
  it('an admin sets up Adyen (a wrong balance account id refused beside its field), never sees a secret again, tests the connection against the fake and routes bank payouts to it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await signIn(page, 'ada@rails.test');
    // The admin pages sit under the top bar's Workspace menu.
    await page.getByRole('button', { name: 'Workspace' }).click();
    await page.getByRole('link', { name: 'Payout rails' }).click();
    await page.getByRole('heading', { name: 'Payout rails', level: 1 }).waitFor();
    const card = page.getByRole('region', { name: 'Adyen Transfers' });
    expect(await card.getByText('Not set up').count()).toBe(1);
    // The address to paste into Adyen's Customer Area: this platform's own, this tenant's.
    expect(await card.locator('code.url').textContent()).toBe(
      `${platform.url}/v1/provider-webhooks/adyen/${tenant.tenantId}`,
    );

    // Secrets are typed into password fields; a balance account id that is not BA… is refused beside it.
    expect(await card.getByLabel('API key').getAttribute('type')).toBe('password');
    expect(await card.getByLabel('HMAC key').getAttribute('type')).toBe('password');
    await card.getByLabel('API key').fill(adyen.credentials.api_key);
    await card.getByLabel('Balance account id').fill('NL-1234-5678');
    await card.getByLabel('HMAC key').fill(adyen.credentials.hmac_key);
    await card.getByRole('button', { name: 'Save Adyen Transfers' }).click();
    await card.getByText(/must be an Adyen balance account id \(BA…\)\./).waitFor();
    expect(await card.getByLabel('Balance account id').getAttribute('aria-invalid')).toBe('true');
    expect(await card.getByRole('alert').textContent()).toBe('One field needs correcting: see below.');

    await card.getByLabel('Balance account id').fill(adyen.credentials.balance_account_id);
    await card.getByRole('button', { name: 'Save Adyen Transfers' }).click();
    await card.getByText('The credentials of Adyen Transfers were saved.').waitFor();
    expect(await card.getByText('Test mode').count()).toBe(1);
    expect(await card.getByText(adyen.credentials.balance_account_id, { exact: true }).count()).toBe(1);
    expect(await card.textContent()).toContain('by Ada Admin');
    // Write-only: neither secret is anywhere in the page, as text, attribute or input value.
    const html = await page.content();
    expect(html).not.toContain(adyen.credentials.api_key);
    expect(html.toLowerCase()).not.toContain(adyen.credentials.hmac_key.toLowerCase());
    const typed = await page
      .locator('input')
      .evaluateAll((inputs) =>
        inputs.map((input) => (input as unknown as { value: string }).value).join('\n'),
      );
    expect(typed).not.toContain(adyen.credentials.api_key);
    expect(typed).not.toContain(adyen.credentials.hmac_key);

    // One harmless call to the fake with the stored credentials, its outcome in a status region.
    await card.getByRole('button', { name: 'Test connection' }).click();
    const outcome = card.getByRole('status').filter({ hasText: /^Connection/ });
    await expect
      .poll(() => outcome.textContent(), { timeout: 15_000 })
      .toBe(`Connection works: Adyen answered for balance account ${adyen.credentials.balance_account_id}`);
    expect(adyen.requests.some((request) => request.path.startsWith('/transactions'))).toBe(true);
    expect(adyen.invalidRequests()).toEqual([]);

    // A routing rule: bank payouts leave through Adyen. A currency that is not three letters first.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.getByRole('group', { name: 'Rule 1' });
    await rule.getByLabel('Destination type').selectOption('bank_account');
    await rule.getByLabel('Rail').selectOption('adyen');
    await rule.getByLabel('Currency (optional)').fill('EU');
    await page.getByRole('button', { name: 'Save routing' }).click();
    await rule
      .getByText('Currency must be a three-letter currency code such as EUR, or empty for every currency.')
      .waitFor();
    await rule.getByLabel('Currency (optional)').fill('');
    await page.getByRole('button', { name: 'Save routing' }).click();
    await page.getByText('The routing was saved.').waitFor();
    await snap(page, 'payout-rails');

    await page.reload();
    await page.getByRole('heading', { name: 'Payout rails', level: 1 }).waitFor();
    const reloaded = page.getByRole('group', { name: 'Rule 1' });
    expect(await reloaded.getByLabel('Destination type').inputValue()).toBe('bank_account');
    expect(await reloaded.getByLabel('Rail').inputValue()).toBe('adyen');
    expect(await reloaded.getByLabel('Currency (optional)').inputValue()).toBe('');
    const stored = (await admin.request('GET', '/payout-rails')).body;
    expect(stored.rules).toEqual([{ destination_type: 'bank_account', currency: null, connector: 'adyen' }]);
    expect(JSON.stringify(stored)).not.toContain(adyen.credentials.api_key);

    // At phone width nothing spills sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.locator('html').evaluate((root) => root.scrollWidth))
      .toBeLessThanOrEqual(390);
    await snap(page, 'payout-rails-phone');

    // Removal asks first; the rail's rules go with it.
    page.once('dialog', (dialog) => void dialog.accept());
    await page
      .getByRole('region', { name: 'Adyen Transfers' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await page.getByRole('region', { name: 'Adyen Transfers' }).getByText('Not set up').waitFor();
    await page.getByText('No rules yet.').waitFor();
    expect((await admin.request('GET', '/payout-rails')).body).toMatchObject({ connectors: [], rules: [] });

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);

  it('a requester sees no Payout rails entry, the page shows the refusal, and the API refuses them', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'rita@rails.test');
    expect(await page.getByRole('link', { name: 'Payout rails' }).count()).toBe(0);
    await page.goto(`${platform.url}/payout-rails`);
    // A page that says which role would let them, instead of the form.
    await page.getByText('You need the Admin role to').waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(0);

    const before = (await admin.request('GET', '/payout-rails')).body;
    expect((await requester.request('GET', '/payout-rails')).status).toBe(403);
    const attempt = await requester.request('PUT', '/payout-rails/connectors/adyen', {
      body: { mode: 'test', credentials: adyen.credentials },
    });
    expect(attempt.status).toBe(403);
    expect((await admin.request('GET', '/payout-rails')).body).toEqual(before);
    await page.close();
  }, 120_000);

  it('a requester pays a Stripe account from New payout (a malformed account id refused beside its field) and the payout shows it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await signIn(page, 'rita@rails.test');
    await page.getByRole('link', { name: 'New manual payout' }).first().click();
    await page.getByRole('heading', { name: 'New manual payout' }).waitFor();
    await page.getByLabel('Customer reference').fill('cust-stripe-1');
    await page.getByLabel('Amount', { exact: true }).fill('12.00');
    await page.getByLabel(/^Stripe account/).check();
    await page.getByLabel('Stripe account id').fill('1Nv0FGQ9RKHgCVdK');
    await page.getByLabel('Reason').selectOption('service_disruption');
    await page.getByLabel('Rationale').fill('Paid to the seller’s connected account after the outage.');
    await page.getByLabel('Ticket link').fill('https://support.example.com/tickets/77');
    await page.getByRole('button', { name: 'Create payout' }).click();
    await page.getByText("must be a Stripe connected account id ('acct_…')").first().waitFor();
    expect(await page.getByLabel('Stripe account id').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Stripe account id').fill('acct_1Nv0FGQ9RKHgCVdK');
    await page.getByRole('button', { name: 'Create payout' }).click();
    await page.getByText('The payout was created.').waitFor();
    const payTo = page.locator('dt:has-text("Pay to") + dd');
    expect(await payTo.textContent()).toBe('Stripe account acct_1Nv0FGQ9RKHgCVdK');
    const id = page.url().split('/').pop() ?? '';
    const stored = await tenant.request('GET', `/v1/payouts/${id}`);
    expect(stored.body.destination).toEqual({ type: 'stripe_account', account: 'acct_1Nv0FGQ9RKHgCVdK' });
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);
});
