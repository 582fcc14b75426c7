import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConnectorRuntime } from '../../shared/connectors/connector.js';
import { CONNECTOR_REGISTRY } from '../../shared/connectors/registry.js';
import { createTokenBucket } from '../../shared/connectors/token-bucket.js';
import type { TransferRequest } from '../../shared/ports/payout-provider.js';

/**
 * Opt-in smoke tests against each provider's real TEST environment (`npm run test:live`). Without the
 * provider's credentials in the environment its tests are reported as skipped, never as passed.
 * docs/deploy.md says how to get test credentials. Live-mode keys are refused: nothing here may move
 * real money.
 *
 *   STRIPE_TEST_SECRET_KEY=sk_test_… [STRIPE_TEST_DESTINATION=acct_…]
 *   ADYEN_TEST_API_KEY=… ADYEN_TEST_BALANCE_ACCOUNT_ID=BA… [ADYEN_TEST_IBAN=… ADYEN_TEST_HOLDER=…]
 *   PAYPAL_TEST_CLIENT_ID=… PAYPAL_TEST_CLIENT_SECRET=… [PAYPAL_TEST_RECEIVER=buyer@example.com]
 */
const env = process.env;

function runtime(name: 'stripe' | 'adyen' | 'paypal'): ConnectorRuntime {
  const connector = CONNECTOR_REGISTRY[name];
  if (!connector) throw new Error(`no ${name} connector`);
  return {
    baseUrl: connector.baseUrls.test,
    timeoutMs: 20_000,
    limiter: createTokenBucket({ ratePerSecond: 2 }),
  };
}

function smokeRequest(destination: TransferRequest['destination'], currency: string): TransferRequest {
  const payoutId = `po_live${randomBytes(8).toString('hex')}`;
  return {
    idempotencyKey: payoutId,
    payoutId,
    reference: `live-smoke-${Date.now()}`,
    amount: 100,
    currency,
    destination,
    createdAt: new Date().toISOString(),
  };
}

describe.skipIf(!env.STRIPE_TEST_SECRET_KEY)('Stripe test mode (STRIPE_TEST_SECRET_KEY)', () => {
  const credentials = { secret_key: env.STRIPE_TEST_SECRET_KEY ?? '', webhook_secret: 'whsec_unused' };
  const provider = () => {
    if (!credentials.secret_key.startsWith('sk_test_') && !credentials.secret_key.startsWith('rk_test_'))
      throw new Error('STRIPE_TEST_SECRET_KEY must be a test-mode key');
    return CONNECTOR_REGISTRY.stripe!.provider(credentials, runtime('stripe'));
  };

  it('authenticates (GET /v1/balance)', async () => {
    expect((await provider().testConnection()).ok).toBe(true);
  });

  it.skipIf(!env.STRIPE_TEST_DESTINATION)('transfers once per key and finds the transfer again', async () => {
    const request = smokeRequest(
      { type: 'stripe_account', account: env.STRIPE_TEST_DESTINATION ?? '' },
      'usd',
    );
    const first = await provider().createTransfer({ ...request, currency: 'USD' });
    const again = await provider().createTransfer({ ...request, currency: 'USD' });
    expect(again).toEqual(first);
    if (first.status === 'paid')
      expect((await provider().findTransfer(request.idempotencyKey, request))?.providerReference).toBe(
        first.providerReference,
      );
  });
});

describe.skipIf(!env.ADYEN_TEST_API_KEY || !env.ADYEN_TEST_BALANCE_ACCOUNT_ID)(
  'Adyen test environment (ADYEN_TEST_API_KEY, ADYEN_TEST_BALANCE_ACCOUNT_ID)',
  () => {
    const credentials = {
      api_key: env.ADYEN_TEST_API_KEY ?? '',
      balance_account_id: env.ADYEN_TEST_BALANCE_ACCOUNT_ID ?? '',
      hmac_key: env.ADYEN_TEST_HMAC_KEY ?? '00'.repeat(32),
    };
    const provider = () => CONNECTOR_REGISTRY.adyen!.provider(credentials, runtime('adyen'));

    it('authenticates (GET /transactions for the balance account)', async () => {
      expect((await provider().testConnection()).ok).toBe(true);
    });

    it.skipIf(!env.ADYEN_TEST_IBAN)('sends one bank transfer per key', async () => {
      const request = smokeRequest(
        {
          type: 'bank_account',
          account_holder_name: env.ADYEN_TEST_HOLDER ?? 'Test Holder',
          iban: env.ADYEN_TEST_IBAN ?? '',
        },
        'EUR',
      );
      const first = await provider().createTransfer(request);
      const again = await provider().createTransfer(request);
      expect(first.status).not.toBe('failed');
      expect(again.providerReference).toBe(first.providerReference);
    });
  },
);

describe.skipIf(!env.PAYPAL_TEST_CLIENT_ID || !env.PAYPAL_TEST_CLIENT_SECRET)(
  'PayPal sandbox (PAYPAL_TEST_CLIENT_ID, PAYPAL_TEST_CLIENT_SECRET)',
  () => {
    const credentials = {
      client_id: env.PAYPAL_TEST_CLIENT_ID ?? '',
      client_secret: env.PAYPAL_TEST_CLIENT_SECRET ?? '',
      webhook_id: env.PAYPAL_TEST_WEBHOOK_ID ?? 'WH-UNUSED',
    };
    const provider = () => CONNECTOR_REGISTRY.paypal!.provider(credentials, runtime('paypal'));

    it('authenticates (OAuth client credentials, with the Payouts scope)', async () => {
      expect((await provider().testConnection()).ok).toBe(true);
    });

    it.skipIf(!env.PAYPAL_TEST_RECEIVER)('sends one payout batch per key', async () => {
      const request = smokeRequest({ type: 'email', email: env.PAYPAL_TEST_RECEIVER ?? '' }, 'USD');
      const first = await provider().createTransfer(request);
      const again = await provider().createTransfer(request);
      expect(first.status).not.toBe('failed');
      expect(again.providerReference).toBe(first.providerReference);
    });
  },
);
