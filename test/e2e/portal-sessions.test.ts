import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestPlatform, type TenantClient, type TestPlatform } from '../helpers/platform.js';
import { signIn as apiSignIn, portalClient, seedTestMember, TEST_PASSWORD } from '../helpers/portal.js';
import { codeNamesShown, DESKTOP, journey, signInInBrowser } from '../helpers/portal-browser.js';

/**
 * Sessions in Chromium (issue 19), as a requester lives them: a payout opened in a second tab needs no
 * second sign-in; an ID token that ran out is refreshed silently; a half-filled New manual payout
 * survives a forced sign-in; the idle warning comes, and the idle sign-out reaches every tab; a
 * deactivated member's open tabs end on the sign-in page saying their access was removed.
 */

const REQUESTER = 'rita@sessions.test';
const ADMIN = 'ada@sessions.test';
const seeing = journey();

let platform: TestPlatform;
let tenant: TenantClient;
let browser: Browser;
let context: BrowserContext;
let first: Page;
let second: Page;
let payoutId: string;
/** Refresh calls (REFRESH_TOKEN_AUTH) the browser made to the identity provider. */
const refreshes: Request[] = [];

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  platform = await startTestPlatform('portal-sessions-e2e');
  tenant = await platform.newTenant('Sessions e2e');
  await seedTestMember(platform, {
    tenantId: tenant.tenantId,
    email: REQUESTER,
    name: 'Rita Requester',
    roles: ['requester'],
  });
  await seedTestMember(platform, {
    tenantId: tenant.tenantId,
    email: ADMIN,
    name: 'Ada Admin',
    roles: ['admin'],
  });
  const rita = portalClient(
    platform.url,
    (await apiSignIn(platform, REQUESTER)).body.AuthenticationResult.IdToken,
  );
  const created = await rita.request('POST', '/payouts', {
    body: {
      category: 'support_credit',
      amount: 1234,
      currency: 'EUR',
      destination: { type: 'email', email: 'customer@example.com' },
      customer_reference: 'CUST-SESSIONS-1',
      reason_code: 'service_disruption',
      rationale: 'The outage on 3 November kept this customer offline for four hours.',
      ticket_url: 'https://support.example.com/tickets/4711',
    },
    headers: { 'idempotency-key': `sessions-${Date.now()}` },
  });
  expect(created.status).toBe(201);
  payoutId = created.body.id;
  browser = await launchChromium();
  // One browser, one profile: the two pages are two tabs of the same origin.
  context = await browser.newContext({ viewport: DESKTOP });
  context.on('request', (request) => {
    if (request.url().includes('/local-idp') && request.postData()?.includes('REFRESH_TOKEN_AUTH'))
      refreshes.push(request);
  });
  first = await context.newPage();
  second = await context.newPage();
  for (const page of [first, second]) page.on('pageerror', (error) => seeing.problems.push(error.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** What the test reaches in the page (the test project has no DOM types). */
interface InPage {
  localStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  };
  document: { dispatchEvent(event: Event): boolean };
}

const signInHeading = (page: Page) => page.getByRole('heading', { name: 'Sign in to the Business Portal' });

/** The session record the tabs share. */
const storedSession = (page: Page) =>
  page.evaluate(() =>
    JSON.parse((globalThis as unknown as InPage).localStorage.getItem('payouts.session') ?? 'null'),
  ) as Promise<{
    idToken: string;
    expiresAt: number;
  } | null>;

/** Makes the stored ID token look expired, as it is an hour after sign-in. */
const expireIdToken = (page: Page) =>
  page.evaluate(() => {
    const session = JSON.parse(
      (globalThis as unknown as InPage).localStorage.getItem('payouts.session') ?? '{}',
    );
    (globalThis as unknown as InPage).localStorage.setItem(
      'payouts.session',
      JSON.stringify({ ...session, expiresAt: Date.now() - 1000 }),
    );
  });

/** The member comes back to the tab: the portal reads who they are again (`/me`). */
const returnToTab = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as InPage).document.dispatchEvent(
      new Event('visibilitychange', { bubbles: true }),
    ),
  );

/** Signs in on the sign-in page shown where the member was (no navigation). */
async function signInHere(page: Page) {
  await page.getByLabel('Email').fill(REQUESTER);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('portal sessions in the browser', () => {
  it('shares the session with a second tab, and refreshes an expired ID token without asking', async () => {
    await signInInBrowser(first, platform.url, REQUESTER);

    await second.goto(`${platform.url}/payouts/${payoutId}`);

    await second.getByText('CUST-SESSIONS-1').first().waitFor();
    expect(await signInHeading(second).count()).toBe(0);
    await seeing.snap(second, 'sessions-second-tab');

    const before = await storedSession(first);
    await expireIdToken(first);
    await first
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'New manual payout' })
      .click();

    await first.getByRole('heading', { name: 'New manual payout' }).waitFor();
    expect(await signInHeading(first).count()).toBe(0);
    expect(refreshes).toHaveLength(1);
    const after = await storedSession(first);
    expect(after?.idToken).not.toBe(before?.idToken);
    expect(after?.expiresAt).toBeGreaterThan(Date.now() + 30 * 60_000);
    // The other tab uses the refreshed token as it is: no second refresh.
    await second.reload();
    await second.getByText('CUST-SESSIONS-1').first().waitFor();
    expect(refreshes).toHaveLength(1);
  });

  it('keeps a half-filled New manual payout across a forced sign-in', async () => {
    await first.getByLabel('Customer reference').fill('CUST-DRAFT-9');
    await first.getByLabel('Amount').fill('120.50');
    await first.getByLabel('Bank account (IBAN)').check();
    await first.getByLabel('Account holder name').fill('Dana Draft');
    await first.getByLabel('IBAN', { exact: true }).fill('DE89370400440532013000');
    await first.getByLabel('Rationale').fill('Half written when the session ended');
    // Signed out everywhere (as an admin's reset does), and the ID token runs out: no refresh is possible.
    await platform.cognito.call('AdminUserGlobalSignOut', { Username: REQUESTER });
    await expireIdToken(first);

    await returnToTab(first);

    await signInHeading(first).waitFor();
    await first.getByText('Your session has ended: sign in again.').waitFor();
    await seeing.snap(first, 'sessions-forced-sign-in');
    expect(await codeNamesShown(first)).toEqual([]);
    expect(new URL(first.url()).pathname).toBe('/payouts/new');
    await signInHere(first);
    await first.getByRole('heading', { name: 'New manual payout' }).waitFor();
    await expect
      .poll(() => first.getByLabel('IBAN', { exact: true }).inputValue())
      .toBe('DE89370400440532013000');
    expect(await first.getByLabel('Customer reference').inputValue()).toBe('CUST-DRAFT-9');
    expect(await first.getByLabel('Amount').inputValue()).toBe('120.50');
    expect(await first.getByLabel('Bank account (IBAN)').isChecked()).toBe(true);
    expect(await first.getByLabel('Account holder name').inputValue()).toBe('Dana Draft');
    expect(await first.getByLabel('Rationale').inputValue()).toBe('Half written when the session ended');
  });

  it('warns before the idle sign-out, and signs out every tab when nobody stays', async () => {
    // A test-only shorter idle timeout (read when the portal starts): 12 s, warned 6 s before.
    await first.evaluate(() => {
      (globalThis as unknown as InPage).localStorage.setItem('payouts.idle-timeout-ms', '12000');
      (globalThis as unknown as InPage).localStorage.setItem('payouts.last-activity', String(Date.now()));
    });
    await first.goto(`${platform.url}/payouts`);
    await first.getByRole('heading', { name: 'Payouts', exact: true }).waitFor();

    const warning = first.getByRole('dialog', { name: /You will be signed out in \d+ seconds?/ });
    await warning.waitFor({ timeout: 15_000 });
    await seeing.snap(first, 'sessions-idle-warning');
    await first.getByRole('button', { name: 'Stay signed in' }).click();
    await warning.waitFor({ state: 'hidden' });
    expect(await signInHeading(first).count()).toBe(0);

    await signInHeading(first).waitFor({ timeout: 25_000 });

    await first.getByText('You were signed out because the portal was not used for a while').waitFor();
    await signInHeading(second).waitFor();
    expect(await storedSession(second)).toBeNull();
    await first.evaluate(() =>
      (globalThis as unknown as InPage).localStorage.removeItem('payouts.idle-timeout-ms'),
    );
  });

  it('follows a role change in the open tab, and signs a deactivated member out of every tab', async () => {
    await first.reload();
    await signInHere(first);
    await first.getByRole('heading', { name: 'Payouts', exact: true }).waitFor();
    // The other tab follows the sign-in, back on the payout it showed.
    await second.getByText('CUST-SESSIONS-1').first().waitFor();
    const admin = portalClient(
      platform.url,
      (await apiSignIn(platform, ADMIN)).body.AuthenticationResult.IdToken,
    );
    const rita = (await admin.request('GET', '/members')).body.data.find(
      (member: { email: string }) => member.email === REQUESTER,
    );

    // A role change reaches the open tab's menu without a reload (`/me` is read again on focus).
    const newPayoutLink = first.getByRole('navigation', { name: 'Main' }).getByRole('link', {
      name: 'New manual payout',
    });
    expect(await newPayoutLink.count()).toBe(1);
    const demoted = await admin.request('PATCH', `/members/${rita.id}`, { body: { roles: ['viewer'] } });
    await returnToTab(first);
    expect(demoted.status).toBe(200);
    await expect.poll(() => newPayoutLink.count(), { timeout: 10_000 }).toBe(0);

    const deactivated = await admin.request('PATCH', `/members/${rita.id}`, {
      body: { status: 'deactivated' },
    });
    await returnToTab(first);

    expect(deactivated.status).toBe(200);
    for (const page of [first, second]) {
      await signInHeading(page).waitFor();
      await page.getByText('Your access was removed').waitFor();
    }
    await seeing.snap(first, 'sessions-access-removed');
    expect(await codeNamesShown(first)).toEqual([]);
    expect(await storedSession(first)).toBeNull();
    expect(seeing.violations).toEqual([]);
    expect(seeing.problems).toEqual([]);
  });
});
