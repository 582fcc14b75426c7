import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorRuntime, WebhookVerificationError } from '../../shared/connectors/connector.js';
import { paypalConnector } from '../../shared/connectors/paypal/connector.js';
import type { PaypalCredentials } from '../../shared/connectors/paypal/index.js';
import { createTokenBucket } from '../../shared/connectors/token-bucket.js';
import {
  ProviderAuthenticationError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type TransferRequest,
} from '../../shared/ports/payout-provider.js';
import { type PaypalFake, startPaypalFake } from './paypal-fake.js';
import type { RecordedRequest } from './provider-fake.js';

let fake: PaypalFake;
let runtime: ConnectorRuntime;
let credentials: PaypalCredentials;

beforeAll(async () => {
  fake = await startPaypalFake();
  runtime = { baseUrl: fake.url, timeoutMs: 2000, limiter: createTokenBucket({ ratePerSecond: 1000 }) };
  credentials = paypalConnector.credentials.parse(fake.credentials);
});

afterAll(async () => {
  await fake?.close();
});

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function newPayoutId(): string {
  return `po_${Array.from({ length: 26 }, () => CROCKFORD[randomInt(CROCKFORD.length)]).join('')}`;
}

function transfer(overrides: Partial<TransferRequest> & { email?: string } = {}): TransferRequest {
  const { email, ...rest } = overrides;
  const id = rest.payoutId ?? newPayoutId();
  return {
    idempotencyKey: id,
    payoutId: id,
    reference: `INV-${id.slice(-6)}`,
    amount: 1234,
    currency: 'EUR',
    destination: { type: 'email', email: email ?? `ada.${id.slice(-6).toLowerCase()}@example.com` },
    createdAt: new Date().toISOString(),
    ...rest,
  };
}

function provider(tenant: PaypalCredentials = credentials) {
  return paypalConnector.provider(tenant, runtime);
}

function since(mark: number): RecordedRequest[] {
  return fake.requests.slice(mark);
}

function creates(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.method === 'POST' && request.path === '/v1/payments/payouts');
}

function expectAllValid(mark: number) {
  expect(since(mark).filter((request) => !request.valid)).toEqual([]);
}

function verify(
  hook: { headers: Record<string, string>; body: string },
  tenant: PaypalCredentials = credentials,
) {
  return paypalConnector.verifyWebhook({ headers: hook.headers, rawBody: hook.body }, tenant, runtime);
}

describe('PayPal connector: payouts', () => {
  it('sends one batch of one EMAIL item that PayPal’s document accepts, keyed by the payout id, and answers pending', async () => {
    const mark = fake.requests.length;
    const request = transfer({ amount: 1234, currency: 'EUR', reference: 'INV-2026-001' });

    const outcome = await provider().createTransfer(request);

    expect(outcome).toEqual({ status: 'pending', providerReference: fake.transferIdFor(request.payoutId) });
    const [create] = creates(since(mark));
    expect(create?.headers['paypal-request-id']).toBe(request.idempotencyKey);
    expect(create?.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(JSON.parse(create?.body ?? '')).toEqual({
      sender_batch_header: { sender_batch_id: request.payoutId, recipient_type: 'EMAIL' },
      items: [
        {
          recipient_type: 'EMAIL',
          receiver: request.destination.type === 'email' ? request.destination.email : '',
          amount: { value: '12.34', currency: 'EUR' },
          sender_item_id: request.payoutId,
          note: 'INV-2026-001',
        },
      ],
    });
    expect(fake.transfersFor(request.payoutId)).toBe(1);
    expectAllValid(mark);
  });

  it('finds the transfer again by replaying the create (same request id, same sender_batch_id) and reading the batch', async () => {
    const request = transfer();
    const created = await provider().createTransfer(request);
    const mark = fake.requests.length;

    const found = await provider().findTransfer(request.idempotencyKey, request);

    expect(found).toEqual({ status: 'paid', providerReference: created.providerReference });
    const replay = creates(since(mark));
    expect(replay).toHaveLength(1);
    expect(replay[0]?.headers['paypal-request-id']).toBe(request.idempotencyKey);
    expect(since(mark).map((entry) => `${entry.method} ${entry.path}`)).toContain(
      `GET /v1/payments/payouts/${created.providerReference}`,
    );
    expect(fake.transfersFor(request.payoutId)).toBe(1);
    expectAllValid(mark);
  });

  it('makes one batch when the same key is sent twice', async () => {
    const request = transfer();

    const first = await provider().createTransfer(request);
    const second = await provider().createTransfer(request);

    expect(second).toEqual(first);
    expect(fake.transfersFor(request.payoutId)).toBe(1);
    expect(fake.duplicateTransfers()).toEqual([]);
  });

  it('looks the batch up, never fails, when PayPal says the sender_batch_id was used under another request id', async () => {
    const request = transfer();
    const first = await provider().createTransfer(request);
    const mark = fake.requests.length;

    const again = await provider().createTransfer({
      ...request,
      idempotencyKey: `${request.idempotencyKey}-other`,
    });

    expect(again).toEqual({ status: 'paid', providerReference: first.providerReference });
    // PayPal's link names its own host: only the batch id is taken, the GET goes to the runtime's host.
    expect(since(mark).map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'POST /v1/payments/payouts',
      `GET /v1/payments/payouts/${first.providerReference}`,
    ]);
    expect(fake.transfersFor(request.payoutId)).toBe(1);
    expectAllValid(mark);
  });

  it('throws ProviderTimeoutError for a create that times out; findTransfer then finds the one batch', async () => {
    const request = transfer();
    fake.delayNextCreates(1, 3000);

    await expect(provider().createTransfer(request)).rejects.toBeInstanceOf(ProviderTimeoutError);
    const found = await provider().findTransfer(request.idempotencyKey, request);

    expect(found).toEqual({ status: 'paid', providerReference: fake.transferIdFor(request.payoutId) });
    expect(fake.transfersFor(request.payoutId)).toBe(1);
    expect(fake.duplicateTransfers()).toEqual([]);
  });

  it('findTransfer for a create PayPal never received makes its one batch, and a second look makes none', async () => {
    const request = transfer();

    const first = await provider().findTransfer(request.idempotencyKey, request);
    const second = await provider().findTransfer(request.idempotencyKey, request);

    expect(first).toEqual({ status: 'paid', providerReference: fake.transferIdFor(request.payoutId) });
    expect(second).toEqual(first);
    expect(fake.transfersFor(request.payoutId)).toBe(1);
  });

  it('findTransfer with the stored payout_batch_id only reads the batch, at any age', async () => {
    const request = transfer();
    const created = await provider().createTransfer(request);
    const mark = fake.requests.length;

    const found = await provider().findTransfer(request.idempotencyKey, {
      ...request,
      createdAt: new Date(Date.now() - 90 * 86_400_000).toISOString(),
      providerReference: created.providerReference,
    } as TransferRequest);

    expect(found).toEqual({ status: 'paid', providerReference: created.providerReference });
    expect(since(mark).map((entry) => entry.method)).toEqual(['GET']);
  });

  it('findTransfer with a stored reference PayPal knows no batch by (a refused request’s id) replays instead', async () => {
    const request = transfer();
    const created = await provider().createTransfer(request);

    const found = await provider().findTransfer(request.idempotencyKey, {
      ...request,
      providerReference: 'f05063556a338',
    } as TransferRequest);

    expect(found).toEqual({ status: 'paid', providerReference: created.providerReference });
    expect(fake.transfersFor(request.payoutId)).toBe(1);
  });

  it.each([
    ['created 26 days ago', new Date(Date.now() - 26 * 86_400_000).toISOString()],
    ['created at an unknown time', undefined],
  ])(
    'findTransfer never replays a create for a payout %s (PayPal forgets sender_batch_ids after 30 days)',
    async (_, createdAt) => {
      const request = { ...transfer(), createdAt };
      const mark = fake.requests.length;

      await expect(provider().findTransfer(request.idempotencyKey, request)).rejects.toThrow(/25 days/);

      expect(since(mark)).toEqual([]);
    },
  );

  it('findTransfer without the transfer request refuses rather than guess', async () => {
    await expect(provider().findTransfer(newPayoutId())).rejects.toBeInstanceOf(ProviderTimeoutError);
  });

  it.each([
    ['fail_account_closed', 'account_closed', 'RECEIVER_ACCOUNT_LOCKED'],
    ['fail_invalid_account', 'invalid_account', 'INVALID_EMAIL'],
    ['blocked', 'provider_rejected', 'RISK_DECLINE'],
  ])('an item PayPal fails (+%s) is failed %s with PayPal’s %s in the message', async (tag, code, name) => {
    const request = transfer({ email: `ada+${tag}@example.com` });
    const created = await provider().createTransfer(request);

    const found = await provider().findTransfer(request.idempotencyKey, request);

    expect(created.status).toBe('pending');
    expect(found).toEqual({
      status: 'failed',
      providerReference: created.providerReference,
      failureCode: code,
      failureMessage: expect.stringContaining(`PayPal: ${name}`),
    });
  });

  it('a create PayPal refuses for the sender’s balance (+fail_insufficient_funds) is failed insufficient_funds, no batch', async () => {
    const request = transfer({ email: 'ada+fail_insufficient_funds@example.com' });

    const outcome = await provider().createTransfer(request);

    expect(outcome).toMatchObject({
      status: 'failed',
      failureCode: 'insufficient_funds',
      failureMessage: expect.stringContaining('PayPal: INSUFFICIENT_FUNDS'),
    });
    expect(fake.transfersFor(request.payoutId)).toBe(0);
  });

  it('an unclaimed item (no PayPal account yet) stays pending: PayPal pays or returns it within 30 days', async () => {
    const request = transfer({ email: 'ada+unclaimed@example.com' });
    const created = await provider().createTransfer(request);

    const found = await provider().findTransfer(request.idempotencyKey, request);

    expect(found).toEqual({ status: 'pending', providerReference: created.providerReference });
  });

  it.each([
    [10_000, 'HUF', '100'],
    [20_000, 'TWD', '200'],
    [500, 'JPY', '500'],
    [123_456, 'EUR', '1234.56'],
    [1, 'KWD', '0.001'],
    [1_000_000_000_000, 'USD', '10000000000.00'],
  ])('sends %i minor units of %s as exactly %s', async (amount, currency, value) => {
    const request = transfer({ amount, currency });
    const mark = fake.requests.length;

    await provider().createTransfer(request);

    expect(JSON.parse(creates(since(mark))[0]?.body ?? '{}').items[0].amount).toEqual({ value, currency });
    expectAllValid(mark);
  });

  it.each([
    [
      'an amount PayPal would round',
      transfer({ amount: 10_050, currency: 'HUF' }),
      /100\.50 HUF cannot be sent exactly/,
    ],
    [
      'a bank account',
      transfer({
        destination: { type: 'bank_account', account_holder_name: 'Ada', iban: 'DE89370400440532013000' },
      }),
      /email addresses, not bank_account/,
    ],
    [
      'a receiver longer than PayPal takes',
      transfer({ email: `${'a'.repeat(120)}@example.com` }),
      /127 characters/,
    ],
  ])('refuses %s as unsupported_destination without calling PayPal', async (_, request, message) => {
    const mark = fake.requests.length;

    const outcome = await provider().createTransfer(request);

    expect(outcome).toEqual({
      status: 'failed',
      providerReference: '',
      failureCode: 'unsupported_destination',
      failureMessage: expect.stringMatching(message),
    });
    expect(since(mark)).toEqual([]);
    expect(await provider().findTransfer(request.idempotencyKey, request)).toBeUndefined();
  });

  it('a 429 with Retry-After is ProviderUnavailableError carrying it, and nothing is made', async () => {
    const request = transfer();
    await provider().testConnection(); // a cached token: the refused call is the create itself
    fake.refuseNext(1, 429, 7);

    const error = await provider()
      .createTransfer(request)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
    expect(fake.transfersFor(request.payoutId)).toBe(0);
  });

  it('a 500 on a create is an unknown outcome (ProviderTimeoutError), not a refusal', async () => {
    await provider().testConnection();
    fake.refuseNext(1, 500);

    await expect(provider().createTransfer(transfer())).rejects.toBeInstanceOf(ProviderTimeoutError);
  });

  it('wrong credentials are ProviderAuthenticationError, and nothing is made', async () => {
    const request = transfer();

    await expect(
      provider({ ...credentials, client_secret: `${credentials.client_secret}x` }).createTransfer(request),
    ).rejects.toBeInstanceOf(ProviderAuthenticationError);

    expect(fake.transfersFor(request.payoutId)).toBe(0);
  });

  it('testConnection gets a token with the fake’s credentials and fails with others', async () => {
    await expect(provider().testConnection()).resolves.toEqual({
      ok: true,
      detail: expect.stringContaining(credentials.client_id),
    });
    await expect(
      provider({ ...credentials, client_id: 'AnotherClient' }).testConnection(),
    ).rejects.toBeInstanceOf(ProviderAuthenticationError);
  });

  it('testConnection fails for an app that is not enabled for Payouts', async () => {
    fake.setTokenScope('openid https://uri.paypal.com/services/invoicing');
    try {
      await expect(provider().testConnection()).rejects.toThrow(/not enabled for Payouts/);
    } finally {
      fake.setTokenScope(
        'https://uri.paypal.com/payments/payouts https://uri.paypal.com/services/applications/webhooks',
      );
    }
  });

  it('reuses one access token across payouts, and replaces a revoked one once', async () => {
    await provider().testConnection();
    const issued = fake.tokensIssued();

    await provider().createTransfer(transfer());
    await provider().createTransfer(transfer());
    expect(fake.tokensIssued()).toBe(issued);

    fake.revokeTokens();
    const request = transfer();
    const outcome = await provider().createTransfer(request);

    expect(outcome.status).toBe('pending');
    expect(fake.tokensIssued()).toBe(issued + 1);
    expect(fake.transfersFor(request.payoutId)).toBe(1);
  });

  it('validates the credentials a tenant configures', () => {
    const valid = { client_id: 'AbC-123_x', client_secret: 'EFG-456', webhook_id: '1JE4291016473214C' };
    expect(paypalConnector.credentials.safeParse(valid).success).toBe(true);
    expect(paypalConnector.credentials.safeParse({ ...valid, client_id: 'has:colon' }).success).toBe(false);
    expect(paypalConnector.credentials.safeParse({ ...valid, webhook_id: 'WH-1234' }).success).toBe(false);
    expect(paypalConnector.credentials.safeParse({ ...valid, client_secret: '' }).success).toBe(false);
    expect(paypalConnector.publicFields).toEqual(['client_id', 'webhook_id']);
  });
});

describe('PayPal connector: webhooks', () => {
  async function delivered(
    kind: 'paid' | 'failed' | 'returned',
    options: Parameters<PaypalFake['webhook']>[2] = {},
  ) {
    const request = transfer();
    const created = await provider().createTransfer(request);
    const hook = await fake.webhook(request.payoutId, kind, options);
    return { request, reference: created.providerReference, hook };
  }

  it('a signed PAYMENT.PAYOUTS-ITEM.SUCCEEDED is verified by PayPal and pays the payout', async () => {
    const { request, reference, hook } = await delivered('paid');
    const mark = fake.requests.length;

    const events = await verify(hook);

    expect(events).toEqual([
      {
        eventId: JSON.parse(hook.body).id,
        type: 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED',
        payoutId: request.payoutId,
        providerReference: reference,
        outcome: { status: 'paid', providerReference: reference },
      },
    ]);
    const postback = since(mark).find((entry) => entry.path === '/v1/notifications/verify-webhook-signature');
    expect(JSON.parse(postback?.body ?? '{}')).toEqual({
      auth_algo: 'SHA256withRSA',
      cert_url: hook.headers['paypal-cert-url'],
      transmission_id: hook.headers['paypal-transmission-id'],
      transmission_sig: hook.headers['paypal-transmission-sig'],
      transmission_time: hook.headers['paypal-transmission-time'],
      webhook_id: credentials.webhook_id,
      webhook_event: JSON.parse(hook.body),
    });
    expectAllValid(mark);
  });

  it('a FAILED item webhook (no error object, as PayPal sends it) is failed with the reason read from the item', async () => {
    const { request, reference, hook } = await delivered('failed');
    const mark = fake.requests.length;

    const [event] = await verify(hook);

    expect(event?.outcome).toEqual({
      status: 'failed',
      providerReference: reference,
      failureCode: 'account_closed',
      failureMessage: expect.stringContaining('PayPal: RECEIVER_ACCOUNT_LOCKED'),
    });
    expect(since(mark).map((entry) => `${entry.method} ${entry.path}`)).toContain(
      `GET /v1/payments/payouts-item/${fake.itemIdFor(request.payoutId)}`,
    );
    expectAllValid(mark);
  });

  it('a FAILED item webhook carrying its errors maps them without another call', async () => {
    const { hook } = await delivered('failed', { reason: 'RECEIVING_LIMIT_EXCEEDED', withErrors: true });
    const mark = fake.requests.length;

    const [event] = await verify(hook);

    expect(event?.outcome).toMatchObject({
      status: 'failed',
      failureCode: 'limit_exceeded',
      failureMessage: expect.stringContaining('RECEIVING_LIMIT_EXCEEDED'),
    });
    expect(since(mark).map((entry) => entry.path)).toEqual(['/v1/notifications/verify-webhook-signature']);
  });

  it.each([
    ['RECEIVER_ACCOUNT_LOCKED', 'account_closed'],
    ['RECEIVER_UNREGISTERED', 'recipient_not_found'],
  ])(
    'a RETURNED item webhook (%s) is a failure with its code (%s): the money never reached them',
    async (reason, code) => {
      const { reference, hook } = await delivered('returned', { reason });

      const [event] = await verify(hook);

      // The platform fails a processing payout with it, and returns one already paid (paid + failed → returned).
      expect(event?.outcome).toMatchObject({
        status: 'failed',
        providerReference: reference,
        failureCode: code,
      });
      expect(JSON.stringify(event?.outcome)).toContain(`PayPal: ${reason}`);
    },
  );

  it('refuses, without asking PayPal, a certificate off PayPal’s hosts, another algorithm or a malformed signature', async () => {
    const { hook } = await delivered('paid');
    const before = fake.requests.length;
    const forgeries: Record<string, string>[] = [
      { 'paypal-cert-url': 'https://evil.example/v1/notifications/certs/CERT-1' },
      { 'paypal-auth-algo': 'HS256' },
      { 'paypal-transmission-sig': 'not a signature!' },
    ];
    for (const forged of forgeries)
      await expect(verify({ ...hook, headers: { ...hook.headers, ...forged } })).rejects.toBeInstanceOf(
        WebhookVerificationError,
      );
    // A forged request never spends the tenant's PayPal rate.
    expect(fake.requests.length).toBe(before);
  });

  it('accepts a delivery transmitted a day ago (PayPal retries for 3 days)', async () => {
    const { hook } = await delivered('paid', { ageSeconds: 86_400 });

    await expect(verify(hook)).resolves.toHaveLength(1);
  });

  it.each([
    ['a tampered body', { tamper: true }],
    ['a signature for another webhook id', { wrongSecret: true }],
    ['a signature by another key', { forged: true }],
  ])('refuses %s (PayPal answers FAILURE)', async (_, options) => {
    const { hook } = await delivered('failed', options);

    await expect(verify(hook)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('refuses a webhook when the tenant’s webhook id is not PayPal’s', async () => {
    const { hook } = await delivered('paid');

    await expect(verify(hook, { ...credentials, webhook_id: 'ABC123' })).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });

  it('refuses a delivery transmitted more than 4 days ago without asking PayPal', async () => {
    const { hook } = await delivered('paid', { ageSeconds: 5 * 86_400 });
    const mark = fake.requests.length;

    await expect(verify(hook)).rejects.toThrow(/hours ago/);

    expect(since(mark)).toEqual([]);
  });

  it.each([
    'paypal-transmission-id',
    'paypal-transmission-time',
    'paypal-transmission-sig',
    'paypal-cert-url',
    'paypal-auth-algo',
  ])('refuses a webhook without %s without asking PayPal', async (header) => {
    const { hook } = await delivered('paid');
    const mark = fake.requests.length;
    const { [header]: _, ...headers } = hook.headers;

    await expect(verify({ headers, body: hook.body })).rejects.toBeInstanceOf(WebhookVerificationError);

    expect(since(mark)).toEqual([]);
  });

  it('refuses a body that is not JSON without asking PayPal', async () => {
    const { hook } = await delivered('paid');
    const mark = fake.requests.length;

    await expect(verify({ ...hook, body: `${hook.body}}` })).rejects.toBeInstanceOf(WebhookVerificationError);

    expect(since(mark)).toEqual([]);
  });

  it('throws ProviderUnavailableError, not a verification error, when PayPal cannot verify now', async () => {
    const { hook } = await delivered('paid');
    fake.refuseNext(1, 503);

    await expect(verify(hook)).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('the connector made no request PayPal’s documents forbid', () => {
    expect(fake.invalidRequests()).toEqual([]);
  });
});

describe('the PayPal fake itself', () => {
  async function token(): Promise<string> {
    const response = await fetch(`${fake.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${fake.credentials.client_id}:${fake.credentials.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  function post(bearer: string, body: unknown, requestId?: string) {
    return fetch(`${fake.url}/v1/payments/payouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json',
        ...(requestId ? { 'paypal-request-id': requestId } : {}),
      },
      body: JSON.stringify(body),
    });
  }

  function payout(payoutId: string) {
    return {
      sender_batch_header: { sender_batch_id: payoutId },
      items: [
        {
          recipient_type: 'EMAIL',
          receiver: 'ada@example.com',
          amount: { value: '1.00', currency: 'USD' },
          sender_item_id: payoutId,
        },
      ],
    };
  }

  it('refuses a create PayPal’s document forbids (Prism’s answer) and records it invalid', async () => {
    const bearer = await token();
    const mark = fake.requests.length;

    const response = await post(bearer, {
      items: [{ receiver: 'ada@example.com', amount: { value: '1.00' } }],
    });

    expect(response.status).toBe(400);
    const [recorded] = since(mark);
    expect(recorded?.valid).toBe(false);
    expect(recorded?.problems).toMatch(/sender_batch_header/);
    expect(recorded?.problems).toMatch(/currency/);
  });

  it('refuses a call without a bearer token as PayPal’s document does, and records it invalid', async () => {
    const mark = fake.requests.length;

    const response = await fetch(`${fake.url}/v1/payments/payouts/ABC123`);

    expect(response.status).toBe(401);
    expect(since(mark)[0]?.valid).toBe(false);
  });

  it('refuses credentials and tokens other than its own (401)', async () => {
    const wrong = await fetch(`${fake.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${fake.credentials.client_id}:nope`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const unknownToken = await post('A21AAnot-a-token', payout(newPayoutId()));

    expect(wrong.status).toBe(401);
    expect(unknownToken.status).toBe(401);
  });

  it('answers a repeated PayPal-Request-Id with the first answer and a repeated sender_batch_id with PayPal’s duplicate error', async () => {
    const bearer = await token();
    const payoutId = newPayoutId();

    const first = await post(bearer, payout(payoutId), 'request-1');
    const replay = await post(bearer, payout(payoutId), 'request-1');
    const duplicate = await post(bearer, payout(payoutId), 'request-2');

    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(await replay.json()).toEqual(await first.json());
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toMatchObject({
      name: 'USER_BUSINESS_ERROR',
      details: [
        {
          field: 'SENDER_BATCH_ID',
          issue: 'Batch with given sender_batch_id already exists',
          link: [{ href: expect.stringContaining(`/v1/payments/payouts/${fake.transferIdFor(payoutId)}`) }],
        },
      ],
    });
    expect(fake.transfersFor(payoutId)).toBe(1);
  });

  it('refuses decimals in HUF, as PayPal does', async () => {
    const bearer = await token();
    const body = payout(newPayoutId());
    body.items[0] = {
      ...(body.items[0] as (typeof body.items)[number]),
      amount: { value: '100.50', currency: 'HUF' },
    };

    const response = await post(bearer, body);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ name: 'VALIDATION_ERROR' });
  });
});
