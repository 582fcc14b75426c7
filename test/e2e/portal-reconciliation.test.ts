import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { localDynamoClient } from '../../local/dynamodb-local.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { addSandboxLedgerEntry } from '../../shared/adapters/sandbox-statement.js';
import { launchChromium } from '../helpers/browser.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';
import { signIn as apiSignIn, type PortalClient, portalClient, seedTestMember } from '../helpers/portal.js';
import {
  codeNamesShown,
  DESKTOP,
  journey,
  PHONE,
  sidewaysOverflow,
  signInInBrowser,
} from '../helpers/portal-browser.js';

/** Issue 20: finance runs a day's reconciliation from the portal, reads the differences, resolves one. */
const context = withTestPlatform('portal-reconciliation');
let browser: Browser;
let fiona: PortalClient;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  const tenantId = context.tenant.tenantId;
  await seedTestMember(context.platform, {
    email: 'fiona@recon.test',
    name: 'Fiona Finance',
    roles: ['finance'],
    tenantId,
  });
  await seedTestMember(context.platform, {
    email: 'rita@recon.test',
    name: 'Rita Requester',
    roles: ['requester'],
    tenantId,
  });
  fiona = portalClient(
    context.platform.url,
    (await apiSignIn(context.platform, 'fiona@recon.test')).body.AuthenticationResult.IdToken,
  );
  browser = await launchChromium();
}, 120_000);

afterAll(() => browser?.close());

/** A payout by the tenant's API to an email (the sandbox's tags pick the provider's side), once final. */
async function paidTo(email: string, amount: number) {
  const created = await context.tenant.createPayout(
    payoutBody({ amount, currency: 'EUR', destination: { type: 'email', email } }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const payout = await eventually(
    async () => (await context.tenant.request('GET', `/v1/payouts/${created.body.id}`)).body,
    (current) => ['paid', 'failed', 'returned'].includes(current.status),
  );
  expect(payout.status).toBe('paid');
  return payout as { id: string; reference: string };
}

describe('reconciliation in the Business Portal (issue 20)', () => {
  it('finance runs today from the page, reads the counts and both totals, resolves the amount difference with a note; phone layout; a requester is turned away', async () => {
    const [, wrongAmount] = await Promise.all([
      paidTo('ok@example.com', 2500),
      paidTo('ada+recon_amount_mismatch@example.com', 1000),
      paidTo('bob+recon_missing@example.com', 700),
    ]);
    // Money the provider moved for no payout of ours.
    const dynamo = localDynamoClient(context.platform.dynamodbEndpoint);
    await addSandboxLedgerEntry(
      { client: createDocumentClient(dynamo), table: context.platform.tableName },
      { tenantId: context.tenant.tenantId, amount: 9900, currency: 'EUR' },
    );
    dynamo.destroy();

    const eyes = journey();
    const page = await eyes.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, 'fiona@recon.test');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reconciliation' })
      .click();
    await page.getByRole('heading', { name: 'Reconciliation', level: 1 }).waitFor();
    // The rail offered, the day stated as a UTC day and yesterday unless changed.
    await expect.poll(() => page.getByLabel('Payout rail').inputValue(), { timeout: 10_000 }).toBe('sandbox');
    expect(await page.getByLabel('Payout rail').locator('option').allTextContents()).toEqual(['Sandbox']);
    const day = page.getByLabel('Day (UTC)');
    expect(await day.inputValue()).toBe(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    expect(await page.getByRole('link', { name: 'Guide: Reconciling and auditing payouts' }).count()).toBe(1);
    await day.fill(today);
    await page.getByRole('button', { name: 'Run reconciliation' }).click();
    await page.getByText(`Run of Sandbox, ${today} (UTC day) started`).waitFor();

    // The list follows the run (polled) until it is completed, with its differences.
    const row = page.locator('.recon-runs tbody tr').first();
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 60_000 }).toBe('Completed');
    expect(await row.textContent()).toContain('3 differences');
    expect(await row.textContent()).toContain('1 matched · 0 in flight');
    await eyes.snap(page, 'reconciliation-runs-desktop');

    // The run: counts in words, both sides' totals, the differences first.
    await row.getByRole('link', { name: `Sandbox, ${today} (UTC day)` }).click();
    await page
      .getByRole('heading', { name: `Reconciliation of Sandbox, ${today} (UTC day)`, level: 1 })
      .waitFor();
    await page.getByRole('heading', { name: '3 differences' }).waitFor();
    const counts = await page
      .locator('.recon-counts > div')
      .evaluateAll((cells) =>
        cells.map(
          (cell) => `${cell.querySelector('dt')?.textContent}: ${cell.querySelector('dd')?.textContent}`,
        ),
      );
    expect(counts).toEqual([
      'Amount differs: 1',
      'Status differs: 0',
      'Missing at provider: 1',
      'Unknown at provider: 1',
      'In flight: 0',
      'Matched: 1',
    ]);
    expect(await page.locator('.recon-totals li').allTextContents()).toEqual([
      'Ours: 3 paid, EUR 42.00 — Provider: 3 paid, EUR 134.01',
    ]);
    const csv = await page
      .getByRole('link', { name: 'Download every item as the run found it (CSV)' })
      .getAttribute('href');
    const file = await fetch(csv ?? '');
    expect(file.status).toBe(200);
    expect((await file.text()).split('\n').filter(Boolean)).toHaveLength(5);
    const items = page.locator('.recon-items tbody tr');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(4);
    expect(await items.locator('td:first-child').allTextContents()).toEqual([
      'Amount differs',
      'Missing at provider',
      'Unknown at provider',
      'Matched',
    ]);
    // Our payout beside the provider's record, one minor unit apart.
    const difference = items.first();
    expect(await difference.getByRole('link', { name: wrongAmount.reference }).getAttribute('href')).toBe(
      `/payouts/${wrongAmount.id}`,
    );
    expect(await difference.locator('td[data-label="Our payout"]').textContent()).toContain('EUR 10.00');
    expect(await difference.locator('td[data-label="Provider\'s record"]').textContent()).toContain(
      'EUR 10.01',
    );
    await eyes.snap(page, 'reconciliation-run-desktop');

    // The outcome filter: only the matched one.
    await page.getByLabel('Outcome', { exact: true }).selectOption({ label: 'Matched (1)' });
    await expect.poll(() => items.locator('td:first-child').allTextContents()).toEqual(['Matched']);
    await page.getByLabel('Outcome', { exact: true }).selectOption({ label: 'All, differences first' });
    await expect.poll(() => items.count()).toBe(4);

    // Resolving asks for a note of at least 3 characters.
    await difference
      .getByRole('button', { name: `Resolve Amount differs: ${wrongAmount.reference}` })
      .click();
    const dialog = page.getByRole('dialog', { name: `Resolve Amount differs: ${wrongAmount.reference}?` });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Resolve difference' });
    const note = dialog.getByLabel('How was it settled? (required)');
    await note.fill(' ok ');
    expect(await confirm.isDisabled()).toBe(true);
    await note.fill('The provider charged one cent of fees; booked as bank charges.');
    await eyes.snap(page, 'reconciliation-resolve-dialog-desktop');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });
    await expect
      .poll(() => difference.locator('.recon-resolution').textContent(), { timeout: 10_000 })
      .toMatch(/^Resolved by Fiona Finance \(fiona@recon\.test\), .+: “The provider charged one cent/);
    const runId = page.url().split('/').pop() ?? '';
    const stored = (await fiona.request('GET', `/reconciliation-runs/${runId}/items?outcome=amount_mismatch`))
      .body;
    expect(stored.data[0]).toMatchObject({
      payout_id: wrongAmount.id,
      resolution: { note: 'The provider charged one cent of fees; booked as bank charges.' },
    });
    expect(stored.data[0].resolution.resolved_by).toMatchObject({ type: 'member', name: 'Fiona Finance' });
    expect(await codeNamesShown(page)).toEqual([]);
    // The items as they are now, resolution included (the run's own file was written before it).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download these items with resolutions (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`reconciliation-sandbox-${today}.csv`);
    const rows = parse(readFileSync(await download.path()), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((row) => [row.outcome, row.resolved_by, row.resolution_note])).toEqual([
      [
        'amount_mismatch',
        'Fiona Finance <fiona@recon.test>',
        'The provider charged one cent of fees; booked as bank charges.',
      ],
      ['missing_at_provider', '', ''],
      ['unknown_at_provider', '', ''],
      ['matched', '', ''],
    ]);

    // On a phone: cards, nothing sideways, on the run and on the list.
    await page.setViewportSize(PHONE);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'reconciliation-run-phone');
    await page.getByRole('link', { name: 'Back to all runs' }).click();
    await page.locator('.recon-runs tbody tr').first().waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await codeNamesShown(page)).toEqual([]);
    await eyes.snap(page, 'reconciliation-runs-phone');
    await page.close();

    // A requester: no menu entry, and a deep link says which role would let them.
    const requester = await eyes.open(browser, DESKTOP);
    await signInInBrowser(requester, context.platform.url, 'rita@recon.test');
    expect(
      await requester
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Reconciliation' })
        .count(),
    ).toBe(0);
    await requester.goto(`${context.platform.url}/reconciliation/${runId}`);
    await requester
      .getByText('You need the Admin or Finance role to reconcile payouts with the providers.')
      .waitFor();
    await requester.close();

    expect(eyes.problems).toEqual([]);
    expect(eyes.violations).toEqual([]);
  }, 180_000);
});
