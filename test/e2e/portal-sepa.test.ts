import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { LOCAL_BANK_FILES_BUCKET } from '../../local/runtime.js';
import { platformS3Client } from '../../shared/adapters/s3.js';
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

/**
 * Issue 21 in the Business Portal: an admin sets up SEPA credit transfer files on Payout rails (a bad
 * IBAN named beside its field, in words), routes EUR bank payouts to them, cuts a file now and reads
 * it in the list; the payouts are then processing in that file. The schedule is set an hour apart so
 * that only the button cuts a file during the test.
 */
const context = withTestPlatform('portal-sepa', { execution: { sepaCutOffSeconds: 3600 } });
let browser: Browser;
/** The admin's portal API client, to read back what the page saved. */
let ada: PortalClient;
/** An admin of another tenant: sees none of these files. */
let olga: PortalClient;

const RAIL = 'SEPA credit transfer files';

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  await seedTestMember(context.platform, {
    email: 'ada@sepa.test',
    name: 'Ada Admin',
    roles: ['admin'],
    tenantId: context.tenant.tenantId,
  });
  const other = await context.platform.newTenant('Other payroll');
  await seedTestMember(context.platform, {
    email: 'olga@other.test',
    name: 'Olga Other',
    roles: ['admin'],
    tenantId: other.tenantId,
  });
  const tokenOf = async (email: string) =>
    (await apiSignIn(context.platform, email)).body.AuthenticationResult.IdToken as string;
  ada = portalClient(context.platform.url, await tokenOf('ada@sepa.test'));
  olga = portalClient(context.platform.url, await tokenOf('olga@other.test'));
  browser = await launchChromium();
}, 120_000);

afterAll(() => browser?.close());

/** A EUR payout to a French IBAN through the tenant's API key: routed to SEPA by the rule. */
async function salary(name: string, amount: number) {
  const created = await context.tenant.createPayout(
    payoutBody({
      amount,
      currency: 'EUR',
      destination: { type: 'bank_account', account_holder_name: name, iban: 'FR1420041010050500013M02606' },
    }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.connector).toBe('sepa_file');
  return created.body.id as string;
}

async function objectText(key: string): Promise<string> {
  const object = await platformS3Client().send(
    new GetObjectCommand({ Bucket: LOCAL_BANK_FILES_BUCKET, Key: key }),
  );
  return (await object.Body?.transformToString('utf8')) ?? '';
}

describe('SEPA files in the Business Portal (issue 21)', () => {
  it('an admin sets up SEPA (a bad IBAN refused beside its field), routes EUR bank payouts to it, cuts a file now and finds the payouts in it', async () => {
    const eyes = journey();
    const page = await eyes.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, 'ada@sepa.test');
    await page.getByRole('button', { name: 'Workspace' }).click();
    await page.getByRole('link', { name: 'Payout rails' }).click();
    await page.getByRole('heading', { name: 'Payout rails', level: 1 }).waitFor();
    const card = page.getByRole('region', { name: RAIL, exact: true });
    await card.getByText('Not set up').waitFor();

    // Settings, not secrets: plain text fields in words, no webhook address to copy.
    for (const field of ['Account holder name', 'IBAN', 'BIC', 'Cut-off', 'Time zone'])
      expect(await card.getByLabel(field, { exact: true }).getAttribute('type'), field).toBe('text');
    expect(await card.getByText('Webhook URL').count()).toBe(0);
    await card.getByLabel('Account holder name', { exact: true }).fill('Acme Payroll GmbH');
    // One digit off: the IBAN's check digits fail.
    await card.getByLabel('IBAN', { exact: true }).fill('DE89 3704 0044 0532 0130 01');
    await card.getByLabel('BIC', { exact: true }).fill('COBADEFFXXX');
    await card.getByLabel('Cut-off', { exact: true }).fill('14:00');
    await card.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
    await card.getByRole('button', { name: `Save ${RAIL}` }).click();
    await card
      .getByText('IBAN must be a valid IBAN of a country in the SEPA scheme.', { exact: true })
      .waitFor();
    expect(await card.getByLabel('IBAN', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await card.getByLabel('BIC', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(await card.getByRole('alert').textContent()).toBe('One field needs correcting: see below.');
    expect(await codeNamesShown(page)).toEqual([]);
    await eyes.snap(page, 'payout-rails-sepa-bad-iban-desktop');
    expect((await ada.request('GET', '/payout-rails')).body.connectors).toEqual([]);

    await card.getByLabel('IBAN', { exact: true }).fill('DE89 3704 0044 0532 0130 00');
    await card.getByRole('button', { name: `Save ${RAIL}` }).click();
    await card.getByText(`The settings of ${RAIL} were saved.`).waitFor();
    // Shown back, in words; never called credentials or keys.
    const shown = await card
      .locator('dl.details')
      .evaluate((list) =>
        [...list.querySelectorAll('dt')].map(
          (term) => `${term.textContent}: ${term.nextElementSibling?.textContent}`,
        ),
      );
    expect(shown).toEqual(
      expect.arrayContaining([
        'Account holder name: Acme Payroll GmbH',
        'BIC: COBADEFFXXX',
        'Cut-off: Every day at 14:00',
        'Time zone: Europe/Berlin',
      ]),
    );
    expect(shown.some((line) => line.startsWith('IBAN: DE89'))).toBe(true);
    expect(await card.textContent()).not.toMatch(/credential|API key|sepa_file|debtor_|cut_off/i);
    const saved = (await ada.request('GET', '/payout-rails')).body.connectors;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      name: 'sepa_file',
      mode: 'test',
      public_fields: {
        debtor_name: 'Acme Payroll GmbH',
        debtor_bic: 'COBADEFFXXX',
        cut_off: '14:00',
        time_zone: 'Europe/Berlin',
      },
    });
    expect(saved[0].public_fields.debtor_iban.replace(/\s/g, '')).toBe('DE89370400440532013000');
    // Changing the settings starts from what is saved.
    await card.getByRole('button', { name: 'Change settings' }).click();
    expect(await card.getByLabel('Account holder name', { exact: true }).inputValue()).toBe(
      'Acme Payroll GmbH',
    );
    await card.getByRole('button', { name: 'Keep the saved settings' }).click();

    // No file yet: the section says when the schedule cuts the next one.
    const files = page.getByRole('region', { name: 'SEPA files', exact: true });
    await files
      .getByText(/^No files yet\. The next file is cut at .+, with the payouts waiting by then\.$/)
      .waitFor();

    // EUR bank accounts → SEPA.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.getByRole('group', { name: 'Rule 1' });
    await rule.getByLabel('Destination type').selectOption({ label: 'Bank account (IBAN)' });
    await rule.getByLabel('Currency (optional)').fill('EUR');
    expect(await rule.getByLabel('Rail').locator('option').allTextContents()).toContain(RAIL);
    await rule.getByLabel('Rail').selectOption({ label: RAIL });
    await page.getByRole('button', { name: 'Save routing' }).click();
    await page.getByText('The routing was saved.').waitFor();
    expect((await ada.request('GET', '/payout-rails')).body.rules).toEqual([
      { destination_type: 'bank_account', currency: 'EUR', connector: 'sepa_file' },
    ]);
    await eyes.snap(page, 'payout-rails-sepa-desktop');

    // Two salaries wait for the cut-off (the executor leaves SEPA payouts to it).
    const ids = [await salary('Grace Hopper', 12_500), await salary('Alan Turing', 7_550)];
    await eventually(
      () =>
        Promise.all(ids.map(async (id) => (await context.tenant.request('GET', `/v1/payouts/${id}`)).body)),
      (payouts) => payouts.every((payout) => payout.status === 'queued'),
    );

    await files.getByRole('button', { name: 'Cut a file now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cut a SEPA file now?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Every payout waiting for ${RAIL} goes into one file now`);
    await eyes.snap(page, 'payout-rails-sepa-cut-dialog-desktop');
    await dialog.getByRole('button', { name: 'Cut the file' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await files
      .getByText('A file of 2 transfers totalling EUR 200.50 was written for your bank gateway.')
      .waitFor({ timeout: 15_000 });
    const row = files.locator('tbody tr').first();
    await expect.poll(() => row.locator('td[data-label="Transfers"]').textContent()).toBe('2');
    expect(await row.locator('td[data-label="Total"]').textContent()).toBe('EUR 200.50');
    expect(await row.locator('td[data-label="Status"]').textContent()).toBe('Written');
    const key = (await row.locator('td[data-label="File"] code').textContent()) ?? '';
    expect(key).toMatch(
      new RegExp(`^tenants/${context.tenant.tenantId}/outbound-test/bf-\\d{8}T\\d{4,6}Z\\.xml$`),
    );
    expect(await files.locator('tbody tr').count()).toBe(1);
    expect(await codeNamesShown(page)).toEqual([]);
    await eyes.snap(page, 'payout-rails-sepa-files-desktop');

    // What was saved: the file in the list, its object in the bucket, the payouts in it.
    const listed = (await ada.request('GET', '/payout-rails/sepa-files')).body;
    expect(listed.data).toHaveLength(1);
    const file = listed.data[0];
    expect(file).toMatchObject({ status: 'written', transfer_count: 2, control_sum_minor: '20050', key });
    const xml = await objectText(key);
    expect(xml).toContain('<NbOfTxs>2</NbOfTxs>');
    expect(xml).toContain('<CtrlSum>200.50</CtrlSum>');
    for (const id of ids) {
      const payout = (await context.tenant.request('GET', `/v1/payouts/${id}`)).body;
      expect(payout).toMatchObject({
        status: 'processing',
        connector: 'sepa_file',
        provider_reference: file.id,
      });
    }

    // Another tenant's admin: none of these files, even naming one as the cursor; nothing to cut.
    expect((await olga.request('GET', '/payout-rails/sepa-files')).body).toMatchObject({
      data: [],
      has_more: false,
      next_cut_off_at: null,
    });
    const probed = await olga.request('GET', `/payout-rails/sepa-files?starting_after=${file.id}`);
    expect(probed.status).toBe(200);
    expect(probed.body.data).toEqual([]);
    expect((await olga.request('POST', '/payout-rails/sepa-files/cut-off')).status).toBe(409);

    // On a phone: the files are cards, nothing scrolls sideways.
    await page.setViewportSize(PHONE);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'payout-rails-sepa-files-phone');
    await page.close();

    expect(eyes.problems).toEqual([]);
    expect(eyes.violations).toEqual([]);
  }, 90_000);
});
