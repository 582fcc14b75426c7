import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortalIfStale } from '../../local/build-portal.js';
import { launchChromium } from '../helpers/browser.js';
import { payoutBody, withTestPlatform } from '../helpers/platform.js';
import { signIn as apiSignIn, type PortalClient, portalClient, seedTestMember } from '../helpers/portal.js';
import {
  codeNamesShown,
  DESKTOP,
  journey,
  PHONE,
  sidewaysOverflow,
  signInInBrowser,
} from '../helpers/portal-browser.js';

/** The admin's pages: webhooks (events, deliveries, rotation), team, labels, and the top bar. */
const context = withTestPlatform('portal-admin', {
  execution: { webhookRetrySchedule: '1,1' },
});
let browser: Browser;
/** The admin's portal API client, to read back what the pages saved. */
let admin: PortalClient;

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
/** A webhook receiver on loopback: answers 200 and keeps every delivery. */
const received: Received[] = [];
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  await buildPortalIfStale(() => undefined);
  const tenantId = context.tenant.tenantId;
  for (const person of [
    { email: 'ada@admin.test', name: 'Ada Admin', roles: ['admin' as const] },
    { email: 'vic@admin.test', name: 'Vic Viewer', roles: ['viewer' as const] },
    { email: 'dora@admin.test', name: 'Dora Departing', roles: ['requester' as const] },
  ])
    await seedTestMember(context.platform, { ...person, tenantId });
  admin = portalClient(
    context.platform.url,
    (await apiSignIn(context.platform, 'ada@admin.test')).body.AuthenticationResult.IdToken,
  );
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  receiver?.closeAllConnections();
  receiver?.close();
});

/** Opens the top bar's Workspace menu and follows one of its links. */
async function workspacePage(page: Page, name: string) {
  await page.getByRole('button', { name: 'Workspace' }).click();
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
}

const deliveriesTo = (path: string, type: string, payoutId: string) =>
  received.filter((entry) => {
    const event = JSON.parse(entry.body);
    return entry.path === path && event.type === type && event.data.object.id === payoutId;
  });

async function paidPayout(overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await context.tenant.createPayout(payoutBody(overrides));
  expect(created.status).toBe(201);
  await expect
    .poll(() => received.some((entry) => JSON.parse(entry.body).data.object.id === created.body.id), {
      timeout: 30_000,
    })
    .toBe(true);
  return created.body.id;
}

describe('the admin in the Business Portal', () => {
  it('adds webhook endpoints with all or chosen events, sees their deliveries, rotates a secret after confirming; deactivates a member only after confirming; one-line top bar; labels in words', async () => {
    const eyes = journey();
    const page = await eyes.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, 'ada@admin.test');

    // The top bar is one row at 1440 px: the workspace pages sit under one menu.
    const bar = await page.locator('header.topbar').boundingBox();
    expect(bar?.height).toBeLessThan(64);
    await page.getByRole('button', { name: 'Workspace' }).click();
    expect(await page.locator('.nav-menu').getByRole('link').allTextContents()).toEqual([
      'Team',
      'API keys',
      'Webhooks',
      'Payout rails',
      'Payout criteria',
      'Approval policy',
    ]);
    await eyes.snap(page, 'top-bar-workspace-menu');
    await page.keyboard.press('Escape');
    expect(await page.locator('header.topbar').getByRole('link', { name: 'Team', exact: true }).count()).toBe(
      0,
    );
    await expect.poll(() => page.locator(':focus').textContent()).toContain('Workspace');

    // Webhooks: every problem at once, in words, before anything is sent.
    await workspacePage(page, 'Webhooks');
    await page.getByLabel('Only the events I choose').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Enter the address that receives the events.').waitFor();
    await page.getByText('Choose at least one event, or send all events.').waitFor();
    expect(await codeNamesShown(page)).toEqual([]);
    await eyes.snap(page, 'webhooks-errors');

    // One endpoint for every event, one for two chosen events.
    await page.getByLabel('All events, also ones added later').check();
    await page.getByLabel('URL').fill(`${receiverUrl}/all`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const firstSecret = page.locator('.notice code.secret');
    await expect.poll(() => firstSecret.textContent()).toMatch(/^whsec_/);
    const allSecret = (await firstSecret.textContent()) as string;

    await page.getByLabel('URL').fill(`${receiverUrl}/chosen`);
    await page.getByLabel('Only the events I choose').check();
    const payouts = page.getByRole('group', { name: 'Payouts' });
    await payouts.getByLabel('Paid').check();
    await payouts.getByLabel('Failed').check();
    await page.getByLabel('Description (optional)').fill('Money arrived or not');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText(`${receiverUrl}/chosen was added.`).waitFor();

    const saved = (await admin.request('GET', '/webhook-endpoints')).body.data as {
      url: string;
      enabled_events: string[];
      description: string | null;
    }[];
    expect(
      saved.map(({ url, enabled_events, description }) => ({ url, enabled_events, description })),
    ).toEqual(
      expect.arrayContaining([
        { url: `${receiverUrl}/all`, enabled_events: ['*'], description: null },
        {
          url: `${receiverUrl}/chosen`,
          enabled_events: ['payout.paid', 'payout.failed'],
          description: 'Money arrived or not',
        },
      ]),
    );
    const allCard = page.locator('li.endpoint', { hasText: `${receiverUrl}/all` });
    const chosenCard = page.locator('li.endpoint', { hasText: `${receiverUrl}/chosen` });
    expect(await allCard.locator('dd').allTextContents()).toContain('All events');
    expect(await chosenCard.locator('dd').allTextContents()).toContain('Payout paid, Payout failed');

    // A payout is paid: both endpoints get it, each delivery listed with its status and latency.
    const first = await paidPayout();
    await expect
      .poll(() => deliveriesTo('/chosen', 'payout.paid', first).length, { timeout: 30_000 })
      .toBe(1);
    // The chosen endpoint gets only what it chose; the other gets every event.
    expect(
      received.filter((entry) => entry.path === '/chosen').map((entry) => JSON.parse(entry.body).type),
    ).toEqual(['payout.paid']);
    expect(deliveriesTo('/all', 'payout.created', first)).toHaveLength(1);
    for (const card of [allCard, chosenCard]) {
      const paid = card.locator('table.deliveries tbody tr', { hasText: 'Payout paid' });
      await expect
        .poll(
          async () => {
            await card.getByRole('button', { name: /^Refresh deliveries/ }).click();
            return paid.count();
          },
          { timeout: 20_000 },
        )
        .toBe(1);
      const [, event, attempt, outcome, latency] = await paid.locator('td').allTextContents();
      expect({ event, attempt, outcome }).toEqual({
        event: 'Payout paid',
        attempt: '1',
        outcome: 'Delivered HTTP 200',
      });
      expect(latency).toMatch(/^\d[\d,]* ms$/);
    }
    expect(await chosenCard.locator('table.deliveries tbody tr').count()).toBe(1);
    await eyes.snap(page, 'webhooks');

    // Rotating the secret asks first; Cancel changes nothing.
    await allCard.getByRole('button', { name: /^Rotate signing secret/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await dialog.waitFor();
    await eyes.snap(page, 'webhooks-rotate-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await allCard.locator('.notice').count()).toBe(0);
    await allCard.getByRole('button', { name: /^Rotate signing secret/ }).click();
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = allCard.locator('.notice code.secret');
    await expect.poll(() => rotated.textContent()).toMatch(/^whsec_/);
    const newSecret = (await rotated.textContent()) as string;
    expect(newSecret).not.toBe(allSecret);
    // The next delivery verifies with the new secret (and, for a day, with the old one).
    const second = await paidPayout();
    await expect.poll(() => deliveriesTo('/all', 'payout.paid', second).length, { timeout: 30_000 }).toBe(1);
    const [delivery] = deliveriesTo('/all', 'payout.paid', second);
    const headers = delivery?.headers as Record<string, string>;
    expect(new Webhook(newSecret).verify(delivery?.body as string, headers)).toMatchObject({
      type: 'payout.paid',
    });
    expect(new Webhook(allSecret).verify(delivery?.body as string, headers)).toMatchObject({
      type: 'payout.paid',
    });

    // Redelivery of what failed: nothing failed here, and the page says so in words.
    await allCard.getByRole('button', { name: /^Redeliver failed events/ }).click();
    await allCard.getByText('No failed deliveries in the last 24 hours: nothing to redeliver.').waitFor();
    expect(await codeNamesShown(page)).toEqual([]);

    // Labels in words: a one-time refund made through the API.
    const refund = await context.tenant.createPayout(payoutBody({ purpose: 'one_time_refund' }));
    expect(refund.status).toBe(201);
    await page.getByRole('link', { name: 'Payouts', exact: true }).click();
    const row = page.locator('tbody tr', { hasText: refund.body.reference });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells).toContain('One-time refund');
    expect(cells).toContain('API');
    expect(cells.join(' ')).not.toMatch(/One time refund|\bApi\b/);

    // Team: deactivating asks first; Cancel keeps the member active.
    await workspacePage(page, 'Team');
    const status = async () =>
      ((await admin.request('GET', '/members')).body.data as { email: string; status: string }[]).find(
        (member) => member.email === 'dora@admin.test',
      )?.status;
    await page.getByRole('button', { name: 'Deactivate Dora Departing' }).click();
    const deactivate = page.getByRole('dialog', { name: 'Deactivate Dora Departing?' });
    await deactivate.waitFor();
    await eyes.snap(page, 'team-deactivate-confirm');
    await deactivate.getByRole('button', { name: 'Cancel' }).click();
    await deactivate.waitFor({ state: 'hidden' });
    expect(await status()).toBe('active');
    await page.getByRole('button', { name: 'Deactivate Dora Departing' }).click();
    await deactivate.getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(status).toBe('deactivated');
    await page.getByRole('button', { name: 'Reactivate Dora Departing' }).waitFor();
    await eyes.snap(page, 'team-admin');

    // The phone: the top bar wraps in rows but nothing overflows sideways, the menu fits the screen.
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: 'Workspace' }).click();
    const menu = await page.locator('.nav-menu').boundingBox();
    expect(menu && menu.x >= 0 && menu.x + menu.width <= PHONE.width).toBe(true);
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'top-bar-phone');
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('heading', { name: 'Webhook endpoints' }).waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    await eyes.snap(page, 'webhooks-phone');

    expect(eyes.problems).toEqual([]);
    expect(eyes.violations).toEqual([]);
    await page.close();
  }, 120_000);

  it('a viewer sees the Team page without an invite form or a control to change anyone', async () => {
    const eyes = journey();
    const page = await eyes.open(browser, DESKTOP);
    await signInInBrowser(page, context.platform.url, 'vic@admin.test');
    expect(await page.getByRole('button', { name: 'Workspace' }).count()).toBe(0);
    await page.goto(`${context.platform.url}/team`);
    await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    await page.getByText(/ask an admin of your team/i).waitFor();
    expect(await page.getByRole('button', { name: 'Invite' }).count()).toBe(0);
    expect(await page.getByRole('textbox').count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Deactivate|Change roles|Reset two-step/ }).count()).toBe(
      0,
    );
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    await eyes.snap(page, 'team-viewer');
    expect(eyes.problems).toEqual([]);
    expect(eyes.violations).toEqual([]);
    await page.close();
  }, 60_000);
});
