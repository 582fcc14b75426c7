import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { launchChromium } from '../helpers/browser.js';
import { eventually, withTestPlatform } from '../helpers/platform.js';
import { signIn as apiSignIn, type PortalClient, portalClient, seedTestMember } from '../helpers/portal.js';
import {
  codeNamesShown,
  DESKTOP,
  journey,
  PHONE,
  sidewaysOverflow,
  signInInBrowser,
} from '../helpers/portal-browser.js';

/** Issue 19: an approver decides from a phone; the requester learns of the rejection. */
const context = withTestPlatform('portal-approvals');
let browser: Browser;
const clients = {} as Record<'rita' | 'bo', PortalClient>;

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  const tenantId = context.tenant.tenantId;
  const people = [
    { key: 'rita', email: 'rita@approvals.test', name: 'Rita Requester', roles: ['requester' as const] },
    // An approver who also requests payouts: the inbox must say why they cannot decide on their own.
    {
      key: 'bo',
      email: 'bo@approvals.test',
      name: 'Bo Both',
      roles: ['requester' as const, 'approver' as const],
    },
  ] as const;
  for (const person of people) {
    await seedTestMember(context.platform, {
      email: person.email,
      name: person.name,
      roles: [...person.roles],
      tenantId,
    });
    clients[person.key] = portalClient(
      context.platform.url,
      (await apiSignIn(context.platform, person.email)).body.AuthenticationResult.IdToken,
    );
  }
  browser = await launchChromium();
}, 120_000);

afterAll(() => browser?.close());

let counter = 0;
async function requestPayout(client: PortalClient, customer: string, amount: number, currency: string) {
  counter += 1;
  const response = await client.request('POST', '/payouts', {
    body: {
      category: 'support_credit',
      amount,
      currency,
      destination: {
        type: 'bank_account',
        account_holder_name: 'Maximiliane Musterfrau-Langername',
        iban: 'DE89370400440532013000',
      },
      customer_reference: customer,
      reason_code: 'service_disruption',
      rationale: 'The outage on 3 November kept this customer offline for four hours; credit as agreed.',
      ticket_url: `https://support.example.com/tickets/a-very-long-ticket-path-that-should-wrap/${counter}`,
    },
    headers: { 'idempotency-key': `approvals-e2e-${Date.now()}-${counter}` },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

const rowOf = (page: Page, id: string) =>
  page.locator('tbody tr', { has: page.locator(`a[href="/payouts/${id}"]`) });

describe('approvals on a phone (issue 19)', () => {
  it('an approver selects, totals and rejects with a comment on a 390 px screen; the requester reads the rejection and can resubmit', async () => {
    const first = await requestPayout(clients.rita, 'CUST-1001', 2500, 'EUR');
    const second = await requestPayout(clients.rita, 'CUST-1002', 4000, 'EUR');
    const third = await requestPayout(clients.rita, 'CUST-1003', 1050, 'USD');
    const own = await requestPayout(clients.bo, 'CUST-2001', 900, 'EUR');
    const eyes = journey();
    const conflicts: string[] = [];

    // The approver, on a phone.
    const page = await eyes.open(browser, PHONE);
    page.on('response', (response) => {
      if (response.status() === 409) conflicts.push(response.url());
    });
    await signInInBrowser(page, context.platform.url, 'bo@approvals.test');
    await page.goto(`${context.platform.url}/approvals`);
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(4);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await rowOf(page, own).textContent()).toContain('You requested this payout');
    expect(
      await rowOf(page, own)
        .getByRole('button', { name: /^Approve/ })
        .count(),
    ).toBe(0);
    await eyes.snap(page, 'approvals-phone');

    // Select all: the three one may decide, totalled per currency.
    await page.getByLabel('Select all you can decide (3)').check();
    await expect
      .poll(() => page.locator('.selection-total').textContent(), { timeout: 5_000 })
      .toBe('3 selected, totalling EUR 65.00 + USD 10.50.');

    // Reject one: the dialog asks for a comment before it lets the rejection through.
    await rowOf(page, first)
      .getByRole('button', { name: /^Reject/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Reject Support credit · CUST-1001 · EUR 25.00?' });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Reject payout' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Why is it rejected? (required)').fill('   ');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog
      .getByLabel('Why is it rejected? (required)')
      .fill('The ticket shows no outage for this customer.');
    await eyes.snap(page, 'approvals-reject-dialog-phone');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });
    // The row shows the decision from the answer at once: Rejected, no buttons left to press.
    const rejectedRow = rowOf(page, first);
    expect(await rejectedRow.locator('.badge').textContent()).toBe('Rejected');
    expect(await rejectedRow.getByRole('button').count()).toBe(0);
    // Its checkbox is off (and hidden on a phone): select all no longer takes it.
    expect(await rejectedRow.locator('input[type="checkbox"]').isDisabled()).toBe(true);
    await expect
      .poll(() => page.locator('.selection-total').textContent(), { timeout: 5_000 })
      .toBe('2 selected, totalling EUR 40.00 + USD 10.50.');
    const stored = (await clients.rita.request('GET', `/payouts/${first}`)).body;
    expect(stored.approval.rejected_by).toMatchObject({
      name: 'Bo Both',
      comment: 'The ticket shows no outage for this customer.',
    });

    // Bulk reject: the comment typed for the selection goes into the dialog, and is cleared after use.
    const bulkComment = page.getByLabel('Comment for the selected payouts');
    await bulkComment.fill('Duplicates of the credits paid last week.');
    await page.getByRole('button', { name: 'Reject 2 selected' }).click();
    const bulkDialog = page.getByRole('dialog', { name: 'Reject 2 payouts?' });
    await bulkDialog.waitFor();
    expect(await bulkDialog.textContent()).toContain('Totalling EUR 40.00 + USD 10.50.');
    expect(await bulkDialog.getByLabel('Why is it rejected? (required)').inputValue()).toBe(
      'Duplicates of the credits paid last week.',
    );
    await bulkDialog.getByRole('button', { name: 'Reject 2 selected' }).click();
    await page.getByText('2 rejected.').waitFor();
    expect(await bulkComment.inputValue()).toBe('');
    for (const id of [second, third]) {
      expect(await rowOf(page, id).locator('.badge').textContent()).toBe('Rejected');
      const payout = (await clients.rita.request('GET', `/payouts/${id}`)).body;
      expect(payout.approval.rejected_by.comment).toBe('Duplicates of the credits paid last week.');
    }
    expect(await page.locator('.selection-total').textContent()).toBe('Nothing selected.');
    expect(await codeNamesShown(page)).toEqual([]);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'approvals-decided-phone');

    // The payout page on the phone: a readable heading, the rejection, nothing sideways.
    await rowOf(page, first).getByRole('link').first().click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
      .toBe('Support credit · CUST-1001 · EUR 25.00');
    await page.getByRole('heading', { name: /^Rejected by Bo Both on / }).waitFor();
    expect(await page.locator('dt:text-is("Reference") + dd').textContent()).toMatch(/^portal\//);
    expect(await page.getByRole('button', { name: /^Approve|^Reject/ }).count()).toBe(0);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'payout-rejected-phone');

    // The same pages at desktop width.
    await page.setViewportSize(DESKTOP);
    await eyes.snap(page, 'payout-rejected-desktop');
    await page.getByRole('link', { name: 'Approvals' }).first().click();
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    await rowOf(page, own).waitFor();
    await eyes.snap(page, 'approvals-desktop');
    await page.close();

    // The requester: the notice on every page, the rejection on the payout, the way to resubmit.
    const requester = await eyes.open(browser, PHONE);
    await signInInBrowser(requester, context.platform.url, 'rita@approvals.test');
    const notices = requester.locator('.requester-notices');
    // The workflow marks the payouts rejected a moment after the decisions (on a loaded machine its
    // hops take their time): the notice lists them from then on.
    await eventually(
      () =>
        Promise.all(
          [first, second, third].map(
            async (id) => (await clients.rita.request('GET', `/payouts/${id}`)).body.status,
          ),
        ),
      (statuses) => statuses.every((status) => status === 'rejected'),
      120_000,
    );
    // Every one is rejected on the server now: one load lists them. The notice comes from its own
    // request after the page's heading, so wait for it rather than reloading (a reload per poll
    // restarted that request each time and counted before it answered on a loaded machine).
    await requester.reload();
    await requester.getByRole('heading', { name: 'Payouts', exact: true }).waitFor();
    await expect.poll(() => notices.locator('li').count(), { timeout: 30_000 }).toBe(3);
    expect(await notices.textContent()).toContain('3 requests of yours were rejected');
    const notice = notices.locator('li', { hasText: 'CUST-1001' });
    expect(await notice.textContent()).toContain('rejected by Bo Both');
    expect(await notice.textContent()).toContain('“The ticket shows no outage for this customer.”');
    expect(await notice.getByRole('link', { name: 'Resubmit as a new request' }).getAttribute('href')).toBe(
      `/payouts/new?from=${first}`,
    );
    expect(await sidewaysOverflow(requester)).toBe(0);
    await eyes.snap(requester, 'requester-rejection-notice-phone');
    await notice.getByRole('link', { name: /CUST-1001/ }).click();
    const rejection = requester.locator('section.rejection');
    await rejection.waitFor();
    expect(await rejection.textContent()).toContain('The ticket shows no outage for this customer.');
    expect(
      await rejection.getByRole('link', { name: 'Resubmit as a new request' }).getAttribute('href'),
    ).toBe(`/payouts/new?from=${first}`);
    await eyes.snap(requester, 'payout-rejected-requester-phone');
    // Dismissed, the notice of that payout stays away.
    await requester.setViewportSize(DESKTOP);
    await notices
      .locator('li', { hasText: 'CUST-1002' })
      .getByRole('button', { name: /^Dismiss/ })
      .click();
    await expect.poll(() => notices.locator('li').count(), { timeout: 5_000 }).toBe(2);
    await eyes.snap(requester, 'requester-rejection-notice-desktop');

    expect(conflicts).toEqual([]);
    expect(eyes.problems).toEqual([]);
    expect(eyes.violations).toEqual([]);
    await requester.close();
  }, 240_000);
});
