import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorRuntime, WebhookVerificationError } from '../../shared/connectors/connector.js';
import { stripeAmount } from '../../shared/connectors/stripe/amounts.js';
import { stripeConnector } from '../../shared/connectors/stripe/connector.js';
import { STRIPE_API_VERSION } from '../../shared/connectors/stripe/index.js';
import { createTokenBucket } from '../../shared/connectors/token-bucket.js';
import {
  ProviderAuthenticationError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type TransferRequest,
} from '../../shared/ports/payout-provider.js';
import {
  STRIPE_FAKE_API_VERSION,
  STRIPE_FAKE_FAILURES,
  type StripeFake,
  startStripeFake,
} from './stripe-fake.js';

let fake: StripeFake;

beforeAll(async () => {
  fake = await startStripeFake();
});

afterAll(async () => {
  await fake?.close();
});

function runtime(overrides: Partial<ConnectorRuntime> = {}): ConnectorRuntime {
  return {
    baseUrl: fake.url,
    timeoutMs: 2000,
    limiter: createTokenBucket({ ratePerSecond: 1000 }),
    ...overrides,
  };
}

const stripe = (overrides: Partial<ConnectorRuntime> = {}) =>
  stripeConnector.provider(stripeConnector.credentials.parse(fake.credentials), runtime(overrides));

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

/** The form parameters of the last transfer the connector asked the fake for. */
function lastTransferPost() {
  const post = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers').at(-1);
  if (!post) throw new Error('no POST /v1/transfers');
  return { headers: post.headers, params: Object.fromEntries(new URLSearchParams(post.body)) };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('creating a transfer', () => {
  it('sends a request valid for Stripe’s document with the payout’s amount, destination and ids', async () => {
    const request = transferRequest();

    const outcome = await stripe().createTransfer(request);

    expect(outcome).toEqual({ status: 'paid', providerReference: fake.transferIdFor(request.payoutId) });
    const { headers, params } = lastTransferPost();
    expect(params).toEqual({
      amount: '1050',
      currency: 'eur',
      destination: 'acct_1RecipientOk',
      transfer_group: request.payoutId,
      'metadata[payout_id]': request.payoutId,
      'metadata[reference]': 'INV-2024-0042',
    });
    expect(headers['idempotency-key']).toBe(request.idempotencyKey);
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(headers['stripe-version']).toBe(STRIPE_API_VERSION);
    expect(fake.invalidRequests()).toEqual([]);
    expect(fake.invalidResponses()).toEqual([]);
  });

  it('pins the API version of the vendored document', () => {
    expect(STRIPE_API_VERSION).toBe(STRIPE_FAKE_API_VERSION);
  });

  it('makes one transfer when the same key is sent twice, and answers both times with it', async () => {
    const request = transferRequest();

    const first = await stripe().createTransfer(request);
    const second = await stripe().createTransfer(request);

    expect(second).toEqual(first);
    expect(fake.transfersFor(request.payoutId)).toBe(1);
    expect(fake.duplicateTransfers()).toEqual([]);
  });

  it('reports an unanswered create as unknown, then finds the transfer by its group without making another', async () => {
    const request = transferRequest();
    fake.delayNextCreates(1, 60_000); // made at once, answered long after the connector gave up

    const error = await rejectionOf(stripe().createTransfer(request));
    const found = await stripe().findTransfer(request.idempotencyKey, request);
    // Stripe refuses the key while the first request runs (409): still unknown, nothing made.
    const retried = await rejectionOf(stripe().createTransfer(request));

    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect(found).toEqual({ status: 'paid', providerReference: fake.transferIdFor(request.payoutId) });
    expect(retried).toBeInstanceOf(ProviderTimeoutError);
    expect(fake.transfersFor(request.payoutId)).toBe(1);
    const lookup = fake.requests
      .filter((r) => r.method === 'GET' && r.path.startsWith('/v1/transfers?'))
      .at(-1);
    expect(new URLSearchParams(lookup?.path.split('?')[1]).get('transfer_group')).toBe(request.payoutId);
    expect(fake.invalidRequests()).toEqual([]);
  });

  it('finds nothing for a payout Stripe never received, and makes nothing by looking', async () => {
    const request = transferRequest();

    const found = await stripe().findTransfer(request.idempotencyKey, request);

    expect(found).toBeUndefined();
    expect(fake.transfersFor(request.payoutId)).toBe(0);
  });

  it('treats a key reused with other parameters as unknown (idempotency_error) and finds the first transfer', async () => {
    const request = transferRequest();
    const first = await stripe().createTransfer(request);

    const error = await rejectionOf(stripe().createTransfer({ ...request, amount: 2000 }));
    const found = await stripe().findTransfer(request.idempotencyKey, request);

    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect((error as Error).message).toContain('idempotency_error');
    expect(found).toEqual(first);
    expect(fake.transfersFor(request.payoutId)).toBe(1);
  });

  it('takes a rate-limit token for every call it makes', async () => {
    let tokens = 0;
    const limiter = createTokenBucket({ ratePerSecond: 1000 });
    const counting = { take: () => limiter.take().then(() => void tokens++) };
    const before = fake.requests.length;
    const request = transferRequest();

    await stripe({ limiter: counting }).createTransfer(request);
    await stripe({ limiter: counting }).findTransfer(request.idempotencyKey, request);
    await stripe({ limiter: counting }).testConnection();

    expect(tokens).toBe(3);
    expect(fake.requests.length - before).toBe(3);
  });
});

describe('refusals', () => {
  it.each(Object.entries(STRIPE_FAKE_FAILURES))(
    '%s → failed with the mapped code and Stripe’s code in the message',
    async (tag, stripeFailure) => {
      const request = transferRequest({ destination: { type: 'stripe_account', account: `acct_${tag}_1` } });

      const outcome = await stripe().createTransfer(request);

      expect(outcome).toMatchObject({ status: 'failed', failureCode: tag.replace(/^fail_/, '') });
      expect(outcome.status === 'failed' && outcome.failureMessage).toMatch(
        new RegExp(`^Stripe: ${stripeFailure.code} — `),
      );
      expect(outcome.providerReference).toMatch(/^req_/);
      expect(fake.transfersFor(request.payoutId)).toBe(0);
      expect(fake.invalidRequests()).toEqual([]);
    },
  );

  it('answers the same refusal again for the same key, and still makes nothing', async () => {
    const request = transferRequest({
      destination: { type: 'stripe_account', account: 'acct_fail_insufficient_funds_2' },
    });

    const first = await stripe().createTransfer(request);
    const again = await stripe().createTransfer(request);

    expect(again).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds' });
    expect(again.status === 'failed' && again.failureMessage).toBe(
      first.status === 'failed' && first.failureMessage,
    );
    expect(fake.transfersFor(request.payoutId)).toBe(0);
  });

  it('refuses a destination that is not a connected account without calling Stripe', async () => {
    const before = fake.requests.length;

    const outcome = await stripe().createTransfer(
      transferRequest({ destination: { type: 'email', email: 'ada@example.com' } }),
    );

    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'unsupported_destination' });
    expect(fake.requests.length).toBe(before);
  });

  it('429 with Retry-After → ProviderUnavailableError carrying it, and nothing made', async () => {
    const request = transferRequest();
    fake.refuseNext(1, 429, 7);

    const error = await rejectionOf(stripe().createTransfer(request));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
    expect(fake.transfersFor(request.payoutId)).toBe(0);
  });

  it('a 500 on a create is unknown (ProviderTimeoutError); on a lookup it is ProviderUnavailableError', async () => {
    const request = transferRequest();
    fake.refuseNext(2, 500);

    const onCreate = await rejectionOf(stripe().createTransfer(request));
    const onLookup = await rejectionOf(stripe().findTransfer(request.idempotencyKey, request));

    expect(onCreate).toBeInstanceOf(ProviderTimeoutError);
    expect(onLookup).toBeInstanceOf(ProviderUnavailableError);
  });

  it('wrong credentials → ProviderAuthenticationError, and the key is in no message', async () => {
    const wrongKey = `sk_test_${randomBytes(12).toString('hex')}`;
    const provider = stripeConnector.provider(
      { secret_key: wrongKey, webhook_secret: fake.credentials.webhook_secret },
      runtime(),
    );
    const request = transferRequest();

    const error = await rejectionOf(provider.createTransfer(request));

    expect(error).toBeInstanceOf(ProviderAuthenticationError);
    expect((error as Error).message).not.toContain(wrongKey.slice(8));
    expect(fake.transfersFor(request.payoutId)).toBe(0);
  });
});

describe('amounts in Stripe’s units', () => {
  it.each([
    ['EUR', 1050, '1050', 'eur'],
    ['JPY', 500, '500', 'jpy'],
    ['KWD', 1230, '1230', 'kwd'],
    ['HUF', 12345, '12345', 'huf'],
    ['ISK', 5, '500', 'isk'], // ISO 4217: 0 decimals; Stripe keeps two ("00")
    ['MGA', 12300, '123', 'mga'], // ISO 4217: 2 decimals; Stripe: zero-decimal
  ])('%s %d minor units are sent as %s', async (currency, amount, sent, code) => {
    await stripe().createTransfer(transferRequest({ currency, amount }));

    expect(lastTransferPost().params).toMatchObject({ amount: sent, currency: code });
  });

  it.each([
    ['MGA', 12345], // a fraction of an ariary Stripe cannot carry
    ['IQD', 1001], // Stripe counts it with two decimals, ISO 4217 with three
    ['UGX', 5000], // Stripe documents two different units
  ])('refuses %s %d rather than send a wrong amount, without calling Stripe', async (currency, amount) => {
    const before = fake.requests.length;

    const outcome = await stripe().createTransfer(transferRequest({ currency, amount }));

    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'unsupported_destination' });
    expect(fake.requests.length).toBe(before);
  });

  it('never rounds: each conversion is exact or refused', () => {
    expect(stripeAmount(100, 'IQD')).toEqual({ ok: true, amount: 10, currency: 'iqd' });
    expect(stripeAmount(1, 'ISK')).toEqual({ ok: true, amount: 100, currency: 'isk' });
    expect(stripeAmount(0, 'EUR').ok).toBe(false);
    expect(stripeAmount(100, 'XTS').ok).toBe(false);
  });
});

describe('testConnection', () => {
  it('reads the balance with the fake’s credentials', async () => {
    const result = await stripe().testConnection();

    expect(result.ok).toBe(true);
    expect(result.detail).toContain('test-mode');
    expect(result.detail).toContain('EUR');
    expect(fake.requests.at(-1)?.path).toBe('/v1/balance');
  });

  it('fails with other credentials', async () => {
    const provider = stripeConnector.provider(
      { secret_key: 'sk_test_notTheFakesKey123', webhook_secret: fake.credentials.webhook_secret },
      runtime(),
    );

    await expect(provider.testConnection()).rejects.toBeInstanceOf(ProviderAuthenticationError);
  });
});

describe('credentials', () => {
  it('accepts secret and restricted keys with a signing secret, and refuses anything else', () => {
    const ok = (secret_key: string, webhook_secret = 'whsec_abc123') =>
      stripeConnector.credentials.safeParse({ secret_key, webhook_secret }).success;

    expect(ok('sk_test_51Habc')).toBe(true);
    expect(ok('rk_live_51Habc')).toBe(true);
    expect(ok('pk_test_51Habc')).toBe(false); // a publishable key cannot transfer
    expect(ok('sk_test_51Habc', 'secret')).toBe(false);
    expect(stripeConnector.publicFields).toEqual([]);
  });
});

describe('webhooks', () => {
  const verify = (webhook: { headers: Record<string, string>; body: string }, now?: number) =>
    stripeConnector.verifyWebhook(
      { headers: webhook.headers, rawBody: webhook.body },
      stripeConnector.credentials.parse(fake.credentials),
      runtime(now === undefined ? {} : { now: () => now }),
    );

  async function paidPayout() {
    const request = transferRequest();
    await stripe().createTransfer(request);
    return request;
  }

  it('transfer.created → paid, for the payout in transfer_group', async () => {
    const request = await paidPayout();

    const events = await verify(await fake.webhook(request.payoutId, 'paid'));

    expect(events).toEqual([
      {
        eventId: expect.stringMatching(/^evt_/),
        type: 'transfer.created',
        payoutId: request.payoutId,
        providerReference: fake.transferIdFor(request.payoutId),
        outcome: { status: 'paid', providerReference: fake.transferIdFor(request.payoutId) },
      },
    ]);
    expect(fake.invalidResponses()).toEqual([]); // the event is a Stripe `event` by the document
  });

  it('transfer.reversed in full → returned with the reversal’s return code, and the lookup agrees', async () => {
    const request = await paidPayout();

    const [event] = await verify(
      await fake.webhook(request.payoutId, 'returned', { reason: 'account_closed' }),
    );
    const found = await stripe().findTransfer(request.idempotencyKey, request);

    expect(event?.outcome).toMatchObject({
      status: 'returned',
      providerReference: fake.transferIdFor(request.payoutId),
      returnCode: 'account_closed',
    });
    expect(found).toEqual(event?.outcome);
    expect(fake.invalidResponses()).toEqual([]);
  });

  it('a reversal without a platform return code → returned, provider_rejected', async () => {
    const request = await paidPayout();

    const [event] = await verify(
      await fake.webhook(request.payoutId, 'returned', { reason: 'fraud-suspected' }),
    );

    expect(event?.outcome).toMatchObject({ status: 'returned', returnCode: 'provider_rejected' });
  });

  it('a partial reversal is recorded and changes nothing', async () => {
    const request = await paidPayout();

    const [event] = await verify(await fake.webhook(request.payoutId, 'returned', { reversedAmount: 50 }));
    const found = await stripe().findTransfer(request.idempotencyKey, request);

    expect(event).toMatchObject({ type: 'transfer.reversed', payoutId: request.payoutId, outcome: null });
    expect(found).toMatchObject({ status: 'paid' });
  });

  it('Stripe has no failed-transfer event: the fake refuses to invent one', async () => {
    const request = await paidPayout();

    await expect(fake.webhook(request.payoutId, 'failed')).rejects.toThrow(/no event for a failed transfer/);
  });

  it('an event about something other than a transfer carries no transfer update', async () => {
    const payload = JSON.stringify({
      id: 'evt_1Other',
      object: 'event',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'acct_1RecipientOk', object: 'account' } },
      livemode: false,
      pending_webhooks: 1,
      type: 'account.updated',
    });
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: fake.credentials.webhook_secret,
    });

    const events = await verify({ headers: { 'stripe-signature': header }, body: payload });

    expect(events).toEqual([]);
  });

  it('signs as Stripe does: Stripe’s own library accepts what the connector accepts', async () => {
    const request = await paidPayout();
    const webhook = await fake.webhook(request.payoutId, 'paid');

    const event = Stripe.webhooks.constructEvent(
      webhook.body,
      webhook.headers['stripe-signature']!,
      fake.credentials.webhook_secret,
    );

    expect(event.id).toBe((await verify(webhook))[0]?.eventId);
  });

  it.each([
    ['a tampered body', { tamper: true }],
    ['another secret', { wrongSecret: true }],
    ['a timestamp older than 300 s', { ageSeconds: 400 }],
    ['a timestamp more than 300 s ahead', { ageSeconds: -400 }],
  ])('refuses %s', async (_, options) => {
    const request = await paidPayout();
    const webhook = await fake.webhook(request.payoutId, 'paid', options);

    await expect(verify(webhook)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('accepts a delivery signed 240 s ago (within the tolerance)', async () => {
    const request = await paidPayout();

    const events = await verify(await fake.webhook(request.payoutId, 'paid', { ageSeconds: 240 }));

    expect(events).toHaveLength(1);
  });

  it('refuses a missing or malformed Stripe-Signature header', async () => {
    const request = await paidPayout();
    const webhook = await fake.webhook(request.payoutId, 'paid');
    const header = webhook.headers['stripe-signature']!;

    await expect(verify({ headers: {}, body: webhook.body })).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
    await expect(
      verify({ headers: { 'stripe-signature': header.replace(/t=\d+/, 't=soon') }, body: webhook.body }),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(
      verify({ headers: { 'stripe-signature': header.replace(/v1=/, 'v0=') }, body: webhook.body }),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});

describe('the fake itself', () => {
  let own: StripeFake;
  beforeAll(async () => {
    own = await startStripeFake();
  });
  afterAll(async () => {
    await own?.close();
  });

  const post = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${own.url}/v1/transfers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${own.credentials.secret_key}`, 'Content-Type': contentType },
      body,
    });

  it('refuses a parameter Stripe’s document does not have, as Stripe does, and records it invalid', async () => {
    const response = await post('amount=100&currency=eur&destination=acct_1X&colour=red');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'parameter_unknown', param: 'colour' },
    });
    expect(own.invalidRequests().at(-1)).toMatchObject({
      valid: false,
      problems: expect.stringContaining('colour'),
    });
  });

  it('refuses a transfer without a currency', async () => {
    const response = await post('amount=100&destination=acct_1X');

    expect(await response.json()).toMatchObject({ error: { code: 'parameter_missing', param: 'currency' } });
    expect(own.invalidRequests().at(-1)?.valid).toBe(false);
  });

  it('refuses an amount that is not an integer, and a JSON body', async () => {
    const fractional = await post('amount=10.5&currency=eur&destination=acct_1X');
    const json = await post(
      JSON.stringify({ amount: 100, currency: 'eur', destination: 'acct_1X' }),
      'application/json',
    );

    expect(await fractional.json()).toMatchObject({
      error: { code: 'parameter_invalid_integer', param: 'amount' },
    });
    expect(json.status).toBe(400);
    expect(own.invalidRequests()).toHaveLength(4);
    expect(own.transfersFor('anything')).toBe(0);
  });

  it('accepts a valid request with metadata and expand[], decoded from the form', async () => {
    const response = await post(
      'amount=100&currency=eur&destination=acct_1X&transfer_group=po_x&metadata[payout_id]=po_x&expand[]=balance_transaction',
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'transfer',
      amount: 100,
      metadata: { payout_id: 'po_x' },
    });
    expect(own.invalidRequests()).toHaveLength(4);
  });

  it('refuses a query parameter the list operation does not have', async () => {
    const response = await fetch(`${own.url}/v1/transfers?transfer_group=po_x&colour=red`, {
      headers: { Authorization: `Bearer ${own.credentials.secret_key}` },
    });

    expect(response.status).toBe(400);
    expect(own.invalidRequests()).toHaveLength(5);
  });

  it('refuses other credentials with 401', async () => {
    const response = await fetch(`${own.url}/v1/balance`, {
      headers: { Authorization: 'Bearer sk_test_other' },
    });

    expect(response.status).toBe(401);
  });
});
