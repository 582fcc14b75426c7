import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADYEN_DECIMALS_DIFFERING_FROM_ISO } from '../../shared/connectors/adyen/amounts.js';
import { adyenConnector } from '../../shared/connectors/adyen/connector.js';
import { ADYEN_REASONS } from '../../shared/connectors/adyen/failures.js';
import { adyenHmacSignature } from '../../shared/connectors/adyen/webhooks.js';
import { type ConnectorRuntime, WebhookVerificationError } from '../../shared/connectors/connector.js';
import { createTokenBucket } from '../../shared/connectors/token-bucket.js';
import { FAILURE_CODES } from '../../shared/domain/catalog.js';
import { currencyExponent } from '../../shared/domain/money.js';
import type { Destination } from '../../shared/domain/payout.js';
import {
  type ConnectorProvider,
  ProviderAuthenticationError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type TransferRequest,
} from '../../shared/ports/payout-provider.js';
import { type AdyenFake, startAdyenFake } from './adyen-fake.js';
import { CONTRACTS_DIR } from './prism.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const newPayoutId = () => `po_${[...randomBytes(26)].map((byte) => CROCKFORD[byte % 32]).join('')}`;

function bankAccount(name = 'Ada Lovelace'): Destination {
  return { type: 'bank_account', account_holder_name: name, iban: 'NL91 ABNA 0417 1643 00' };
}

function transferRequest(overrides: Partial<TransferRequest> = {}): TransferRequest {
  const payoutId = overrides.payoutId ?? newPayoutId();
  return {
    idempotencyKey: payoutId,
    payoutId,
    reference: 'INV2024001',
    amount: 1050,
    currency: 'EUR',
    destination: bankAccount(),
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

function readDocument(name: string) {
  return JSON.parse(readFileSync(join(CONTRACTS_DIR, name), 'utf8'));
}

/** The documents' `reason` enum: Transfer (Transfers API v4) and TransferData (webhooks v3). */
function documentedReasons(): string[] {
  const transfers = readDocument('adyen-transfers-v4.openapi.json').components.schemas.Transfer;
  const webhooks = readDocument('adyen-transfer-webhooks-v3.openapi.json').components.schemas.TransferData;
  return [...new Set([...transfers.properties.reason.enum, ...webhooks.properties.reason.enum])].sort();
}

/** Adyen's webhook document as a JSON Schema validator of TransferNotificationRequest. */
function webhookValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  for (const format of ['date', 'int32', 'int64']) ajv.addFormat(format, true);
  const document = readDocument('adyen-transfer-webhooks-v3.openapi.json');
  ajv.addSchema({ $id: 'adyen-transfer-webhooks', components: document.components });
  const validate = ajv.getSchema('adyen-transfer-webhooks#/components/schemas/TransferNotificationRequest');
  if (!validate) throw new Error('TransferNotificationRequest not found in the webhook document');
  return validate;
}

const lowerCaseHeaders = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe('Adyen connector against the Adyen fake (Prism on the Transfers API v4 document)', () => {
  let fake: AdyenFake;
  let runtime: ConnectorRuntime;
  let provider: ConnectorProvider;

  beforeAll(async () => {
    fake = await startAdyenFake();
    runtime = { baseUrl: fake.url, timeoutMs: 2000, limiter: createTokenBucket({ ratePerSecond: 1000 }) };
    provider = adyenConnector.provider(adyenConnector.credentials.parse(fake.credentials), runtime);
  });

  afterAll(async () => {
    await fake?.close();
  });

  /** Invalid requests recorded since `mark()`: the fake's own tests add some on purpose. */
  let invalidMark = 0;
  const mark = () => {
    invalidMark = fake.invalidRequests().length;
  };
  const newInvalid = () => fake.invalidRequests().slice(invalidMark);
  beforeEach(mark);

  const postsFor = (payoutId: string) =>
    fake.requests.filter(
      (request) => request.method === 'POST' && request.headers['idempotency-key'] === payoutId,
    );

  const verify = (webhook: { headers: Record<string, string>; body: string }) =>
    adyenConnector.verifyWebhook(
      { headers: lowerCaseHeaders(webhook.headers), rawBody: webhook.body },
      fake.credentials,
      runtime,
    );

  describe('createTransfer', () => {
    it("sends a request Adyen's document accepts, with the payout id as reference and key", async () => {
      const request = transferRequest();

      const outcome = await provider.createTransfer(request);

      expect(outcome).toEqual({ status: 'pending', providerReference: fake.transferIdFor(request.payoutId) });
      const [sent] = postsFor(request.payoutId);
      expect(sent?.valid).toBe(true);
      expect(sent?.headers['x-api-key']).toBe(fake.credentials.api_key);
      expect(JSON.parse(sent?.body ?? '{}')).toEqual({
        amount: { currency: 'EUR', value: 1050 },
        balanceAccountId: fake.credentials.balance_account_id,
        category: 'bank',
        priority: 'regular',
        counterparty: {
          bankAccount: {
            accountHolder: { fullName: 'Ada Lovelace' },
            accountIdentification: { type: 'iban', iban: 'NL91ABNA0417164300' },
          },
        },
        reference: request.payoutId,
        referenceForBeneficiary: 'INV2024001',
        description: 'INV2024001',
      });
      expect(newInvalid()).toEqual([]);
    });

    it('shows the tenant reference to the recipient only where Adyen allows its characters and length', async () => {
      const withHyphen = transferRequest({ reference: 'INV-2024/001' });
      const tooLong = transferRequest({ reference: 'A'.repeat(36) });
      const foreign = transferRequest({ reference: 'Rückzahlung März' });

      for (const request of [withHyphen, tooLong, foreign]) await provider.createTransfer(request);

      const body = (request: TransferRequest) => JSON.parse(postsFor(request.payoutId)[0]?.body ?? '{}');
      expect(body(withHyphen)).toMatchObject({ description: 'INV-2024/001' });
      expect(body(withHyphen)).not.toHaveProperty('referenceForBeneficiary');
      expect(body(tooLong)).toMatchObject({ description: 'A'.repeat(36) });
      expect(body(tooLong)).not.toHaveProperty('referenceForBeneficiary');
      expect(body(foreign)).not.toHaveProperty('referenceForBeneficiary');
      expect(body(foreign)).not.toHaveProperty('description');
      expect(newInvalid()).toEqual([]);
    });

    it('makes one transfer for the same key sent twice, and answers the first outcome again', async () => {
      const request = transferRequest();

      const first = await provider.createTransfer(request);
      const second = await provider.createTransfer(request);

      expect(second).toEqual(first);
      expect(postsFor(request.payoutId)).toHaveLength(2);
      expect(fake.transfersFor(request.payoutId)).toBe(1);
    });

    it('makes one transfer when two attempts with the same key race', async () => {
      const request = transferRequest();

      const outcomes = await Promise.all([
        provider.createTransfer(request),
        provider.createTransfer(request),
      ]);

      expect(outcomes[0]).toEqual(outcomes[1]);
      expect(fake.transfersFor(request.payoutId)).toBe(1);
    });

    it('reports a create that times out as unknown; the lookup then finds it and a retry makes nothing new', async () => {
      const request = transferRequest();
      fake.delayNextCreates(1, 3000);

      await expect(provider.createTransfer(request)).rejects.toBeInstanceOf(ProviderTimeoutError);
      const found = await provider.findTransfer(request.idempotencyKey, request);
      const retried = await provider.createTransfer(request);

      const transferId = fake.transferIdFor(request.payoutId);
      expect(found).toEqual({ status: 'paid', providerReference: transferId });
      expect(retried).toEqual({ status: 'pending', providerReference: transferId });
      expect(fake.transfersFor(request.payoutId)).toBe(1);
      expect(fake.duplicateTransfers()).toEqual([]);
    });

    it('fails a payout whose balance account cannot cover it (refused at once: notEnoughBalance)', async () => {
      const request = transferRequest({ destination: bankAccount('Ada Lovelace +fail_insufficient_funds') });

      const outcome = await provider.createTransfer(request);

      expect(outcome).toMatchObject({
        status: 'failed',
        providerReference: fake.transferIdFor(request.payoutId),
        failureCode: 'insufficient_funds',
      });
      expect(outcome.status === 'failed' && outcome.failureMessage).toMatch(/^Adyen: notEnoughBalance — /);
      expect(fake.transfersFor(request.payoutId)).toBe(1);
      expect(await provider.createTransfer(request)).toEqual(outcome);
      expect(fake.transfersFor(request.payoutId)).toBe(1);
    });

    it('fails a payout whose IBAN Adyen refuses (422 about the counterparty): invalid_account', async () => {
      const request = transferRequest({ destination: bankAccount('Ada Lovelace +fail_invalid_account') });

      const outcome = await provider.createTransfer(request);

      expect(outcome).toMatchObject({ status: 'failed', failureCode: 'invalid_account' });
      const message = outcome.status === 'failed' ? outcome.failureMessage : '';
      expect(message).toMatch(/^Adyen: 30_081 — /);
      expect(message).toContain('counterparty.bankAccount.accountIdentification.iban');
      expect(message).not.toContain('NL91ABNA0417164300');
      expect(fake.transfersFor(request.payoutId)).toBe(0);
      expect(newInvalid()).toEqual([]);
    });

    it('leaves a payout to a closed account pending; the webhook then fails it: account_closed', async () => {
      const request = transferRequest({ destination: bankAccount('Ada Lovelace +fail_account_closed') });

      const outcome = await provider.createTransfer(request);
      const [event] = await verify(await fake.webhook(request.payoutId, 'failed'));

      expect(outcome).toEqual({ status: 'pending', providerReference: fake.transferIdFor(request.payoutId) });
      expect(event?.outcome).toMatchObject({ status: 'failed', failureCode: 'account_closed' });
      expect(event?.outcome?.status === 'failed' && event.outcome.failureMessage).toMatch(
        /^Adyen: counterpartyAccountClosed — /,
      );
    });

    // Adyen's currency table: "differs from standard" (CLP and ISK 2 decimals, CVE and IDR 0).
    it.each(['CLP', 'CVE', 'IDR', 'ISK'])(
      'refuses %s before sending anything: Adyen counts its decimals differently from ISO 4217',
      async (currency) => {
        const request = transferRequest({ currency, amount: 100_000 });

        const outcome = await provider.createTransfer(request);

        expect(outcome).toMatchObject({ status: 'failed', failureCode: 'unsupported_destination' });
        expect(postsFor(request.payoutId)).toEqual([]);
      },
    );

    it.each([
      ['JPY', 5000],
      ['KWD', 1250],
      ['HUF', 10000],
    ])('sends %s minor units unchanged where Adyen and ISO 4217 agree', async (currency, amount) => {
      const request = transferRequest({ currency, amount });

      await provider.createTransfer(request);

      expect(JSON.parse(postsFor(request.payoutId)[0]?.body ?? '{}').amount).toEqual({
        currency,
        value: amount,
      });
    });

    it('refuses a destination other than a bank account before sending anything', async () => {
      const request = transferRequest({ destination: { type: 'email', email: 'ada@example.com' } });

      const outcome = await provider.createTransfer(request);

      expect(outcome).toMatchObject({ status: 'failed', failureCode: 'unsupported_destination' });
      expect(postsFor(request.payoutId)).toEqual([]);
    });

    it("passes Adyen's 429 and Retry-After on; nothing is made and the next attempt pays once", async () => {
      const request = transferRequest();
      fake.refuseNext(1, 429, 7);

      const refused = await provider.createTransfer(request).catch((error: unknown) => error);
      const retried = await provider.createTransfer(request);

      expect(refused).toBeInstanceOf(ProviderUnavailableError);
      expect(refused).toMatchObject({ status: 429, retryAfterSeconds: 7 });
      expect(retried.status).toBe('pending');
      expect(fake.transfersFor(request.payoutId)).toBe(1);
    });

    it('treats a 500 on create as an unknown outcome (Adyen may have acted)', async () => {
      const request = transferRequest();
      fake.refuseNext(1, 500);

      await expect(provider.createTransfer(request)).rejects.toBeInstanceOf(ProviderTimeoutError);
    });
  });

  describe('answers the fake does not play (a stubbed fetch)', () => {
    const answering = (status: number, body: unknown) =>
      adyenConnector.provider(fake.credentials, {
        ...runtime,
        fetch: async () => new Response(JSON.stringify(body), { status }),
      });

    it('reads "the same key is still in progress" (409, or 422 errorCode 704) as an unknown outcome', async () => {
      const inProgress = { status: 422, errorCode: '704', title: 'Unprocessable', detail: 'in progress' };

      await expect(answering(422, inProgress).createTransfer(transferRequest())).rejects.toBeInstanceOf(
        ProviderTimeoutError,
      );
      await expect(answering(409, {}).createTransfer(transferRequest())).rejects.toBeInstanceOf(
        ProviderTimeoutError,
      );
    });

    it('fails the payout on a validation error not about the recipient: provider_rejected', async () => {
      const invalid = {
        errorCode: '30_001',
        detail: 'Invalid amount',
        invalidFields: [{ name: 'amount.value' }],
      };

      const outcome = await answering(422, invalid).createTransfer(transferRequest());

      expect(outcome).toMatchObject({ status: 'failed', failureCode: 'provider_rejected' });
    });

    it('keeps the payout on an answer that says nothing about it (404): nothing was made, retry', async () => {
      await expect(answering(404, {}).createTransfer(transferRequest())).rejects.toBeInstanceOf(
        ProviderUnavailableError,
      );
    });

    it('reads a 200 it cannot parse as an unknown outcome, never as a failure', async () => {
      await expect(
        answering(200, { unexpected: true }).createTransfer(transferRequest()),
      ).rejects.toBeInstanceOf(ProviderTimeoutError);
    });

    it('reports an immediate booking as paid and a returned transfer as returned', async () => {
      const booked = await answering(200, { id: 'T1', status: 'booked' }).createTransfer(transferRequest());
      const returned = await answering(200, {
        id: 'T2',
        status: 'returned',
        reason: 'counterpartyAccountClosed',
        creationDate: '2026-01-02T03:04:05Z',
      }).createTransfer(transferRequest());

      expect(booked).toEqual({ status: 'paid', providerReference: 'T1' });
      expect(returned).toEqual({
        status: 'returned',
        providerReference: 'T2',
        returnCode: 'account_closed',
        returnedAt: '2026-01-02T03:04:05.000Z',
      });
    });
  });

  describe('findTransfer', () => {
    it('finds nothing, and makes nothing, for a payout Adyen never received', async () => {
      const request = transferRequest();

      const found = await provider.findTransfer(request.idempotencyKey, request);

      expect(found).toBeUndefined();
      expect(postsFor(request.payoutId)).toEqual([]);
      expect(fake.transfersFor(request.payoutId)).toBe(0);
    });

    it('finds no booked money for a transfer not booked; the same key then replays the first answer', async () => {
      const request = transferRequest({ destination: bankAccount('Ada Lovelace +fail_account_closed') });
      const first = await provider.createTransfer(request);

      const found = await provider.findTransfer(request.idempotencyKey, request);
      const again = await provider.createTransfer(request);

      expect(found).toBeUndefined();
      expect(again).toEqual(first);
      expect(fake.transfersFor(request.payoutId)).toBe(1);
    });

    it('finds a payout without its request (key only) within the idempotency window', async () => {
      const request = transferRequest();
      await provider.createTransfer(request);

      const found = await provider.findTransfer(request.idempotencyKey);

      expect(found).toEqual({ status: 'paid', providerReference: fake.transferIdFor(request.payoutId) });
    });

    it('reads the next pages of transactions (100 a page) to find a payout', async () => {
      const requests = Array.from({ length: 105 }, () => transferRequest());
      for (let start = 0; start < requests.length; start += 15)
        await Promise.all(
          requests.slice(start, start + 15).map((request) => provider.createTransfer(request)),
        );
      const last = requests.at(-1) as TransferRequest;
      const since = new Date(Date.now() - 60_000).toISOString();
      const pagesBefore = fake.requests.filter((request) => request.path.startsWith('/transactions')).length;

      const found = await provider.findTransfer(last.idempotencyKey, { ...last, createdAt: since });

      const pages = fake.requests.filter((request) => request.path.startsWith('/transactions')).length;
      expect(found).toEqual({ status: 'paid', providerReference: fake.transferIdFor(last.payoutId) });
      expect(pages - pagesBefore).toBeGreaterThan(1);
      expect(newInvalid()).toEqual([]);
    });
  });

  describe('credentials', () => {
    const stranger = () =>
      adyenConnector.provider(
        { ...fake.credentials, api_key: `AQE_other_${randomBytes(8).toString('hex')}` },
        runtime,
      );

    it('proves the fake’s credentials with one harmless call, and refuses others', async () => {
      const result = await provider.testConnection();

      expect(result.ok).toBe(true);
      await expect(stranger().testConnection()).rejects.toBeInstanceOf(ProviderAuthenticationError);
      const tests = fake.requests.filter((request) => request.path.includes('limit=1'));
      expect(tests.every((request) => request.valid)).toBe(true);
    });

    it('refuses a create and a lookup with another API key, and makes nothing', async () => {
      const request = transferRequest();

      await expect(stranger().createTransfer(request)).rejects.toBeInstanceOf(ProviderAuthenticationError);
      await expect(stranger().findTransfer(request.idempotencyKey, request)).rejects.toBeInstanceOf(
        ProviderAuthenticationError,
      );
      expect(fake.transfersFor(request.payoutId)).toBe(0);
    });

    it('validates the credentials a tenant sets, and shows back only the balance account', () => {
      expect(adyenConnector.credentials.safeParse(fake.credentials).success).toBe(true);
      expect(adyenConnector.credentials.safeParse({ ...fake.credentials, hmac_key: 'not-hex' }).success).toBe(
        false,
      );
      expect(
        adyenConnector.credentials.safeParse({ ...fake.credentials, balance_account_id: 'acct_1' }).success,
      ).toBe(false);
      expect(adyenConnector.publicFields).toEqual(['balance_account_id']);
    });
  });

  describe('webhooks', () => {
    const validate = webhookValidator();

    async function paidPayout() {
      const request = transferRequest();
      await provider.createTransfer(request);
      return request.payoutId;
    }

    it("builds webhooks that Adyen's webhook document accepts", async () => {
      const payoutId = await paidPayout();

      for (const kind of ['paid', 'failed', 'returned'] as const) {
        const { body } = await fake.webhook(payoutId, kind);
        expect(validate(JSON.parse(body)), JSON.stringify(validate.errors)).toBe(true);
      }
    });

    it('accepts a signed booked update: paid, with a stable event id', async () => {
      const payoutId = await paidPayout();
      const webhook = await fake.webhook(payoutId, 'paid');

      const events = await verify(webhook);
      const again = await verify(webhook);

      const transferId = fake.transferIdFor(payoutId);
      expect(events).toEqual([
        {
          eventId: `${transferId}:${fake.transferFor(payoutId)?.sequenceNumber}`,
          type: 'balancePlatform.transfer.updated',
          payoutId,
          providerReference: transferId,
          outcome: { status: 'paid', providerReference: transferId },
        },
      ]);
      expect(again).toEqual(events);
    });

    it('maps a returned transfer to returned with the return code', async () => {
      const payoutId = await paidPayout();

      const [closed] = await verify(await fake.webhook(payoutId, 'returned'));
      const [notFound] = await verify(
        await fake.webhook(payoutId, 'returned', { reason: 'counterpartyAccountNotFound' }),
      );

      expect(closed?.outcome).toMatchObject({ status: 'returned', returnCode: 'account_closed' });
      expect(notFound?.outcome).toMatchObject({ status: 'returned', returnCode: 'recipient_not_found' });
      expect(closed?.eventId).not.toBe(notFound?.eventId);
    });

    it('reads a failure after the transfer was booked as money sent back: returned, not failed', async () => {
      const payoutId = await paidPayout();

      const [event] = await verify(
        await fake.webhook(payoutId, 'failed', { reason: 'refusedByCounterpartyBank' }),
      );

      expect(event?.outcome).toMatchObject({ status: 'returned', returnCode: 'provider_rejected' });
    });

    it('refuses a tampered body, another secret, a missing and a malformed signature', async () => {
      const payoutId = await paidPayout();
      const tampered = await fake.webhook(payoutId, 'paid', { tamper: true });
      const wrongSecret = await fake.webhook(payoutId, 'paid', { wrongSecret: true });
      const good = await fake.webhook(payoutId, 'paid');

      await expect(verify(tampered)).rejects.toBeInstanceOf(WebhookVerificationError);
      await expect(verify(wrongSecret)).rejects.toBeInstanceOf(WebhookVerificationError);
      await expect(verify({ headers: {}, body: good.body })).rejects.toBeInstanceOf(WebhookVerificationError);
      await expect(
        verify({ headers: { hmacsignature: 'c2lnbmF0dXJl' }, body: good.body }),
      ).rejects.toBeInstanceOf(WebhookVerificationError);
    });

    it('has no signed timestamp to refuse: an old update is accepted and deduplicated on its event id', async () => {
      const payoutId = await paidPayout();

      const [old] = await verify(await fake.webhook(payoutId, 'paid', { ageSeconds: 3 * 86_400 }));

      expect(old?.outcome).toMatchObject({ status: 'paid' });
    });

    it('names no payout for a transfer of another balance account, and changes nothing for a non-final one', async () => {
      const payoutId = await paidPayout();
      const { body } = await fake.webhook(payoutId, 'paid');
      const resign = (change: (data: Record<string, unknown>) => void) => {
        const notification = JSON.parse(body);
        change(notification.data);
        const rawBody = JSON.stringify(notification);
        const hmacsignature = createHmac('sha256', Buffer.from(fake.credentials.hmac_key, 'hex'))
          .update(rawBody)
          .digest('base64');
        return { headers: { hmacsignature }, body: rawBody };
      };

      const [foreign] = await verify(
        resign((data) => Object.assign(data, { balanceAccount: { id: 'BA999' } })),
      );
      const [authorised] = await verify(resign((data) => Object.assign(data, { status: 'authorised' })));

      expect(foreign).toMatchObject({ payoutId: null, outcome: null });
      expect(authorised).toMatchObject({ payoutId, outcome: null });
    });

    it("computes Adyen's own test vector (@adyen/api-library) and ignores signed webhooks of other kinds", async () => {
      const key = 'D7DD5BA6146493707BF0BE7496F6404EC7A63616B7158EC927B9F54BB436765F';
      const rawBody =
        '{"data":{"balancePlatform":"Integration_tools_test","accountId":"BA32272223222H5HVKTBK4MLB","sweep":{"id":"SWPC42272223222H5HVKV6H8C64DP5","schedule":{"type":"balance"},"status":"active","targetAmount":{"currency":"EUR","value":0},"triggerAmount":{"currency":"EUR","value":0},"type":"pull","counterparty":{"balanceAccountId":"BA3227C223222H5HVKT3H9WLC"},"currency":"EUR"}},"environment":"test","type":"balancePlatform.balanceAccountSweep.updated"}';
      const expected = '9Qz9S/0xpar1klkniKdshxpAhRKbiSAewPpWoxKefQA=';

      expect(adyenHmacSignature(rawBody, key)).toBe(expected);
      const events = await adyenConnector.verifyWebhook(
        { headers: { hmacsignature: expected }, rawBody },
        { ...fake.credentials, hmac_key: key },
        runtime,
      );
      expect(events).toEqual([]);
    });
  });

  describe('mappings', () => {
    it("maps every transfer reason in Adyen's documents to a platform failure code", () => {
      expect(Object.keys(ADYEN_REASONS).sort()).toEqual(documentedReasons());
      for (const { code } of Object.values(ADYEN_REASONS)) expect(FAILURE_CODES).toContain(code);
    });

    it('lists only currencies whose Adyen decimals really differ from the platform’s ISO 4217 table', () => {
      for (const [currency, decimals] of Object.entries(ADYEN_DECIMALS_DIFFERING_FROM_ISO)) {
        expect(currencyExponent(currency)).toBeDefined();
        expect(currencyExponent(currency)).not.toBe(decimals);
      }
    });
  });

  describe('the fake', () => {
    it("refuses and records a request Adyen's document forbids (a BIC beside the IBAN)", async () => {
      const payoutId = newPayoutId();
      const body = {
        amount: { currency: 'EUR', value: 100 },
        balanceAccountId: fake.credentials.balance_account_id,
        category: 'bank',
        priority: 'regular',
        reference: payoutId,
        counterparty: {
          bankAccount: {
            accountHolder: { fullName: 'Ada Lovelace' },
            accountIdentification: { type: 'iban', iban: 'NL91ABNA0417164300', bic: 'ABNANL2A' },
          },
        },
      };

      const response = await fetch(`${fake.url}/transfers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': fake.credentials.api_key },
        body: JSON.stringify(body),
      });

      expect(response.status).toBe(422);
      const recorded = fake.invalidRequests().find((request) => request.body.includes(payoutId));
      expect(recorded?.problems).toContain("found 'bic'");
      expect(fake.transfersFor(payoutId)).toBe(0);
    });

    it('refuses a transfer without the fields the document requires, and one without an API key', async () => {
      const before = fake.invalidRequests().length;

      const missing = await fetch(`${fake.url}/transfers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': fake.credentials.api_key },
        body: JSON.stringify({ category: 'bank' }),
      });
      const anonymous = await fetch(`${fake.url}/transactions?balanceAccountId=BA1`, {});

      expect(missing.status).toBe(422);
      expect(anonymous.status).toBeGreaterThanOrEqual(400);
      expect(fake.invalidRequests().length - before).toBe(2);
    });
  });
});
