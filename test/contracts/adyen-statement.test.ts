import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adyenConnector } from '../../shared/connectors/adyen/connector.js';
import type { ConnectorRuntime } from '../../shared/connectors/connector.js';
import { STATEMENTS } from '../../shared/connectors/statements.js';
import { createTokenBucket } from '../../shared/connectors/token-bucket.js';
import type { TransferRequest } from '../../shared/ports/payout-provider.js';
import { type AdyenFake, startAdyenFake } from './adyen-fake.js';
import { dayFromToday, payoutOf, readStatement, today } from './statement-helpers.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const newPayoutId = () => `po_${[...randomBytes(26)].map((byte) => CROCKFORD[byte % 32]).join('')}`;

let fake: AdyenFake;
let runtime: ConnectorRuntime;

beforeAll(async () => {
  fake = await startAdyenFake();
  runtime = { baseUrl: fake.url, timeoutMs: 5000, limiter: createTokenBucket({ ratePerSecond: 1000 }) };
});

afterAll(async () => {
  await fake?.close();
});

const credentials = () => adyenConnector.credentials.parse(fake.credentials);
const statement = () => {
  return STATEMENTS.adyen(credentials(), runtime);
};

function transferRequest(overrides: Partial<TransferRequest> = {}): TransferRequest {
  const payoutId = newPayoutId();
  return {
    idempotencyKey: payoutId,
    payoutId,
    reference: 'INV2024001',
    amount: 1050,
    currency: 'EUR',
    destination: { type: 'bank_account', account_holder_name: 'Ada Lovelace', iban: 'NL91ABNA0417164300' },
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

async function pay(overrides: Partial<TransferRequest> = {}, holder = 'Ada Lovelace') {
  const request = transferRequest(overrides);
  await adyenConnector.provider(credentials(), runtime).createTransfer({
    ...request,
    destination: { type: 'bank_account', account_holder_name: holder, iban: 'NL91ABNA0417164300' },
  });
  return request;
}

const transactionRequests = () => fake.requests.filter((request) => request.path.startsWith('/transactions'));

describe('the Adyen statement (transactions of the balance account on a day)', () => {
  it('pages by cursor through the day: booked → paid, pending → pending, money back → returned, differences as Adyen has them', async () => {
    fake.setPageSize(3);
    const plain = await pay();
    const usd = await pay({ currency: 'USD', amount: 99 });
    const pending = await pay({}, 'Ada Lovelace +pending');
    const returned = await pay({ amount: 7000 });
    const changed = await pay({ amount: 2500 });
    const hidden = await pay();
    fake.changeAmount(changed.payoutId, 2600);
    fake.hideTransfer(hidden.payoutId);
    const unknown = fake.addUnknownTransfer({ amount: 4200, currency: 'EUR' });
    // Adyen counts CLP with two decimals (ISO 4217: none): 1,500.00 CLP is 1500 in ISO minor units.
    const pesos = fake.addUnknownTransfer({ amount: 150_000, currency: 'CLP' });
    fake.returnTransfer(returned.payoutId);
    const before = transactionRequests().length;

    const { pages, records } = await readStatement(statement().records(today()));

    const made = transactionRequests().slice(before);
    expect(pages).toBeGreaterThan(2);
    expect(made.length).toBe(pages);
    expect(made.slice(1).every((request) => request.path.includes('cursor='))).toBe(true);
    const byPayout = (payoutId: string) => records.filter((record) => record.payoutId === payoutId);
    for (const request of [plain, usd])
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
    expect(byPayout(pending.payoutId).map((record) => record.status)).toEqual(['pending']);
    // The debit and the credit are on different pages here: two lines of the transfer, in order.
    expect(byPayout(returned.payoutId).map(({ status, amount }) => ({ status, amount }))).toEqual([
      { status: 'paid', amount: 7000 },
      { status: 'returned', amount: 7000 },
    ]);
    expect(byPayout(changed.payoutId).map((record) => record.amount)).toEqual([2600]);
    expect(byPayout(hidden.payoutId)).toEqual([]);
    expect(records.find((record) => record.providerReference === unknown)).toMatchObject({
      amount: 4200,
      currency: 'EUR',
      status: 'paid',
    });
    expect(records.find((record) => record.providerReference === pesos)).toMatchObject({
      amount: 1500,
      currency: 'CLP',
    });

    // On one page, a transfer booked out and back is one returned record.
    fake.setPageSize(100);
    const whole = await readStatement(statement().records(today()));
    expect(whole.pages).toBe(1);
    expect(whole.records.filter((record) => record.payoutId === returned.payoutId)).toEqual([
      expect.objectContaining({
        providerReference: fake.transferIdFor(returned.payoutId),
        status: 'returned',
      }),
    ]);
    expect(fake.invalidRequests()).toEqual([]);
  });

  it('reads only the day asked for, from its first to its last millisecond', async () => {
    const reference = newPayoutId();
    const yesterdays = fake.addUnknownTransfer({
      amount: 800,
      currency: 'EUR',
      reference,
      createdAt: Date.now() - 86_400_000,
    });

    const yesterday = await readStatement(statement().records(dayFromToday(-1)));
    const todays = await readStatement(statement().records(today()));

    expect(yesterday.records).toEqual([
      expect.objectContaining({ providerReference: yesterdays, payoutId: reference }),
    ]);
    expect(todays.records.some((record) => record.providerReference === yesterdays)).toBe(false);
    const query = new URL(transactionRequests().at(-1)?.path ?? '', fake.url).searchParams;
    expect(query.get('createdSince')).toBe(`${today()}T00:00:00.000Z`);
    expect(query.get('createdUntil')).toBe(`${today()}T23:59:59.999Z`);
    expect(query.get('balanceAccountId')).toBe(fake.credentials.balance_account_id);
    expect(fake.invalidRequests()).toEqual([]);
  });

  it('looks a payout up among the transactions since it was created: amount, currency and state, or undefined', async () => {
    const paid = await pay({ amount: 1234 });
    const pending = await pay({ amount: 55 }, 'Ada Lovelace +pending');
    const returned = await pay({ amount: 4321 });
    const changed = await pay({ amount: 100 });
    const hidden = await pay();
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
    expect(await reader.lookup(payoutOf(pending))).toMatchObject({ status: 'pending', amount: 55 });
    expect(await reader.lookup(payoutOf(returned))).toMatchObject({ status: 'returned', amount: 4321 });
    expect(await reader.lookup(payoutOf(changed))).toMatchObject({ status: 'paid', amount: 150 });
    expect(await reader.lookup(payoutOf(hidden))).toBeUndefined();
    expect(await reader.lookup(payoutOf(transferRequest()))).toBeUndefined();
    const query = new URL(transactionRequests().at(-1)?.path ?? '', fake.url).searchParams;
    expect(Date.parse(query.get('createdSince') ?? '')).toBeLessThan(Date.now() - 59 * 60_000);
    expect(fake.invalidRequests()).toEqual([]);
  });
});
