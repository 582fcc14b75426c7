import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorRuntime } from '../../shared/connectors/connector.js';
import { paypalConnector } from '../../shared/connectors/paypal/connector.js';
import { STATEMENTS } from '../../shared/connectors/statements.js';
import { createTokenBucket } from '../../shared/connectors/token-bucket.js';
import type { PayoutStatus } from '../../shared/domain/payout.js';
import type { TransferRequest } from '../../shared/ports/payout-provider.js';
import { type PaypalFake, startPaypalFake } from './paypal-fake.js';
import { payoutOf, readStatement, today } from './statement-helpers.js';

let fake: PaypalFake;
let runtime: ConnectorRuntime;

beforeAll(async () => {
  fake = await startPaypalFake();
  runtime = { baseUrl: fake.url, timeoutMs: 10_000, limiter: createTokenBucket({ ratePerSecond: 1000 }) };
});

afterAll(async () => {
  await fake?.close();
});

const credentials = () => paypalConnector.credentials.parse(fake.credentials);
const statement = () => {
  return STATEMENTS.paypal(credentials(), runtime);
};

function transferRequest(
  overrides: Partial<TransferRequest> = {},
  email = 'ada@example.com',
): TransferRequest {
  const payoutId = `po_${randomBytes(8).toString('hex')}`;
  return {
    idempotencyKey: payoutId,
    payoutId,
    reference: 'INV-2024-0042',
    amount: 1050,
    currency: 'EUR',
    destination: { type: 'email', email },
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Pays through the connector; the payout as the platform then holds it (with its batch id). */
async function pay(
  email = 'ada@example.com',
  overrides: Partial<TransferRequest> = {},
  status?: PayoutStatus,
) {
  const request = transferRequest(overrides, email);
  const outcome = await paypalConnector.provider(credentials(), runtime).createTransfer(request);
  expect(outcome.providerReference).toBe(fake.transferIdFor(request.payoutId));
  return payoutOf(request, { status: status ?? 'paid', providerReference: outcome.providerReference });
}

const payoutRequests = () => fake.requests.filter((request) => request.path.startsWith('/v1/payments/'));

describe('the PayPal statement (Payouts v1: lookups only)', () => {
  it('lists nothing for a day, without asking PayPal (Payouts v1 has no listing), even with batches made that day', async () => {
    await pay();
    fake.addUnknownTransfer({ amount: 4200, currency: 'EUR' });
    const before = fake.requests.length;

    const day = await readStatement(statement().records(today()));

    expect(day).toEqual({ pages: 0, records: [] });
    expect(fake.requests.length).toBe(before);
  });

  it('looks each payout up by its batch id and maps every item status', async () => {
    const reader = statement();
    const cases: { email: string; status?: string; payout?: PayoutStatus; expected: string }[] = [
      { email: 'ada@example.com', expected: 'paid' },
      { email: 'ada+fail_account_closed@example.com', payout: 'failed', expected: 'failed' },
      { email: 'ada+blocked@example.com', payout: 'failed', expected: 'failed' },
      { email: 'ada+unclaimed@example.com', payout: 'processing', expected: 'pending' },
      { email: 'ada+pending@example.com', payout: 'processing', expected: 'pending' },
      { email: 'ada@example.com', status: 'ONHOLD', payout: 'processing', expected: 'pending' },
      { email: 'ada@example.com', status: 'DENIED', payout: 'failed', expected: 'failed' },
      { email: 'ada@example.com', status: 'REFUNDED', expected: 'returned' },
      { email: 'ada@example.com', status: 'REVERSED', expected: 'returned' },
      // RETURNED: money back with the sender. Unclaimed, it never reached the recipient (failed here);
      // after a SUCCESS the platform holds it returned.
      { email: 'ada@example.com', status: 'RETURNED', payout: 'failed', expected: 'failed' },
      { email: 'ada@example.com', status: 'RETURNED', payout: 'returned', expected: 'returned' },
      { email: 'ada@example.com', status: 'RETURNED', payout: 'paid', expected: 'returned' },
    ];
    for (const { email, status, payout: held, expected } of cases) {
      const payout = await pay(email, {}, held);
      if (status) fake.setItemStatus(payout.id, status);

      const found = await reader.lookup(payout);

      expect({ status, email, found }).toEqual({
        status,
        email,
        found: {
          providerReference: payout.providerReference,
          status: expected,
          amount: 1050,
          currency: 'EUR',
          createdAt: expect.stringMatching(new RegExp(`^${today()}T`)),
        },
      });
    }
    expect(fake.invalidRequests()).toEqual([]);
  });

  it('reads amounts into ISO minor units, and shows PayPal’s differences: a changed amount, a return, a batch it does not show', async () => {
    const reader = statement();
    const forints = await pay('ada@example.com', { currency: 'HUF', amount: 10_000 });
    const yen = await pay('ada@example.com', { currency: 'JPY', amount: 1200 });
    const changed = await pay('ada@example.com', { amount: 2500 });
    const returned = await pay();
    const hidden = await pay();
    fake.changeAmount(changed.id, 2600);
    fake.returnTransfer(returned.id);
    fake.hideTransfer(hidden.id);
    const before = payoutRequests().length;

    // PayPal writes HUF without decimals ("100"): ISO 4217 minor units are 10000.
    expect(await reader.lookup(forints)).toMatchObject({ amount: 10_000, currency: 'HUF', status: 'paid' });
    expect(await reader.lookup(yen)).toMatchObject({ amount: 1200, currency: 'JPY' });
    expect(await reader.lookup(changed)).toMatchObject({ amount: 2600, status: 'paid' });
    expect(await reader.lookup(returned)).toMatchObject({ amount: 1050, status: 'returned' });
    expect(await reader.lookup(hidden)).toBeUndefined();
    // Another payout's batch is not this payout's transfer; no batch id, nothing to ask.
    expect(await reader.lookup({ ...hidden, providerReference: yen.providerReference })).toBeUndefined();
    expect(await reader.lookup({ ...hidden, providerReference: null })).toBeUndefined();

    const made = payoutRequests().slice(before);
    expect(made.map((request) => `${request.method} ${request.path}`)).toEqual(
      [forints, yen, changed, returned, hidden, yen].map(
        (payout) => `GET /v1/payments/payouts/${payout.providerReference}`,
      ),
    );
    expect(fake.invalidRequests()).toEqual([]);
  });
});
