import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorRuntime } from '../../shared/connectors/connector.js';
import { STATEMENTS } from '../../shared/connectors/statements.js';
import { stripeConnector } from '../../shared/connectors/stripe/connector.js';
import { createTokenBucket } from '../../shared/connectors/token-bucket.js';
import type { TransferRequest } from '../../shared/ports/payout-provider.js';
import { dayFromToday, payoutOf, readStatement, today } from './statement-helpers.js';
import { type StripeFake, startStripeFake } from './stripe-fake.js';

let fake: StripeFake;

beforeAll(async () => {
  fake = await startStripeFake();
});

afterAll(async () => {
  await fake?.close();
});

function runtime(): ConnectorRuntime {
  return { baseUrl: fake.url, timeoutMs: 5000, limiter: createTokenBucket({ ratePerSecond: 1000 }) };
}

const credentials = () => stripeConnector.credentials.parse(fake.credentials);
const statement = () => {
  return STATEMENTS.stripe(credentials(), runtime());
};

function transferRequest(overrides: Partial<TransferRequest> = {}): TransferRequest {
  const payoutId = `po_${randomBytes(8).toString('hex')}`;
  return {
    idempotencyKey: payoutId,
    payoutId,
    reference: 'INV-2024-0042',
    amount: 1050,
    currency: 'EUR',
    destination: { type: 'stripe_account', account: 'acct_1RecipientOk' },
    ...overrides,
  };
}

async function pay(overrides: Partial<TransferRequest> = {}) {
  const request = transferRequest(overrides);
  const outcome = await stripeConnector.provider(credentials(), runtime()).createTransfer(request);
  expect(outcome.status).toBe('paid');
  return request;
}

const statementRequests = () => fake.requests.filter((r) => r.path.startsWith('/v1/balance_transactions'));

describe('the Stripe statement (balance transactions of a day)', () => {
  it('pages through the day: every transfer once, reversals as lines of their transfer, the provider’s differences as they are', async () => {
    fake.setPageSize(2);
    const plain = await Promise.all([pay(), pay({ amount: 990 }), pay({ currency: 'USD', amount: 1 })]);
    const reversed = await pay({ amount: 7000 });
    const partly = await pay({ amount: 5000 });
    const changed = await pay({ amount: 2500 });
    const hidden = await pay();
    const yen = await pay({ currency: 'JPY', amount: 1200 });
    const krona = await pay({ currency: 'ISK', amount: 500 });
    fake.returnTransfer(reversed.payoutId);
    fake.reverse(partly.payoutId, { amount: 1000 });
    fake.changeAmount(changed.payoutId, 2600);
    fake.hideTransfer(hidden.payoutId);
    const unknown = fake.addUnknownTransfer({ amount: 4200, currency: 'EUR' });
    const foreignGroup = fake.addUnknownTransfer({ amount: 300, currency: 'EUR', reference: 'po_not_ours' });
    const before = fake.requests.length;

    const { pages, records } = await readStatement(statement().records(today()));

    expect(pages).toBeGreaterThan(2);
    const byPayout = (payoutId: string) => records.filter((record) => record.payoutId === payoutId);
    for (const request of plain)
      expect(byPayout(request.payoutId)).toEqual([
        {
          providerReference: fake.transferIdFor(request.payoutId),
          payoutId: request.payoutId,
          amount: request.amount,
          currency: request.currency,
          status: 'paid',
          createdAt: expect.stringMatching(new RegExp(`^${today()}T`)),
        },
      ]);
    // The transfer's line shows it as Stripe holds it now; its reversal's line names it again.
    expect(byPayout(reversed.payoutId).map(({ status, amount }) => ({ status, amount }))).toEqual([
      { status: 'returned', amount: 7000 },
      { status: 'returned', amount: 7000 },
    ]);
    // A partial reversal leaves the transfer paid (the platform has no partial return).
    expect(byPayout(partly.payoutId).map((record) => record.status)).toEqual(['paid', 'paid']);
    expect(byPayout(changed.payoutId).map((record) => record.amount)).toEqual([2600]);
    expect(byPayout(hidden.payoutId)).toEqual([]);
    // Stripe's units read back as ISO 4217 minor units: JPY as is, ISK (Stripe keeps 2 decimals) ÷ 100.
    expect(byPayout(yen.payoutId).map(({ amount, currency }) => ({ amount, currency }))).toEqual([
      { amount: 1200, currency: 'JPY' },
    ]);
    expect(byPayout(krona.payoutId).map(({ amount, currency }) => ({ amount, currency }))).toEqual([
      { amount: 500, currency: 'ISK' },
    ]);
    expect(records.find((record) => record.providerReference === unknown)).toMatchObject({
      payoutId: null,
      amount: 4200,
      currency: 'EUR',
      status: 'paid',
    });
    expect(records.find((record) => record.providerReference === foreignGroup)?.payoutId).toBe('po_not_ours');

    const made = fake.requests.slice(before);
    expect(made.every((request) => request.path.startsWith('/v1/balance_transactions'))).toBe(true);
    expect(made.filter((request) => request.path.includes('starting_after=')).length).toBeGreaterThan(1);
    const types = made.map((request) => new URL(request.path, fake.url).searchParams.get('type'));
    expect(new Set(types)).toEqual(new Set(['transfer', 'transfer_refund']));
    expect(fake.invalidRequests()).toEqual([]);
    expect(fake.invalidResponses()).toEqual([]);
    fake.setPageSize(100);
  });

  it('reads only the day asked for; a reversal on the day names a transfer made on an earlier day', async () => {
    const payoutId = `po_${randomBytes(8).toString('hex')}`;
    const transferId = fake.addUnknownTransfer({
      amount: 800,
      currency: 'EUR',
      reference: payoutId,
      createdAt: Date.now() - 86_400_000,
    });
    fake.returnTransfer(payoutId);

    const yesterday = (await readStatement(statement().records(dayFromToday(-1)))).records;
    const todays = (await readStatement(statement().records(today()))).records;
    const tomorrow = await readStatement(statement().records(dayFromToday(1)));

    expect(yesterday.filter((record) => record.payoutId === payoutId)).toEqual([
      expect.objectContaining({ providerReference: transferId, status: 'returned', amount: 800 }),
    ]);
    expect(todays.filter((record) => record.payoutId === payoutId)).toEqual([
      expect.objectContaining({
        providerReference: transferId,
        status: 'returned',
        amount: 800,
        createdAt: expect.stringMatching(new RegExp(`^${today()}T`)),
      }),
    ]);
    expect(tomorrow).toEqual({ pages: 0, records: [] });
    const created = statementRequests()
      .slice(-6)
      .map((request) => new URL(request.path, fake.url).searchParams);
    const tomorrowStart = Date.parse(`${dayFromToday(1)}T00:00:00Z`) / 1000;
    expect(created.at(-1)?.get('created[gte]')).toBe(String(tomorrowStart));
    expect(created.at(-1)?.get('created[lt]')).toBe(String(tomorrowStart + 86_400));
    expect(fake.invalidRequests()).toEqual([]);
    expect(fake.invalidResponses()).toEqual([]);
  });

  it('looks a payout’s transfer up by its transfer group: amount, currency, state; undefined when Stripe has none', async () => {
    const paid = await pay({ amount: 1234 });
    const returned = await pay({ amount: 4321 });
    const changed = await pay({ amount: 100 });
    const hidden = await pay();
    const krona = await pay({ currency: 'ISK', amount: 77 });
    fake.returnTransfer(returned.payoutId);
    fake.changeAmount(changed.payoutId, 150);
    fake.hideTransfer(hidden.payoutId);
    const reader = statement();

    expect(await reader.lookup(payoutOf(paid))).toEqual({
      providerReference: fake.transferIdFor(paid.payoutId),
      status: 'paid',
      amount: 1234,
      currency: 'EUR',
      createdAt: expect.stringMatching(new RegExp(`^${today()}T`)),
    });
    expect(await reader.lookup(payoutOf(returned))).toMatchObject({ status: 'returned', amount: 4321 });
    expect(await reader.lookup(payoutOf(changed))).toMatchObject({ status: 'paid', amount: 150 });
    expect(await reader.lookup(payoutOf(krona))).toMatchObject({ amount: 77, currency: 'ISK' });
    expect(await reader.lookup(payoutOf(hidden))).toBeUndefined();
    expect(await reader.lookup(payoutOf(transferRequest()))).toBeUndefined();
    const lookups = fake.requests.slice(-6);
    expect(lookups.every((request) => request.path.startsWith('/v1/transfers?transfer_group='))).toBe(true);
    expect(fake.invalidRequests()).toEqual([]);
    expect(fake.invalidResponses()).toEqual([]);
  });
});
