import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_KMS_KEY_ID } from '../../local/aws/local-kms.js';
import { createKmsSecretSealer } from '../../shared/adapters/kms-secret-sealer.js';
import { CONNECTOR_REGISTRY } from '../../shared/connectors/registry.js';
import { SYSTEM } from '../../shared/domain/audit.js';
import { connectorsUseCase } from '../../shared/use-cases/connectors.js';
import { connectorRuntimes } from '../../shared/wiring/connectors.js';
import { startAdyenFake } from '../contracts/adyen-fake.js';
import { startPaypalFake } from '../contracts/paypal-fake.js';
import type { ProviderFake } from '../contracts/provider-fake.js';
import { startStripeFake } from '../contracts/stripe-fake.js';
import { payoutBody, startTestPlatform, type TenantClient, type TestPlatform } from '../helpers/platform.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Each connector end to end through `npm start`'s stack, against its provider fake (every request
 * checked against the provider's own API document): create a payout → the executor calls the
 * provider → the provider's webhook comes in → paid; a failure → failed with the mapped code; a
 * return → returned, and `payout.returned` reaches the tenant's webhook endpoint.
 */
let platform: TestPlatform;
let tenant: TenantClient;
const fakes: Record<'stripe' | 'adyen' | 'paypal', ProviderFake> = {} as never;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Retries an assertion until it holds (or the time is up: the last failure is thrown). */
async function until(assertion: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function caller(tenantId: string) {
  return { tenantId, actor: SYSTEM, sourceIp: null, requestId: 'test' };
}

beforeAll(async () => {
  [fakes.stripe, fakes.adyen, fakes.paypal] = await Promise.all([
    startStripeFake(),
    startAdyenFake(),
    startPaypalFake(),
  ]);
  platform = await startTestPlatform('connectors', {
    execution: {
      // No sandbox: every payout must leave through a real rail, or be refused.
      sandboxRail: 'off',
      connectorBaseUrls: { stripe: fakes.stripe.url, adyen: fakes.adyen.url, paypal: fakes.paypal.url },
      connectorTimeoutMs: 3000,
    },
  });
  tenant = await platform.newTenant('Rails');
  const config = { PAYOUTS_CONNECTOR_BASE_URLS: undefined, PAYOUTS_CONNECTOR_TIMEOUT_MS: 3000 };
  const rails = connectorsUseCase({
    store: platform.adapters.connectors,
    sealer: createKmsSecretSealer({ keyId: LOCAL_KMS_KEY_ID }),
    registry: CONNECTOR_REGISTRY,
    sandboxAvailable: false,
    runtimeFor: connectorRuntimes(config, CONNECTOR_REGISTRY),
  });
  for (const name of ['stripe', 'adyen', 'paypal'] as const)
    await rails.set(caller(tenant.tenantId), {
      connector: name,
      mode: 'test',
      credentials: fakes[name].credentials,
    });
  await rails.route(caller(tenant.tenantId), {
    rules: [
      { destination_type: 'stripe_account', connector: 'stripe' },
      { destination_type: 'bank_account', currency: 'EUR', connector: 'adyen' },
      { destination_type: 'email', connector: 'paypal' },
    ],
  });
  receiver = await startWebhookReceiver(tenant, ['payout.returned', 'payout.paid', 'payout.failed']);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await Promise.all(Object.values(fakes).map((fake) => fake?.close()));
  receiver?.close();
});

const destinations = {
  // The Stripe fake reads its outcome from the account id's prefix (acct_fail_account_closed…).
  stripe: (tag = '') => ({ type: 'stripe_account', account: `acct_${tag}1Rails` }),
  adyen: (tag = '') => ({
    type: 'bank_account',
    account_holder_name: `Ada Lovelace${tag ? ` +${tag}` : ''}`,
    iban: 'NL91ABNA0417164300',
  }),
  paypal: (tag = '') => ({ type: 'email', email: `ada${tag ? `+${tag}` : ''}@example.com` }),
};

async function payoutOf(id: string) {
  return (await tenant.request('GET', `/v1/payouts/${id}`)).body;
}

async function postWebhook(name: string, webhook: { headers: Record<string, string>; body: string }) {
  return fetch(`${platform.url}/v1/provider-webhooks/${name}/${tenant.tenantId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...webhook.headers },
    body: webhook.body,
  });
}

describe.each(['stripe', 'adyen', 'paypal'] as const)('the %s connector, end to end', (name) => {
  it('pays: the request is valid for the provider’s document, and the provider’s webhook settles it', async () => {
    const created = await tenant.createPayout(
      payoutBody({ currency: 'EUR', destination: destinations[name]() }),
    );
    expect(created.status).toBe(201);
    expect(created.body.connector).toBe(name);
    const id = created.body.id as string;
    await until(async () => expect(fakes[name].transfersFor(id)).toBe(1), 30_000);
    if (name !== 'stripe') {
      // Bank transfers and wallet payouts finish later: processing until the provider says so.
      await until(async () => expect((await payoutOf(id)).provider_reference).toBeTruthy(), 15_000);
      expect((await payoutOf(id)).status).toBe('processing');
      const response = await postWebhook(name, await fakes[name].webhook(id, 'paid'));
      expect(response.status).toBe(200);
    }
    await until(async () => expect((await payoutOf(id)).status).toBe('paid'), 15_000);
    expect((await payoutOf(id)).provider_reference).toBe(fakes[name].transferIdFor(id));
    expect(fakes[name].invalidRequests()).toEqual([]);
    expect(fakes[name].duplicateTransfers()).toEqual([]);
  });

  it('fails with the platform’s code, the provider’s own in the message', async () => {
    const created = await tenant.createPayout(
      payoutBody({ currency: 'EUR', destination: destinations[name]('fail_account_closed') }),
    );
    const id = created.body.id as string;
    await until(async () => expect(fakes[name].transfersFor(id)).toBeLessThanOrEqual(1), 30_000);
    await until(async () => {
      const payout = await payoutOf(id);
      if (payout.status === 'processing' && payout.provider_reference)
        await postWebhook(name, await fakes[name].webhook(id, 'failed'));
      expect(payout.status).toBe('failed');
    }, 30_000);
    const payout = await payoutOf(id);
    expect(payout.failure_code).toBe('account_closed');
    expect(payout.failure_message).toBeTruthy();
  });

  it('is returned when the provider sends the money back, and payout.returned reaches the tenant', async () => {
    const created = await tenant.createPayout(
      payoutBody({ currency: 'EUR', destination: destinations[name]() }),
    );
    const id = created.body.id as string;
    await until(async () => expect((await payoutOf(id)).provider_reference).toBeTruthy(), 30_000);
    if (name !== 'stripe')
      expect((await postWebhook(name, await fakes[name].webhook(id, 'paid'))).status).toBe(200);
    await until(async () => expect((await payoutOf(id)).status).toBe('paid'), 15_000);
    const returned = await fakes[name].webhook(id, 'returned');
    expect((await postWebhook(name, returned)).status).toBe(200);
    await until(async () => expect((await payoutOf(id)).status).toBe('returned'), 15_000);
    expect((await payoutOf(id)).return_code).toBeTruthy();
    // The same provider event again changes nothing.
    expect((await postWebhook(name, returned)).status).toBe(200);
    expect((await payoutOf(id)).status).toBe('returned');
    await until(
      async () =>
        expect(
          receiver.delivered.some((event) => event.type === 'payout.returned' && event.data.object.id === id),
        ).toBe(true),
      30_000,
    );
  });

  it('refuses a webhook with a wrong signature or a tampered body, and changes nothing', async () => {
    const created = await tenant.createPayout(
      payoutBody({ currency: 'EUR', destination: destinations[name]() }),
    );
    const id = created.body.id as string;
    await until(async () => expect((await payoutOf(id)).provider_reference).toBeTruthy(), 30_000);
    if (name !== 'stripe') await postWebhook(name, await fakes[name].webhook(id, 'paid'));
    await until(async () => expect((await payoutOf(id)).status).toBe('paid'), 15_000);
    const before = await payoutOf(id);
    for (const forged of [{ wrongSecret: true }, { tamper: true }]) {
      const response = await postWebhook(name, await fakes[name].webhook(id, 'returned', forged));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    }
    const unsigned = await fakes[name].webhook(id, 'returned');
    const response = await fetch(`${platform.url}/v1/provider-webhooks/${name}/${tenant.tenantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: unsigned.body,
    });
    expect(response.status).toBe(400);
    expect(await payoutOf(id)).toEqual(before);
  });
});

describe('the operators’ CLI', () => {
  it('sets, routes, lists and tests a connector; no secret is ever printed; bad input names the field', async () => {
    const other = await platform.newTenant('CLI rails');
    const cli = (...args: string[]) =>
      promisify(execFile)(
        'npx',
        ['tsx', 'cli/payouts.ts', '--table', platform.tableName, 'connectors', ...args],
        {
          env: process.env,
        },
      );
    const credentials = fakes.adyen.credentials;
    const fields = Object.entries(credentials).flatMap(([name, value]) => ['--field', `${name}=${value}`]);
    const refused = await cli(
      'set',
      '--tenant',
      other.tenantId,
      '--connector',
      'adyen',
      '--key',
      LOCAL_KMS_KEY_ID,
      '--field',
      'api_key=x',
      '--field',
      'balance_account_id=not-a-balance-account',
      '--field',
      'hmac_key=zz',
    ).catch((error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('credentials.balance_account_id');
    const set = await cli(
      'set',
      '--tenant',
      other.tenantId,
      '--connector',
      'adyen',
      '--key',
      LOCAL_KMS_KEY_ID,
      ...fields,
    );
    expect(set.stdout).toContain('adyen (test)');
    await cli('route', '--tenant', other.tenantId, '--rule', 'bank_account:EUR=adyen');
    const listed = await cli('list', '--tenant', other.tenantId, '--json');
    expect(JSON.parse(listed.stdout)).toMatchObject({
      connectors: [{ name: 'adyen', public_fields: { balance_account_id: credentials.balance_account_id } }],
      rules: [{ destination_type: 'bank_account', currency: 'EUR', connector: 'adyen' }],
    });
    for (const output of [set.stdout, listed.stdout]) {
      expect(output).not.toContain(credentials.api_key);
      expect(output).not.toContain(credentials.hmac_key);
    }
    const tested = await cli(
      'test',
      '--tenant',
      other.tenantId,
      '--connector',
      'adyen',
      '--key',
      LOCAL_KMS_KEY_ID,
    );
    expect(tested.stdout).toContain('adyen: connected');
    // Routed through the CLI's rule, a payout of that tenant leaves through Adyen.
    const created = await other.createPayout(
      payoutBody({ currency: 'EUR', destination: destinations.adyen() }),
    );
    expect(created.body.connector).toBe('adyen');
  }, 90_000);
});

describe('routing', () => {
  it('refuses a payout no configured rail accepts: 400 unsupported_destination naming destination.type, nothing stored', async () => {
    // Adyen carries EUR bank transfers only (the rule); the sandbox is not offered here.
    const body = payoutBody({
      currency: 'GBP',
      destination: { type: 'bank_account', account_holder_name: 'Ada', iban: 'GB82WEST12345698765432' },
    });
    const refused = await tenant.createPayout(body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'unsupported_destination', param: 'destination.type' });
    const listed = await tenant.request('GET', `/v1/payouts?reference=${body.reference}`);
    expect(listed.body.data).toEqual([]);
  });

  it('answers 200 to an event for a transfer the platform does not know (the provider would retry)', async () => {
    // A transfer made at Adyen that no payout of the platform asked for (someone used the account).
    const adyen = CONNECTOR_REGISTRY.adyen!.provider(fakes.adyen.credentials, {
      baseUrl: fakes.adyen.url,
      timeoutMs: 3000,
      limiter: { take: async () => undefined },
    });
    await adyen.createTransfer({
      idempotencyKey: 'po_strangertransfer',
      payoutId: 'po_strangertransfer',
      reference: 'stranger',
      amount: 100,
      currency: 'EUR',
      destination: { type: 'bank_account', account_holder_name: 'Stranger', iban: 'NL91ABNA0417164300' },
    });
    const unknown = await fakes.adyen.webhook('po_strangertransfer', 'paid');
    expect((await postWebhook('adyen', unknown)).status).toBe(200);
  });

  it('answers 404 for a connector the tenant did not configure, 400 for a forged one', async () => {
    const other = await platform.newTenant('No rails');
    const response = await fetch(`${platform.url}/v1/provider-webhooks/adyen/${other.tenantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
  });
});

describe('API key modes', () => {
  it('a live key never reaches a test connector (nor the sandbox); a test key never a live one', async () => {
    // The tenant's rails are all test-mode: its live key finds no rail for anything.
    const live = await platform.admin.createApiKey({ tenantId: tenant.tenantId, name: 'live', mode: 'live' });
    const response = await fetch(`${platform.url}/v1/payouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${live.secret}`,
        'content-type': 'application/json',
        'idempotency-key': `live-${Date.now()}`,
      },
      body: JSON.stringify(payoutBody({ currency: 'EUR', destination: destinations.adyen() })),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: 'unsupported_destination',
      param: 'destination.type',
    });
  });
});
