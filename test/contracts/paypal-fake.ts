import {
  createSign,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { startPrism } from './prism.js';
import type { FakeWebhookKind, ProviderFake, RecordedRequest, StatementFake } from './provider-fake.js';

/**
 * A stateful PayPal (Payouts v1, OAuth 2.0 client credentials, webhooks) for contract tests.
 *
 * Every request but the token request is first sent, headers and body as received, to Prism running
 * on PayPal's own OpenAPI document (test/contracts/paypal-payouts-v1.openapi.json for
 * /v1/payments/…, paypal-webhooks-v1.openapi.json for /v1/notifications/…). If Prism refuses it
 * (≥ 400), the request is recorded invalid, with Prism's `sl-violations` as its problems, and Prism's
 * answer is passed back. If Prism accepts it, the fake answers from its own ledger, as PayPal does:
 *
 * - POST /v1/oauth2/token (not in the vendored documents: checked by the fake itself): Basic auth with
 *   the fake's client id and secret, `grant_type=client_credentials` → a bearer token (9 hours).
 * - POST /v1/payments/payouts: a repeated PayPal-Request-Id gets the first answer again; a repeated
 *   `sender_batch_id` under another request id gets PayPal's 400 USER_BUSINESS_ERROR "Batch with given
 *   sender_batch_id already exists" with a link to the first batch; never a second batch. HUF, JPY and
 *   TWD amounts with decimals are refused (VALIDATION_ERROR), as PayPal refuses them. The answer is
 *   the batch header, PENDING; the items are processed at once (a GET shows their outcome).
 * - GET /v1/payments/payouts/{payout_batch_id}, GET /v1/payments/payouts-item/{payout_item_id}.
 * - POST /v1/notifications/verify-webhook-signature: SUCCESS only for a webhook this fake signed for
 *   that webhook id, with PayPal's scheme: `<transmission id>|<transmission time>|<webhook id>|<CRC-32
 *   of the body, decimal>` signed SHA256withRSA with the fake's own key pair. The CRC is taken over
 *   the event re-serialised (`JSON.stringify`), which is the body as sent: the fake sends compact JSON.
 *
 * Outcomes come from a tag at the end of the email's local part (`ada+fail_account_closed@…`):
 *
 * | tag                       | PayPal's answer |
 * |---------------------------|-----------------|
 * | none                      | item SUCCESS |
 * | +fail_account_closed      | item FAILED, RECEIVER_ACCOUNT_LOCKED |
 * | +fail_invalid_account     | item FAILED, INVALID_EMAIL |
 * | +fail_insufficient_funds  | the create is refused: 422 INSUFFICIENT_FUNDS, no batch |
 * | +unclaimed                | item UNCLAIMED, RECEIVER_UNREGISTERED (no PayPal account yet) |
 * | +blocked                  | item BLOCKED, RISK_DECLINE |
 * | +pending                  | item PENDING |
 *
 * Reconciliation: Payouts v1 lists no batches, so the statement reads batches one by one (GET);
 * `changeAmount`, `returnTransfer` (item RETURNED), `setItemStatus` and `hideTransfer` (the batch
 * answers 404) change what a GET shows; `addUnknownTransfer` makes a batch no payout asked for (made
 * in PayPal's own site), which only a listing could find.
 *
 * Webhooks (`webhook()`) first move the item (SUCCESS, FAILED, RETURNED), then send
 * PAYMENT.PAYOUTS-ITEM.* with the item as `resource` and without its `errors`, as PayPal documents
 * ("webhook resources don't contain error objects": the reason is read with a GET), unless
 * `withErrors`. A signature that would start with '+' or '/' is made again with another transmission
 * id: PayPal's document requires `transmission_sig` to start with a word character.
 */
export interface PaypalFake extends ProviderFake, Omit<StatementFake, 'setPageSize'> {
  /**
   * Sets the payout's item to any `transaction_status` PayPal documents (SUCCESS, FAILED, PENDING,
   * UNCLAIMED, RETURNED, ONHOLD, BLOCKED, REFUNDED, REVERSED, DENIED…), as PayPal moves it.
   */
  setItemStatus(payoutId: string, status: string): void;
  webhook(
    payoutId: string,
    kind: FakeWebhookKind,
    options?: {
      reason?: string;
      /** Signed for another webhook id (another listener's): PayPal's "wrong secret". */
      wrongSecret?: boolean;
      tamper?: boolean;
      ageSeconds?: number;
      /** Put the item's `errors` in the resource (PayPal's documents say webhooks carry none). */
      withErrors?: boolean;
      /** Signed with a key that is not the fake's (a forger's). */
      forged?: boolean;
    },
  ): Promise<{ headers: Record<string, string>; body: string }>;
  /** PayPal's id of the payout's item. */
  itemIdFor(payoutId: string): string | undefined;
  /** Every token issued so far stops working (revoked, expired early): the next call with one is 401. */
  revokeTokens(): void;
  /** How many access tokens the fake has issued. */
  tokensIssued(): number;
  /** The scope string of the tokens issued from now on (PayPal's Payouts scope by default). */
  setTokenScope(scope: string): void;
}

/** PayPal names its own API host in links; the connector must take only ids from them. */
const PAYPAL_LINK_HOST = 'https://api.sandbox.paypal.com';

const DEFAULT_SCOPE =
  'https://uri.paypal.com/services/payments/futurepayments https://uri.paypal.com/payments/payouts ' +
  'https://uri.paypal.com/services/applications/webhooks Openid';

const NO_DECIMALS = new Set(['HUF', 'JPY', 'TWD']);

interface ItemError {
  name: string;
  message: string;
}

interface FakeItem {
  payoutItemId: string;
  transactionId: string;
  status: string;
  errors?: ItemError;
  senderItemId?: string;
  receiver: string;
  amount: { value: string; currency: string };
  note?: string;
  timeProcessed: string;
}

interface FakeBatch {
  id: string;
  senderBatchId?: string;
  senderBatchHeader: Record<string, unknown>;
  timeCreated: string;
  items: FakeItem[];
}

const TAGGED: Readonly<Record<string, { status: string; errors?: ItemError }>> = {
  fail_account_closed: {
    status: 'FAILED',
    errors: {
      name: 'RECEIVER_ACCOUNT_LOCKED',
      message: "We were not able to send a payout because the recipient's account is inactive or restricted.",
    },
  },
  fail_invalid_account: {
    status: 'FAILED',
    errors: { name: 'INVALID_EMAIL', message: "The recipient's email address is not valid." },
  },
  unclaimed: {
    status: 'UNCLAIMED',
    errors: {
      name: 'RECEIVER_UNREGISTERED',
      message: 'The recipient for this payout does not have an account.',
    },
  },
  blocked: {
    status: 'BLOCKED',
    errors: { name: 'RISK_DECLINE', message: 'The payout was declined for risk.' },
  },
  pending: { status: 'PENDING' },
};

const REASONS: Readonly<Record<string, string>> = {
  RECEIVER_ACCOUNT_LOCKED:
    "We were not able to send a payout because the recipient's account is inactive or restricted.",
  RECEIVING_LIMIT_EXCEEDED: "The payout exceeds the recipient's receiving limit.",
  RECEIVER_UNREGISTERED: 'The recipient did not claim the payout within 30 days.',
};

/**
 * PayPal's `amount.value` of an amount in PayPal's minor units: whole units for the currencies PayPal
 * takes without decimals (HUF, JPY, TWD), else two decimals (integer arithmetic).
 */
function paypalValue(amount: number, currency: string): string {
  if (NO_DECIMALS.has(currency)) return String(amount);
  return `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`;
}

function tagOf(email: string): string | undefined {
  return /\+([a-z_]+)\s*$/.exec(email.split('@')[0] ?? '')?.[1];
}

/** PayPal-like ids: upper-case letters and digits. */
function paypalId(length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

function iso(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function safeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function debugId(): string {
  return randomBytes(7).toString('hex');
}

function paypalError(name: string, message: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    message,
    debug_id: debugId(),
    information_link: 'https://developer.paypal.com/docs/api/payments.payouts-batch/#errors',
    ...extra,
  };
}

export async function startPaypalFake(options: { webhookErrors?: boolean } = {}): Promise<PaypalFake> {
  const [payoutsPrism, webhooksPrism] = await Promise.all([
    startPrism('paypal-payouts-v1.openapi.json'),
    startPrism('paypal-webhooks-v1.openapi.json'),
  ]);
  const credentials = {
    client_id: `AfakeClient${paypalId(24)}`,
    client_secret: `EFakeSecret${randomBytes(24).toString('hex')}`,
    webhook_id: paypalId(17),
  };
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let forgerKey: KeyObject | undefined;

  const requests: RecordedRequest[] = [];
  const batches = new Map<string, FakeBatch>();
  const batchBySenderBatchId = new Map<string, string>();
  /** Batches the statement tests made disappear (`hideTransfer`): PayPal answers 404 for them. */
  const hiddenBatches = new Set<string>();
  const answersByRequestId = new Map<string, { status: number; body: unknown }>();
  const liveTokens = new Set<string>();
  let issued = 0;
  let tokenScope = DEFAULT_SCOPE;
  const refusal = { count: 0, status: 503, retryAfterSeconds: undefined as number | undefined };
  const delay = { count: 0, ms: 0 };
  const pendingDelays = new Set<() => void>();
  let url = '';
  let certUrl = '';

  function send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    if (response.destroyed || response.writableEnded) return;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body === undefined ? '' : JSON.stringify(body));
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pendingDelays.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pendingDelays.add(done);
    });
  }

  function batchStatus(batch: FakeBatch): string {
    return batch.items.some((item) => item.status === 'PENDING' || item.status === 'ONHOLD')
      ? 'PROCESSING'
      : 'SUCCESS';
  }

  function itemView(batch: FakeBatch, item: FakeItem, withSenderBatchId: boolean, withErrors = true) {
    return {
      payout_item_id: item.payoutItemId,
      transaction_id: item.transactionId,
      transaction_status: item.status,
      payout_item_fee: { currency: item.amount.currency, value: '0.00' },
      payout_batch_id: batch.id,
      ...(withSenderBatchId && batch.senderBatchId ? { sender_batch_id: batch.senderBatchId } : {}),
      payout_item: {
        recipient_type: 'EMAIL',
        amount: item.amount,
        ...(item.note ? { note: item.note } : {}),
        receiver: item.receiver,
        ...(item.senderItemId ? { sender_item_id: item.senderItemId } : {}),
        recipient_wallet: 'PAYPAL',
      },
      time_processed: item.timeProcessed,
      ...(withErrors && item.errors ? { errors: { ...item.errors, details: [] } } : {}),
      links: [
        {
          href: `${PAYPAL_LINK_HOST}/v1/payments/payouts-item/${item.payoutItemId}`,
          rel: 'item',
          method: 'GET',
          encType: 'application/json',
        },
      ],
    };
  }

  function batchView(batch: FakeBatch) {
    const first = batch.items[0];
    return {
      total_items: batch.items.length,
      batch_header: {
        payout_batch_id: batch.id,
        batch_status: batchStatus(batch),
        time_created: batch.timeCreated,
        time_completed: batch.timeCreated,
        sender_batch_header: batch.senderBatchHeader,
        funding_source: 'BALANCE',
        ...(first ? { amount: first.amount, fees: { currency: first.amount.currency, value: '0.00' } } : {}),
      },
      items: batch.items.map((item) => itemView(batch, item, false)),
      links: [{ href: `${PAYPAL_LINK_HOST}/v1/payments/payouts/${batch.id}`, rel: 'self', method: 'GET' }],
    };
  }

  function itemOf(payoutId: string): { batch: FakeBatch; item: FakeItem } {
    const found = findItem(payoutId);
    if (!found) throw new Error(`The PayPal fake made no payout item for ${payoutId}`);
    return found;
  }

  function findItem(payoutId: string): { batch: FakeBatch; item: FakeItem } | undefined {
    for (const batch of batches.values())
      for (const item of batch.items) if (item.senderItemId === payoutId) return { batch, item };
    return undefined;
  }

  function issueToken(
    request: IncomingMessage,
    body: string,
    record: RecordedRequest,
    response: ServerResponse,
  ) {
    const grant = new URLSearchParams(body).get('grant_type');
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (grant !== 'client_credentials' || !basic || request.method !== 'POST') {
      record.valid = false;
      record.problems = 'a token request is POST, Basic auth, grant_type=client_credentials';
      return send(response, 400, {
        error: 'unsupported_grant_type',
        error_description: 'Grant Type is NULL',
      });
    }
    const given = Buffer.from(basic, 'base64').toString('utf8');
    if (!safeEqualText(given, `${credentials.client_id}:${credentials.client_secret}`))
      return send(response, 401, {
        error: 'invalid_client',
        error_description: 'Client Authentication failed',
      });
    const token = `A21AA${randomBytes(32).toString('base64url')}`;
    liveTokens.add(token);
    issued += 1;
    return send(response, 200, {
      scope: tokenScope,
      access_token: token,
      token_type: 'Bearer',
      app_id: 'APP-80W284485P519543T',
      expires_in: 32400,
      nonce: `${iso(Date.now())}${randomBytes(8).toString('hex')}`,
    });
  }

  async function createPayout(request: IncomingMessage, body: string, response: ServerResponse) {
    const requestId = request.headers['paypal-request-id'];
    const repeated = typeof requestId === 'string' ? answersByRequestId.get(requestId) : undefined;
    if (repeated) return send(response, repeated.status, repeated.body);
    const payload = JSON.parse(body) as {
      sender_batch_header: Record<string, unknown> & { sender_batch_id?: string };
      items: {
        receiver: string;
        amount: { value: string; currency: string };
        sender_item_id?: string;
        note?: string;
      }[];
    };
    const senderBatchId = payload.sender_batch_header.sender_batch_id;
    const existing = senderBatchId ? batchBySenderBatchId.get(senderBatchId) : undefined;
    if (existing)
      return send(
        response,
        400,
        paypalError('USER_BUSINESS_ERROR', 'User business error.', {
          details: [
            {
              field: 'SENDER_BATCH_ID',
              location: 'body',
              issue: 'Batch with given sender_batch_id already exists',
              link: [
                { href: `${PAYPAL_LINK_HOST}/v1/payments/payouts/${existing}`, rel: 'self', method: 'GET' },
              ],
            },
          ],
        }),
      );
    for (const [index, item] of payload.items.entries()) {
      if (NO_DECIMALS.has(item.amount.currency) && item.amount.value.includes('.'))
        return send(
          response,
          400,
          paypalError('VALIDATION_ERROR', 'Invalid request - see details.', {
            details: [
              { field: `items[${index}].amount.value`, location: 'body', issue: 'DECIMALS_NOT_SUPPORTED' },
            ],
          }),
        );
      if (tagOf(item.receiver) === 'fail_insufficient_funds')
        return send(
          response,
          422,
          paypalError(
            'INSUFFICIENT_FUNDS',
            'Sender does not have sufficient funds. Please add funds and retry.',
          ),
        );
    }
    const now = Date.now();
    const batch: FakeBatch = {
      id: paypalId(13),
      ...(senderBatchId ? { senderBatchId } : {}),
      senderBatchHeader: payload.sender_batch_header,
      timeCreated: iso(now),
      items: payload.items.map((item) => {
        const tagged = TAGGED[tagOf(item.receiver) ?? ''];
        return {
          payoutItemId: paypalId(13),
          transactionId: paypalId(17),
          status: tagged?.status ?? 'SUCCESS',
          ...(tagged?.errors ? { errors: tagged.errors } : {}),
          ...(item.sender_item_id ? { senderItemId: item.sender_item_id } : {}),
          receiver: item.receiver,
          amount: item.amount,
          ...(item.note ? { note: item.note } : {}),
          timeProcessed: iso(now),
        };
      }),
    };
    batches.set(batch.id, batch);
    if (senderBatchId) batchBySenderBatchId.set(senderBatchId, batch.id);
    const answer = {
      batch_header: {
        payout_batch_id: batch.id,
        batch_status: 'PENDING',
        sender_batch_header: payload.sender_batch_header,
      },
      links: [
        {
          href: `${PAYPAL_LINK_HOST}/v1/payments/payouts/${batch.id}`,
          rel: 'self',
          method: 'GET',
          encType: 'application/json',
        },
      ],
    };
    if (typeof requestId === 'string') answersByRequestId.set(requestId, { status: 201, body: answer });
    if (delay.count > 0) {
      delay.count -= 1;
      await sleep(delay.ms);
    }
    return send(response, 201, answer);
  }

  function verifySignature(body: string, response: ServerResponse) {
    const request = JSON.parse(body) as {
      auth_algo: string;
      cert_url: string;
      transmission_id: string;
      transmission_sig: string;
      transmission_time: string;
      webhook_id: string;
      webhook_event: unknown;
    };
    if (request.webhook_id !== credentials.webhook_id)
      return send(response, 404, paypalError('INVALID_RESOURCE_ID', 'Requested resource ID was not found.'));
    const message = `${request.transmission_id}|${request.transmission_time}|${request.webhook_id}|${crc32(JSON.stringify(request.webhook_event))}`;
    const verified =
      request.auth_algo === 'SHA256withRSA' &&
      request.cert_url === certUrl &&
      createVerify('sha256').update(message).verify(publicKey, request.transmission_sig, 'base64');
    return send(response, 200, { verification_status: verified ? 'SUCCESS' : 'FAILURE' });
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    const target = new URL(request.url ?? '/', url);
    const path = target.pathname;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: `${path}${target.search}`,
      headers,
      body,
      valid: true,
      at: Date.now(),
    };
    requests.push(record);

    if (refusal.count > 0) {
      refusal.count -= 1;
      const limited = refusal.status === 429;
      return send(
        response,
        refusal.status,
        paypalError(
          limited ? 'RATE_LIMIT_REACHED' : 'INTERNAL_SERVICE_ERROR',
          limited
            ? 'Too many requests. Blocked due to rate limiting.'
            : 'An internal service error has occurred.',
        ),
        refusal.retryAfterSeconds === undefined ? {} : { 'retry-after': String(refusal.retryAfterSeconds) },
      );
    }

    if (path === '/v1/oauth2/token') return issueToken(request, body, record, response);

    const prism = path.startsWith('/v1/notifications/')
      ? webhooksPrism
      : path.startsWith('/v1/payments/')
        ? payoutsPrism
        : undefined;
    if (!prism) {
      record.valid = false;
      record.problems = `${path} is in neither vendored PayPal document`;
      return send(response, 404, paypalError('NOT_FOUND', 'The specified resource does not exist.'));
    }
    const forwarded: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers))
      if (!['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(name))
        forwarded[name] = value;
    const checked = await fetch(`${prism.url}${path}${target.search}`, {
      method: record.method,
      headers: forwarded,
      body: record.method === 'GET' || record.method === 'HEAD' ? undefined : body,
    });
    const prismBody = await checked.text();
    if (checked.status >= 400) {
      record.valid = false;
      record.problems = checked.headers.get('sl-violations') ?? prismBody;
      if (response.destroyed) return;
      response.writeHead(checked.status, {
        'content-type': checked.headers.get('content-type') ?? 'application/json',
      });
      return response.end(prismBody);
    }

    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    if (!bearer || !liveTokens.has(bearer))
      return send(
        response,
        401,
        paypalError(
          'AUTHENTICATION_FAILURE',
          'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
        ),
      );

    if (record.method === 'POST' && path === '/v1/payments/payouts')
      return createPayout(request, body, response);
    const batchId = /^\/v1\/payments\/payouts\/([^/]+)$/.exec(path)?.[1];
    if (record.method === 'GET' && batchId) {
      const batch = batches.get(decodeURIComponent(batchId));
      if (!batch || hiddenBatches.has(batch.id))
        return send(
          response,
          404,
          paypalError('INVALID_RESOURCE_ID', 'Requested resource ID was not found.'),
        );
      return send(response, 200, batchView(batch));
    }
    const itemId = /^\/v1\/payments\/payouts-item\/([^/]+)$/.exec(path)?.[1];
    if (record.method === 'GET' && itemId) {
      for (const batch of batches.values()) {
        const item = batch.items.find((candidate) => candidate.payoutItemId === decodeURIComponent(itemId));
        if (item) return send(response, 200, itemView(batch, item, true));
      }
      return send(response, 404, paypalError('INVALID_RESOURCE_ID', 'Requested resource ID was not found.'));
    }
    if (record.method === 'POST' && path === '/v1/notifications/verify-webhook-signature')
      return verifySignature(body, response);
    return send(
      response,
      501,
      paypalError('NOT_IMPLEMENTED', `The fake does not play ${record.method} ${path}`),
    );
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, paypalError('INTERNAL_SERVICE_ERROR', String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  certUrl = `${url}/v1/notifications/certs/CERT-360caa42-fca2a594-${paypalId(8).toLowerCase()}`;

  const EVENT_BY_KIND: Record<FakeWebhookKind, { status: string; event: string; summary: string }> = {
    paid: {
      status: 'SUCCESS',
      event: 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED',
      summary: 'A payout item has succeeded',
    },
    failed: { status: 'FAILED', event: 'PAYMENT.PAYOUTS-ITEM.FAILED', summary: 'A payout item has failed' },
    returned: {
      status: 'RETURNED',
      event: 'PAYMENT.PAYOUTS-ITEM.RETURNED',
      summary: 'A payout item was returned',
    },
  };

  return {
    url,
    credentials,
    requests,
    invalidRequests: () => requests.filter((request) => !request.valid),
    transfersFor: (payoutId) =>
      [...batches.values()].filter((batch) => batch.items.some((item) => item.senderItemId === payoutId))
        .length,
    duplicateTransfers() {
      const counts = new Map<string, number>();
      for (const batch of batches.values())
        for (const item of batch.items)
          if (item.senderItemId) counts.set(item.senderItemId, (counts.get(item.senderItemId) ?? 0) + 1);
      return [...counts].filter(([, count]) => count > 1).map(([payoutId]) => payoutId);
    },
    transferIdFor: (payoutId) => findItem(payoutId)?.batch.id,
    itemIdFor: (payoutId) => findItem(payoutId)?.item.payoutItemId,
    refuseNext(count, status, retryAfterSeconds) {
      Object.assign(refusal, { count, status, retryAfterSeconds });
    },
    delayNextCreates(count, delayMs) {
      Object.assign(delay, { count, ms: delayMs });
    },
    addUnknownTransfer({ amount, currency, reference, createdAt }) {
      const time = iso(createdAt ?? Date.now());
      const batch: FakeBatch = {
        id: paypalId(13),
        ...(reference ? { senderBatchId: reference } : {}),
        senderBatchHeader: reference ? { sender_batch_id: reference } : {},
        timeCreated: time,
        items: [
          {
            payoutItemId: paypalId(13),
            transactionId: paypalId(17),
            status: 'SUCCESS',
            receiver: 'someone@example.com',
            amount: { value: paypalValue(amount, currency), currency },
            timeProcessed: time,
          },
        ],
      };
      batches.set(batch.id, batch);
      return batch.id;
    },
    changeAmount(payoutId, amount) {
      const { item } = itemOf(payoutId);
      item.amount = { ...item.amount, value: paypalValue(amount, item.amount.currency) };
    },
    returnTransfer(payoutId) {
      const { item } = itemOf(payoutId);
      item.status = 'RETURNED';
      item.errors = { name: 'RECEIVER_UNREGISTERED', message: REASONS.RECEIVER_UNREGISTERED as string };
      item.timeProcessed = iso(Date.now());
    },
    setItemStatus(payoutId, status) {
      const { item } = itemOf(payoutId);
      item.status = status;
      item.timeProcessed = iso(Date.now());
    },
    hideTransfer(payoutId) {
      hiddenBatches.add(itemOf(payoutId).batch.id);
    },
    revokeTokens: () => liveTokens.clear(),
    tokensIssued: () => issued,
    setTokenScope(scope) {
      tokenScope = scope;
    },
    async webhook(payoutId, kind, webhookOptions = {}) {
      const found = findItem(payoutId);
      if (!found) throw new Error(`The PayPal fake made no payout item for ${payoutId}`);
      const { batch, item } = found;
      const step = EVENT_BY_KIND[kind];
      item.status = step.status;
      item.timeProcessed = iso(Date.now());
      if (kind === 'paid') delete item.errors;
      else {
        const name = webhookOptions.reason ?? 'RECEIVER_ACCOUNT_LOCKED';
        item.errors = { name, message: REASONS[name] ?? `PayPal reason ${name}` };
      }
      const eventId = `WH-${paypalId(17)}-${paypalId(17)}`;
      const event = {
        id: eventId,
        event_version: '1.0',
        create_time: iso(Date.now()),
        resource_type: 'payouts_item',
        event_type: step.event,
        summary: step.summary,
        resource: itemView(batch, item, true, webhookOptions.withErrors ?? options.webhookErrors ?? false),
        links: [
          {
            href: `${PAYPAL_LINK_HOST}/v1/notifications/webhooks-events/${eventId}`,
            rel: 'self',
            method: 'GET',
          },
          {
            href: `${PAYPAL_LINK_HOST}/v1/notifications/webhooks-events/${eventId}/resend`,
            rel: 'resend',
            method: 'POST',
          },
        ],
      };
      const signed = JSON.stringify(event);
      const transmissionTime = iso(Date.now() - (webhookOptions.ageSeconds ?? 0) * 1000);
      const webhookId = webhookOptions.wrongSecret ? paypalId(17) : credentials.webhook_id;
      if (webhookOptions.forged && !forgerKey)
        forgerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const key = webhookOptions.forged ? (forgerKey as KeyObject) : privateKey;
      let transmissionId = '';
      let signature = '';
      do {
        transmissionId = randomUUID();
        signature = createSign('sha256')
          .update(`${transmissionId}|${transmissionTime}|${webhookId}|${crc32(signed)}`)
          .sign(key, 'base64');
      } while (!/^(?!\d+$)\w+\S+/.test(signature));
      let body = signed;
      if (webhookOptions.tamper) {
        const changed = JSON.parse(signed) as typeof event;
        changed.resource.transaction_status = item.status === 'SUCCESS' ? 'FAILED' : 'SUCCESS';
        body = JSON.stringify(changed);
      }
      return {
        headers: {
          'content-type': 'application/json',
          'paypal-transmission-id': transmissionId,
          'paypal-transmission-time': transmissionTime,
          'paypal-transmission-sig': signature,
          'paypal-cert-url': certUrl,
          'paypal-auth-algo': 'SHA256withRSA',
        },
        body,
      };
    },
    async close() {
      for (const release of [...pendingDelays]) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([payoutsPrism.close(), webhooksPrism.close()]);
    },
  } satisfies PaypalFake;
}
