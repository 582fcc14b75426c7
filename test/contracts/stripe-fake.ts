import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { FakeWebhookKind, ProviderFake, RecordedRequest, StatementFake } from './provider-fake.js';
import { stripeDocument } from './stripe-schema.js';

/**
 * A fake Stripe for the connector's contract tests: an HTTP server on 127.0.0.1 that serves the
 * operations the connector uses (`POST /v1/transfers`, `GET /v1/transfers`, `GET /v1/balance`, and
 * for its statement `GET /v1/balance_transactions` of types `transfer` and `transfer_refund`, with
 * `expand[]=data.source` and `data.source.transfer`, paged with `starting_after`).
 *
 * - Every request is checked against Stripe's own OpenAPI document (./stripe-schema.ts): one the
 *   document forbids is answered 400 with Stripe's error shape and recorded as invalid. The fake's
 *   own answers and events are checked against the document too (`invalidResponses()`).
 * - Only `Authorization: Bearer <its key>` is accepted (else 401, as Stripe answers); a
 *   `Stripe-Version` other than the document's is refused.
 * - Idempotency as Stripe does it: a repeated Idempotency-Key with the same parameters replays the
 *   first answer (`Idempotent-Replayed: true`), with other parameters it is refused 400
 *   `idempotency_error`, and while the first request is still running it is refused 409.
 * - Outcomes come from the destination account id, which Stripe ids allow no name in; a tag right
 *   after `acct_` chooses Stripe's answer:
 *
 * | account id starts with               | Stripe's answer (HTTP 400, `invalid_request_error`)        |
 * |--------------------------------------|------------------------------------------------------------|
 * | acct_fail_account_closed             | `account_closed`                                           |
 * | acct_fail_insufficient_funds         | `balance_insufficient` (the platform's balance)            |
 * | acct_fail_invalid_account            | `account_invalid`, param destination                       |
 * | acct_fail_recipient_not_found        | `resource_missing` "No such destination", param destination |
 * | acct_fail_unsupported_destination    | `insufficient_capabilities_for_transfer`, param destination |
 * | acct_fail_limit_exceeded             | `amount_too_large`, param amount                           |
 * | acct_fail_provider_rejected          | `transfers_not_allowed`                                    |
 * | anything else                        | 200, the transfer (made at once, like Stripe)              |
 */
export const STRIPE_FAKE_FAILURES: Readonly<
  Record<string, { code: string; message: (account: string) => string; param?: string }>
> = {
  fail_account_closed: {
    code: 'account_closed',
    message: (a) => `The destination account ${a} has been closed.`,
  },
  fail_insufficient_funds: {
    code: 'balance_insufficient',
    message: () =>
      'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance',
  },
  fail_invalid_account: {
    code: 'account_invalid',
    param: 'destination',
    message: (a) => `The account ID ${a} provided is invalid.`,
  },
  fail_recipient_not_found: {
    code: 'resource_missing',
    param: 'destination',
    message: (a) => `No such destination: '${a}'`,
  },
  fail_unsupported_destination: {
    code: 'insufficient_capabilities_for_transfer',
    param: 'destination',
    message: () =>
      'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
  },
  fail_limit_exceeded: {
    code: 'amount_too_large',
    param: 'amount',
    message: () => 'The transfer amount is larger than the maximum allowed.',
  },
  fail_provider_rejected: {
    code: 'transfers_not_allowed',
    message: () => 'The requested transfer cannot be created. Contact us if you are receiving this error.',
  },
};

/** Stripe's newest API version when the vendored document was taken (the connector pins the same). */
export const STRIPE_FAKE_API_VERSION = '2025-09-30.clover';

export interface StripeFake extends ProviderFake, StatementFake {
  credentials: { secret_key: string; webhook_secret: string };
  /** Answers or events of the fake that Stripe's document does not allow (a bug in the fake). */
  invalidResponses(): { what: string; problems: string[] }[];
  /**
   * Reverses the payout's transfer, in full unless `amount` says otherwise, as the platform would in
   * the Dashboard; `returnCode` goes into the reversal's metadata `return_code`.
   */
  reverse(payoutId: string, options?: { amount?: number; returnCode?: string }): void;
  /** As ProviderFake's; `returned` with `reversedAmount` reverses only that much (a partial reversal). */
  webhook(
    payoutId: string,
    kind: FakeWebhookKind,
    options?: Parameters<ProviderFake['webhook']>[2] & { reversedAmount?: number },
  ): ReturnType<ProviderFake['webhook']>;
}

interface Reversal {
  id: string;
  object: 'transfer_reversal';
  amount: number;
  balance_transaction: string;
  created: number;
  currency: string;
  destination_payment_refund: string;
  metadata: Record<string, string>;
  source_refund: null;
  transfer: string;
}

interface Transfer {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  created: number;
  currency: string;
  description: string | null;
  destination: string;
  destination_payment: string;
  livemode: boolean;
  metadata: Record<string, string>;
  reversals: { object: 'list'; data: Reversal[]; has_more: boolean; url: string };
  reversed: boolean;
  source_transaction: null;
  source_type: string;
  transfer_group: string | null;
}

/** A line of the platform balance's ledger: a transfer leaving, or a reversal coming back. */
interface BalanceLine {
  id: string;
  type: 'transfer' | 'transfer_refund';
  created: number;
  transfer: Transfer;
  reversal?: Reversal;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

/** JSON with every object's keys sorted: the same parameters give the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function stripeError(type: string, message: string, extra: { code?: string; param?: string } = {}) {
  return {
    error: {
      type,
      message,
      ...extra,
      ...(extra.code
        ? { doc_url: `https://stripe.com/docs/error-codes/${extra.code.replace(/_/g, '-')}` }
        : {}),
    },
  };
}

export async function startStripeFake(
  options: { secretKey?: string; webhookSecret?: string; availableBalance?: Record<string, number> } = {},
): Promise<StripeFake> {
  const document = stripeDocument();
  // Compiled before listening (a few seconds the first time), never during a timed call.
  document.prepare([
    ['POST', '/v1/transfers'],
    ['GET', '/v1/transfers'],
    ['GET', '/v1/balance'],
    ['GET', '/v1/balance_transactions'],
  ]);
  const secretKey = options.secretKey ?? `sk_test_fake${randomBytes(12).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_fake${randomBytes(16).toString('base64url')}`;
  const livemode = secretKey.includes('_live_');
  const requests: RecordedRequest[] = [];
  const invalidAnswers: { what: string; problems: string[] }[] = [];
  const transfers = new Map<string, Transfer>();
  const ledger: BalanceLine[] = [];
  /** Transfers the statement tests made disappear from every listing (`hideTransfer`). */
  const hidden = new Set<string>();
  let pageSize = 100;
  /** Idempotency-Key → the parameters it was first used with and the answer given. */
  const idempotency = new Map<string, { fingerprint: string; answer: Answer }>();
  const running = new Set<string>();
  const refusals: { status: number; retryAfterSeconds?: number }[] = [];
  const delays: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const now = () => Math.floor(Date.now() / 1000);

  const inGroup = (payoutId: string) => [...transfers.values()].filter((t) => t.transfer_group === payoutId);

  function createTransfer(params: Record<string, unknown>): Answer {
    const destination = String(params.destination);
    if (params.amount === undefined)
      return {
        status: 400,
        body: stripeError('invalid_request_error', 'Missing required param: amount.', {
          code: 'parameter_missing',
          param: 'amount',
        }),
      };
    const amount = Number(params.amount);
    if (!(amount > 0))
      return {
        status: 400,
        body: stripeError('invalid_request_error', 'Invalid positive integer', {
          code: 'parameter_invalid_integer',
          param: 'amount',
        }),
      };
    const currency = String(params.currency);
    // Stripe's currency codes are lower case (https://docs.stripe.com/currencies).
    if (!/^[a-z]{3}$/.test(currency))
      return {
        status: 400,
        body: stripeError('invalid_request_error', `Invalid currency: ${currency}.`, { param: 'currency' }),
      };
    const tag = Object.keys(STRIPE_FAKE_FAILURES).find((t) => destination.startsWith(`acct_${t}`));
    const failure = tag ? STRIPE_FAKE_FAILURES[tag] : undefined;
    if (failure)
      return {
        status: 400,
        body: stripeError('invalid_request_error', failure.message(destination), {
          code: failure.code,
          ...(failure.param ? { param: failure.param } : {}),
        }),
      };
    const transfer: Transfer = {
      id: id('tr'),
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: id('txn'),
      created: now(),
      currency,
      description: typeof params.description === 'string' ? params.description : null,
      destination,
      destination_payment: id('py'),
      livemode,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      reversals: { object: 'list', data: [], has_more: false, url: '' },
      reversed: false,
      source_transaction: null,
      source_type: 'card',
      transfer_group: typeof params.transfer_group === 'string' ? params.transfer_group : null,
    };
    transfer.reversals.url = `/v1/transfers/${transfer.id}/reversals`;
    transfers.set(transfer.id, transfer);
    ledger.push({ id: transfer.balance_transaction, type: 'transfer', created: transfer.created, transfer });
    return { status: 200, body: transfer };
  }

  /** `created` as Stripe's list parameters give it: an exact second or a range. */
  function inCreated(created: number, filter: unknown): boolean {
    if (filter === undefined) return true;
    if (typeof filter === 'number') return created === filter;
    const range = filter as { gt?: number; gte?: number; lt?: number; lte?: number };
    return (
      (range.gt === undefined || created > range.gt) &&
      (range.gte === undefined || created >= range.gte) &&
      (range.lt === undefined || created < range.lt) &&
      (range.lte === undefined || created <= range.lte)
    );
  }

  /** A page of a list newest first, after `starting_after`, at most `limit` (and the fake's page size). */
  function page<T extends { id: string }>(all: T[], params: Record<string, unknown>, url: string): Answer {
    const limit = Math.min(100, pageSize, Number(params.limit ?? 10));
    let start = 0;
    if (params.starting_after !== undefined) {
      const index = all.findIndex((item) => item.id === params.starting_after);
      if (index < 0)
        return {
          status: 400,
          body: stripeError('invalid_request_error', `No such object: '${String(params.starting_after)}'`, {
            code: 'resource_missing',
            param: 'starting_after',
          }),
        };
      start = index + 1;
    }
    return {
      status: 200,
      body: {
        object: 'list',
        data: all.slice(start, start + limit),
        has_more: all.length > start + limit,
        url,
      },
    };
  }

  function listBalanceTransactions(params: Record<string, unknown>): Answer {
    const expand = new Set((params.expand as string[] | undefined) ?? []);
    const lines = ledger
      .filter((line) => !hidden.has(line.transfer.id))
      .filter((line) => params.type === undefined || line.type === params.type)
      .filter((line) => inCreated(line.created, params.created))
      .map((line, index) => ({ line, index }))
      // Newest first, as Stripe lists (the later of two lines of one second first).
      .sort((a, b) => b.line.created - a.line.created || b.index - a.index)
      .map(({ line }) => {
        const amount = line.reversal ? line.reversal.amount : -line.transfer.amount;
        const transfer = structuredClone(line.transfer);
        const source = line.reversal
          ? expand.has('data.source')
            ? {
                ...structuredClone(line.reversal),
                transfer: expand.has('data.source.transfer') ? transfer : transfer.id,
              }
            : line.reversal.id
          : expand.has('data.source')
            ? transfer
            : transfer.id;
        return {
          id: line.id,
          object: 'balance_transaction',
          amount,
          available_on: line.created,
          created: line.created,
          currency: line.transfer.currency,
          description: null,
          exchange_rate: null,
          fee: 0,
          fee_details: [],
          net: amount,
          reporting_category: line.reversal ? 'transfer_reversal' : 'transfer',
          source,
          status: 'available',
          type: line.type,
        };
      });
    return page(lines, params, '/v1/balance_transactions');
  }

  function listTransfers(params: Record<string, unknown>): Answer {
    const limit = Math.min(100, Number(params.limit ?? 10));
    const matching = [...transfers.values()]
      .filter((t) => !hidden.has(t.id))
      .filter((t) => params.transfer_group === undefined || t.transfer_group === params.transfer_group)
      .filter((t) => params.destination === undefined || t.destination === params.destination)
      .reverse(); // newest first, as Stripe lists
    return {
      status: 200,
      body: {
        object: 'list',
        data: matching.slice(0, limit),
        has_more: matching.length > limit,
        url: '/v1/transfers',
      },
    };
  }

  function balance(): Answer {
    const available = Object.entries(options.availableBalance ?? { eur: 1_000_000, usd: 500_000 });
    return {
      status: 200,
      body: {
        object: 'balance',
        available: available.map(([currency, amount]) => ({
          amount,
          currency,
          source_types: { card: amount },
        })),
        pending: available.map(([currency]) => ({ amount: 0, currency, source_types: { card: 0 } })),
        livemode,
      },
    };
  }

  function send(res: ServerResponse, answer: Answer, record: { method: string; path: string }) {
    const problems = document.checkResponse(record.method, record.path, answer.status, answer.body);
    if (problems.length)
      invalidAnswers.push({ what: `${record.method} ${record.path} → ${answer.status}`, problems });
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'request-id': id('req'),
      'stripe-version': STRIPE_FAKE_API_VERSION,
      ...answer.headers,
    });
    res.end(JSON.stringify(answer.body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const record: RecordedRequest = {
      method,
      path: url.pathname + url.search,
      headers,
      body,
      valid: true,
      at: Date.now(),
    };
    requests.push(record);
    const where = { method, path: url.pathname };

    const refusal = refusals.shift();
    if (refusal) {
      const rateLimited = refusal.status === 429;
      return send(
        res,
        {
          status: refusal.status,
          body: rateLimited
            ? stripeError('invalid_request_error', 'Too many requests hit the API too quickly.', {
                code: 'rate_limit',
              })
            : stripeError('api_error', 'An unknown error occurred'),
          headers:
            refusal.retryAfterSeconds === undefined
              ? {}
              : { 'retry-after': String(refusal.retryAfterSeconds) },
        },
        where,
      );
    }

    if (headers.authorization !== `Bearer ${secretKey}`) {
      const given = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      return send(
        res,
        {
          status: 401,
          body: stripeError(
            'invalid_request_error',
            given
              ? `Invalid API Key provided: ${given.slice(0, 8)}****${given.slice(-4)}`
              : 'You did not provide an API key.',
          ),
          headers: { 'www-authenticate': 'Bearer realm="Stripe"' },
        },
        where,
      );
    }

    const check = document.checkRequest({
      method,
      path: url.pathname,
      query: url.search.slice(1),
      body,
      contentType: headers['content-type'],
    });
    const version = headers['stripe-version'];
    if (version && version !== STRIPE_FAKE_API_VERSION)
      check.problems.push({
        message: `Invalid Stripe API version: ${version} (the document is ${STRIPE_FAKE_API_VERSION})`,
      });
    const key = headers['idempotency-key'];
    if (key !== undefined && (key.length === 0 || key.length > 255))
      check.problems.push({ message: 'Idempotency-Key must be 1 to 255 characters' });
    if (check.problems.length) {
      record.valid = false;
      record.problems = check.problems
        .map((p) => `${p.code ?? 'invalid'} ${p.param ?? ''}: ${p.message}`)
        .join('; ');
      const first = check.problems[0]!;
      const status = check.operation ? 400 : 404;
      return send(
        res,
        {
          status,
          body: stripeError('invalid_request_error', first.message, {
            ...(first.code ? { code: first.code } : {}),
            ...(first.param ? { param: first.param } : {}),
          }),
        },
        where,
      );
    }

    if (method === 'GET' && check.operation === '/v1/transfers')
      return send(res, listTransfers(check.params), where);
    if (method === 'GET' && check.operation === '/v1/balance') return send(res, balance(), where);
    if (method === 'GET' && check.operation === '/v1/balance_transactions')
      return send(res, listBalanceTransactions(check.params), where);
    if (method !== 'POST' || check.operation !== '/v1/transfers')
      return send(
        res,
        {
          status: 404,
          body: stripeError('invalid_request_error', `The fake does not serve ${method} ${url.pathname}`),
        },
        where,
      );

    // Stripe keeps what a key answered; the fingerprint is the endpoint and its parameters.
    const fingerprint = `${method} ${url.pathname} ${canonical(check.params)}`;
    if (key !== undefined) {
      if (running.has(key))
        return send(
          res,
          {
            status: 409,
            body: stripeError(
              'idempotency_error',
              'There is currently another in-progress request using this Stripe-Idempotency-Key. Please try again later.',
              { code: 'idempotency_key_in_use' },
            ),
          },
          where,
        );
      const earlier = idempotency.get(key);
      if (earlier && earlier.fingerprint !== fingerprint)
        return send(
          res,
          {
            status: 400,
            body: stripeError(
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            ),
          },
          where,
        );
      if (earlier)
        return send(
          res,
          { ...earlier.answer, headers: { 'idempotent-replayed': 'true', 'idempotency-key': key } },
          where,
        );
    }
    const answer = createTransfer(check.params);
    // Stripe keeps the answer as it was sent: a later reversal does not change a replay.
    if (key !== undefined) idempotency.set(key, { fingerprint, answer: structuredClone(answer) });
    const delay = answer.status === 200 ? delays.shift() : undefined;
    if (delay === undefined) return send(res, answer, where);
    // Made, then answered too late: the caller's outcome is unknown.
    if (key !== undefined) running.add(key);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, delay);
      timers.add(timer);
    });
    if (key !== undefined) running.delete(key);
    if (!res.destroyed) send(res, answer, where);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(stripeError('api_error', `fake failure: ${String(error)}`)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function transferOf(payoutId: string): Transfer {
    const transfer = inGroup(payoutId)[0];
    if (!transfer) throw new Error(`The fake made no transfer for ${payoutId}`);
    return transfer;
  }

  function reverse(payoutId: string, reversal: { amount?: number; returnCode?: string } = {}): Reversal {
    const transfer = transferOf(payoutId);
    const amount = Math.min(
      reversal.amount ?? transfer.amount - transfer.amount_reversed,
      transfer.amount - transfer.amount_reversed,
    );
    const made: Reversal = {
      id: id('trr'),
      object: 'transfer_reversal',
      amount,
      balance_transaction: id('txn'),
      created: now(),
      currency: transfer.currency,
      destination_payment_refund: id('pyr'),
      metadata: reversal.returnCode ? { return_code: reversal.returnCode } : {},
      source_refund: null,
      transfer: transfer.id,
    };
    transfer.reversals.data.unshift(made);
    transfer.amount_reversed += amount;
    transfer.reversed = transfer.amount_reversed >= transfer.amount;
    ledger.push({
      id: made.balance_transaction,
      type: 'transfer_refund',
      created: made.created,
      transfer,
      reversal: made,
    });
    return made;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    credentials: { secret_key: secretKey, webhook_secret: webhookSecret },
    requests,
    invalidRequests: () => requests.filter((r) => !r.valid),
    invalidResponses: () => invalidAnswers,
    transfersFor: (payoutId) => inGroup(payoutId).length,
    duplicateTransfers: () =>
      [
        ...new Set([...transfers.values()].map((t) => t.transfer_group).filter((g): g is string => !!g)),
      ].filter((group) => inGroup(group).length > 1),
    transferIdFor: (payoutId) => inGroup(payoutId)[0]?.id,
    refuseNext(count, status, retryAfterSeconds) {
      for (let i = 0; i < count; i++) refusals.push({ status, retryAfterSeconds });
    },
    delayNextCreates(count, delayMs) {
      for (let i = 0; i < count; i++) delays.push(delayMs);
    },
    reverse(payoutId, options) {
      reverse(payoutId, options);
    },
    addUnknownTransfer({ amount, currency, reference, createdAt }) {
      const answer = createTransfer({
        amount,
        currency: currency.toLowerCase(),
        destination: 'acct_1SomeoneElse',
        ...(reference ? { transfer_group: reference } : {}),
      });
      const made = answer.body as Transfer;
      if (answer.status !== 200) throw new Error(`The fake refused the transfer: ${JSON.stringify(made)}`);
      if (createdAt !== undefined) {
        made.created = Math.floor(createdAt / 1000);
        const line = ledger.find((entry) => entry.id === made.balance_transaction);
        if (line) line.created = made.created;
      }
      return made.id;
    },
    changeAmount(payoutId, amount) {
      transferOf(payoutId).amount = amount;
    },
    returnTransfer(payoutId) {
      reverse(payoutId);
    },
    hideTransfer(payoutId) {
      hidden.add(transferOf(payoutId).id);
    },
    setPageSize(size) {
      pageSize = size;
    },
    /**
     * `paid` → `transfer.created`; `returned` → `transfer.reversed` after reversing the transfer in
     * full (`reason` is the reversal's metadata `return_code`, account_closed unless told). Stripe has
     * no event for a failed transfer — a Connect transfer is refused at once by the API or made — so
     * `failed` is refused.
     */
    async webhook(payoutId, kind, opts = {}) {
      if (kind === 'failed')
        throw new Error(
          'Stripe sends no event for a failed transfer: POST /v1/transfers refuses it at once (see the error mapping)',
        );
      const transfer = transferOf(payoutId);
      if (kind === 'returned' && !transfer.reversed)
        reverse(payoutId, { returnCode: opts.reason ?? 'account_closed', amount: opts.reversedAmount });
      const event = {
        id: id('evt'),
        object: 'event',
        api_version: STRIPE_FAKE_API_VERSION,
        created: now(),
        data: { object: structuredClone(transfer) },
        livemode,
        pending_webhooks: 1,
        request: { id: id('req'), idempotency_key: kind === 'paid' ? payoutId : null },
        type: kind === 'paid' ? 'transfer.created' : 'transfer.reversed',
      };
      const problems = document.checkEvent(event);
      if (problems.length) invalidAnswers.push({ what: `event ${event.type}`, problems });
      const payload = JSON.stringify(event, null, 2);
      // Signed by Stripe's own library, so the connector's verification is checked against Stripe's.
      const header = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: opts.wrongSecret ? `whsec_other${randomBytes(16).toString('base64url')}` : webhookSecret,
        timestamp: now() - (opts.ageSeconds ?? 0),
      });
      const body = opts.tamper
        ? payload.replace(`"amount": ${transfer.amount},`, `"amount": ${transfer.amount * 10},`)
        : payload;
      if (opts.tamper && body === payload) throw new Error('The fake could not tamper with the event');
      return { headers: { 'content-type': 'application/json', 'stripe-signature': header }, body };
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
