import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
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

/**
 * Issue 19, items 7 and 13: an auditor (finance) filters the audit log by the actions it used to miss,
 * reads people's names and changes in words, and downloads exactly the filtered entries as CSV; a
 * requester's first sign-in shows their checklist until dismissed, and the New manual payout page
 * links to the requester guide.
 */

const context = withTestPlatform('portal-audit-help');
const trip = journey();
let browser: Browser;
const team = {} as Record<'admin' | 'finance' | 'requester' | 'approver', PortalClient>;
const PEOPLE = {
  admin: { email: 'ada@audit.test', name: 'Ada Admin', roles: ['admin' as const] },
  finance: { email: 'fiona@audit.test', name: 'Fiona Finance', roles: ['finance' as const] },
  requester: { email: 'rita@audit.test', name: 'Rita Requester', roles: ['requester' as const] },
  approver: { email: 'arne@audit.test', name: 'Arne Approver', roles: ['approver' as const] },
};
const FILTERS = ['Payout approved', 'Payout rejected', 'Report requested', 'Approval policy updated'];

async function setSupportCreditLimit(maxAmount: number) {
  const current = (await team.admin.request('GET', '/settings/manual-payouts')).body;
  const others = current.limits.filter(
    (limit: any) => !(limit.category === 'support_credit' && limit.currency === 'EUR'),
  );
  const saved = await team.admin.request('PUT', '/settings/manual-payouts', {
    body: {
      reason_codes: current.reason_codes,
      min_rationale_length: current.min_rationale_length,
      limits: [...others, { category: 'support_credit', currency: 'EUR', max_amount: maxAmount }],
      version: current.version,
    },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

async function requestPayout(customer: string): Promise<string> {
  const created = await team.requester.request('POST', '/payouts', {
    body: {
      category: 'support_credit',
      amount: 4500,
      currency: 'EUR',
      destination: { type: 'email', email: 'customer@example.com' },
      customer_reference: customer,
      reason_code: 'service_disruption',
      rationale: 'Card payments failed from 3 to 5 November (incident INC-203); 3 days × EUR 15.00.',
      ticket_url: 'https://support.example.com/tickets/4711',
    },
    headers: { 'idempotency-key': `audit-help-${customer}` },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  for (const person of Object.values(PEOPLE))
    await seedTestMember(context.platform, { ...person, tenantId: context.tenant.tenantId });
  for (const [role, person] of Object.entries(PEOPLE)) {
    const signedIn = await apiSignIn(context.platform, person.email);
    team[role as keyof typeof team] = portalClient(
      context.platform.url,
      signedIn.body.AuthenticationResult.IdToken,
      '',
      person.email,
    );
  }
  // The events the filter used to miss, and a change with money in it.
  await setSupportCreditLimit(9_900);
  await setSupportCreditLimit(12_000);
  const policy = (await team.admin.request('GET', '/settings/approval-policy')).body;
  const rules = policy.rules.map((rule: any) =>
    Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== null)),
  );
  expect(
    (
      await team.admin.request('PUT', '/settings/approval-policy', {
        body: { rules, expiry_hours: policy.expiry_hours === 48 ? 72 : 48, version: policy.version },
      })
    ).status,
  ).toBe(200);
  const [approved, rejected] = [await requestPayout('CUST-1001'), await requestPayout('CUST-1002')];
  expect((await team.approver.request('POST', `/payouts/${approved}/approve`, { body: {} })).status).toBe(
    200,
  );
  const rejection = await team.approver.request('POST', `/payouts/${rejected}/reject`, {
    body: { comment: 'No incident is recorded for this customer.' },
  });
  expect(rejection.status).toBe(200);
  const now = Date.now();
  const report = await team.finance.request('POST', '/reports', {
    body: {
      created_gte: new Date(now - 86_400_000).toISOString(),
      created_lt: new Date(now + 60_000).toISOString(),
    },
  });
  expect(report.status).toBe(202);
  // The relay writes the log from the table's stream: wait until the last action is in it.
  await eventually(
    () => team.finance.request('GET', '/audit-log?action=report.request'),
    (response) => response.body.data?.length > 0,
    20_000,
  );
  browser = await launchChromium();
}, 180_000);

afterAll(() => browser?.close());

/** Applies the action filter chosen by its words, and waits until the entries shown are its own. */
async function filterBy(page: Page, action: string) {
  await page.getByLabel('Action').selectOption({ label: action });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // An answer read before may come from the cache, without a request: wait for what the page shows.
  await expect
    .poll(async () => {
      const shown = await page.locator('.audit-headline').allTextContents();
      return shown.length > 0 && shown.every((headline) => headline.startsWith(action));
    })
    .toBe(true);
}

const headlines = (page: Page) => page.locator('.audit-headline').allTextContents();

describe('the audit log for an auditor', () => {
  it('filters by every action, names people, says changes in words, and exports the filter as CSV', async () => {
    const page = await trip.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, PEOPLE.finance.email);
    await page.goto(`${context.platform.url}/audit-log`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();

    const shown: Record<string, string[]> = {};
    for (const action of FILTERS) {
      await filterBy(page, action);
      shown[action] = await headlines(page);
    }
    await filterBy(page, 'Payout criteria updated');
    const criteriaText = await page.locator('.audit-entry').first().textContent();
    await trip.snap(page, 'audit-log-criteria');
    await filterBy(page, 'Payout approved');
    await trip.snap(page, 'audit-log-approved');
    const pageText = await page.locator('main').textContent();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download these entries (CSV)' }).click(),
    ]);
    const rows = parse(readFileSync(await download.path()), { bom: true, columns: true }) as any[];
    const listed = (await team.finance.request('GET', '/audit-log?action=payout.approve&limit=100')).body
      .data;
    const approverId = (await team.admin.request('GET', '/members')).body.data.find(
      (member: any) => member.email === PEOPLE.approver.email,
    ).id;
    await page.setViewportSize(PHONE);
    await trip.snap(page, 'audit-log-phone');
    const overflow = await sidewaysOverflow(page);

    for (const action of FILTERS) {
      expect(shown[action]?.length, action).toBeGreaterThan(0);
      expect(
        shown[action]?.every((headline) => headline.startsWith(action)),
        `${action}: ${shown[action]}`,
      ).toBe(true);
    }
    expect(shown['Payout approved']).toContain(`Payout approved by Arne Approver (${PEOPLE.approver.email})`);
    expect(shown['Report requested']?.[0]).toContain('Fiona Finance');
    expect(criteriaText).toContain('Maximum amount, Support credit in EUR: EUR 99.00 → EUR 120.00');
    expect(pageText).not.toContain(approverId);
    expect(download.suggestedFilename()).toMatch(/^audit-log-payout-approve-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(rows.map((row) => row['Entry ID'])).toEqual(listed.map((entry: any) => entry.id));
    expect(rows.every((row) => row.Action === 'Payout approved')).toBe(true);
    expect(rows[0].Who).toBe(`Arne Approver (${PEOPLE.approver.email})`);
    expect(overflow).toBe(0);
    expect(await codeNamesShown(page)).toEqual([]);
    await page.close();
  });
});

describe('guides and the first-sign-in checklist', () => {
  it("shows a requester's checklist until dismissed, and links New manual payout to the requester guide", async () => {
    const page = await trip.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, PEOPLE.requester.email);
    const checklist = page.getByRole('heading', { name: 'Welcome, Rita Requester: your first steps' });
    await checklist.waitFor();
    await trip.snap(page, 'first-steps-requester');
    const steps = await page.locator('.first-steps li').allTextContents();
    await page.getByRole('button', { name: 'Hide these first steps' }).click();
    const hiddenAtOnce = await checklist.isVisible();
    await page.reload();
    await page.getByRole('heading', { name: 'Payouts', exact: true }).waitFor();
    const shownAfterReload = await checklist.isVisible();

    await page.goto(`${context.platform.url}/payouts/new`);
    const guideLink = page.getByRole('link', { name: 'Guide: Requesting a payout' });
    await guideLink.click();
    await page.getByRole('heading', { name: 'Requesting a payout', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Reasons and maximum amounts' }).waitFor();
    await page.getByText('Support credit in EUR: at most EUR 120.00').waitFor();
    const guideText = await page.locator('main').textContent();
    await trip.snap(page, 'guide-requester');
    await page.setViewportSize(PHONE);
    await trip.snap(page, 'guide-requester-phone');
    const overflow = await sidewaysOverflow(page);

    expect(steps).toContain('Create your first manual payout');
    expect(hiddenAtOnce).toBe(false);
    expect(shownAfterReload).toBe(false);
    expect(page.url()).toBe(`${context.platform.url}/help/requester`);
    for (const section of [
      'What a good rationale contains',
      'What each status means',
      'What happens after a rejection',
      'How the approval policy works',
      'How to prepare a batch file',
    ])
      expect(guideText).toContain(section);
    expect(guideText).toContain('Pending approval');
    expect(overflow).toBe(0);
    expect(await codeNamesShown(page)).toEqual([]);
  });

  it('has no accessibility violations and no page errors on any page visited', () => {
    expect(trip.violations).toEqual([]);
    expect(trip.problems).toEqual([]);
  });
});
