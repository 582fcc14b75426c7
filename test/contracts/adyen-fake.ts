import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type PrismMock, startPrism } from './prism.js';
import type { FakeWebhookKind, ProviderFake, RecordedRequest, StatementFake } from './provider-fake.js';

/**
 * A fake Adyen Balance Platform (Transfers API v4) for contract tests: an HTTP server on 127.0.0.1
 * in front of Prism.
 *
 *   every request  → forwarded to `prism mock --errors` on test/contracts/adyen-transfers-v4.openapi.json
 *                    with its headers and body; Prism ≥ 400 means Adyen's document forbids it: the
 *                    request is recorded invalid (Prism's `sl-violations` as `problems`) and Prism's
 *                    answer goes back as it is
 *   valid requests → refused when scripted (`refuseNext`), 401 for any API key but the fake's, then
 *                    answered from the fake's own ledger, shaped like the document's examples
 *
 * POST /transfers honours `Idempotency-Key` as Adyen documents: a repeated key gets the first
 * response back (status and body) and makes nothing. Outcomes come from a tag at the end of the
 * account holder's full name, like the sandbox's:
 *
 * | tag                       | POST /transfers answers                      | then                              |
 * |---------------------------|----------------------------------------------|-----------------------------------|
 * | none                      | 200 `authorised` (reason `approved`)         | booked: a transaction is listed   |
 * | +fail_account_closed      | 200 `authorised`                             | failed, `counterpartyAccountClosed` (webhook) |
 * | +fail_insufficient_funds  | 200 `refused`, `notEnoughBalance`            | nothing (a refused transfer)      |
 * | +fail_invalid_account     | 422, invalidFields `counterparty…iban`       | nothing (no transfer is made)     |
 * | +pending                  | 200 `authorised`                             | listed as a `pending` transaction |
 *
 * Which failures are immediate follows where Adyen decides: the source balance is checked when
 * Adyen authorises the transfer, inside the request (a `Transfer` answer carries `status` and
 * `reason`); the IBAN is validated with the request (422 `invalidFields`); a closed account is only
 * known when the recipient's bank answers, later, in a `balancePlatform.transfer.updated` webhook.
 *
 * A transfer is booked (listed by GET /transactions) as soon as it is answered: the POST answer
 * is Adyen's snapshot at authorisation, the ledger moves on at once, so a lookup after a timeout
 * finds the money as Adyen's would once it is booked. A return (`returnTransfer`, a `returned`
 * webhook) books the money back: an incoming transaction naming the same transfer. GET /transactions
 * pages with a `cursor` in `_links.next` (`setPageSize` makes pages smaller than `limit`).
 *
 * `webhook(payoutId, kind)` signs a `balancePlatform.transfer.updated` (HmacSignature header) for
 * the payout's latest transfer, with its events so far: `paid` → booked; `failed` → failed with
 * `reason` (for a transfer already booked the events say so, and the connector reads money that
 * left and came back: returned); `returned` → booked, then returned. Adyen's scheme signs no
 * timestamp, so `ageSeconds` only dates `creationDate` back.
 */
export interface AdyenFake extends ProviderFake, StatementFake {
  credentials: { api_key: string; balance_account_id: string; hmac_key: string };
  /** The fake's latest view of the payout's transfer (status, reason), for assertions. */
  transferFor(payoutId: string): FakeTransfer | undefined;
}

export interface FakeTransfer {
  id: string;
  reference: string;
  amount: { currency: string; value: number };
  status: string;
  reason?: string;
  counterparty: unknown;
  referenceForBeneficiary?: string;
  description?: string;
  creationDate: string;
  sequenceNumber: number;
  events: { id: string; status: string; reason?: string; bookingDate: string }[];
}

interface FakeTransaction {
  id: string;
  createdAt: number;
  transfer: FakeTransfer;
  status: 'booked' | 'pending';
  /** Money leaving the balance account (the transfer) or coming back (its return). */
  direction: 'out' | 'in';
}

const ACCOUNT_HOLDER = { id: 'AH3227C223222C5GXQXF658WB', description: 'Fake account holder' };
const BALANCE_PLATFORM = 'FAKE_BALANCE_PLATFORM';

function alphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function signature(rawBody: string, hexKey: string): string {
  return createHmac('sha256', Buffer.from(hexKey, 'hex')).update(rawBody, 'utf8').digest('base64');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (response.destroyed || response.writableEnded) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(text);
}

function restError(status: number, errorCode: string, title: string, detail: string, extra: object = {}) {
  return { type: 'https://docs.adyen.com/errors/', title, status, errorCode, detail, ...extra };
}

export async function startAdyenFake(options: { prism?: PrismMock } = {}): Promise<AdyenFake> {
  const prism = options.prism ?? (await startPrism('adyen-transfers-v4.openapi.json'));
  const credentials = {
    api_key: `AQE_fake_${randomBytes(16).toString('hex')}`,
    balance_account_id: `BA${alphanumeric(23)}`,
    hmac_key: randomBytes(32).toString('hex').toUpperCase(),
  };
  const requests: RecordedRequest[] = [];
  const transfersByReference = new Map<string, FakeTransfer[]>();
  /** Idempotency-Key → the first response, replayed as it was. */
  const responsesByKey = new Map<string, { status: number; body: unknown }>();
  const transactions: FakeTransaction[] = [];
  /** Transfer ids the statement tests made disappear from the listing (`hideTransfer`). */
  const hidden = new Set<string>();
  let pageSize = 100;
  const refusals = { count: 0, status: 503, retryAfterSeconds: undefined as number | undefined };
  const delays = { count: 0, delayMs: 0 };

  function addEvent(transfer: FakeTransfer, status: string, reason?: string) {
    transfer.status = status;
    transfer.reason = reason;
    transfer.events.push({
      id: `EVJN${alphanumeric(28)}`,
      status,
      ...(reason ? { reason } : {}),
      bookingDate: new Date().toISOString(),
    });
  }

  function transaction(
    transfer: FakeTransfer,
    status: FakeTransaction['status'],
    direction: FakeTransaction['direction'],
    createdAt = Date.now(),
  ) {
    transactions.push({ id: `EVJN${alphanumeric(28)}EUR`, createdAt, transfer, status, direction });
  }

  function book(transfer: FakeTransfer) {
    addEvent(transfer, 'booked');
    transaction(transfer, 'booked', 'out');
  }

  /** The money comes back: the transfer is `returned` and an incoming transaction names it. */
  function returnMoney(transfer: FakeTransfer, reason: string) {
    if (!transfer.events.some((event) => event.status === 'booked')) book(transfer);
    addEvent(transfer, 'returned', reason);
    transaction(transfer, 'booked', 'in');
  }

  function transferJson(transfer: FakeTransfer) {
    return {
      accountHolder: ACCOUNT_HOLDER,
      amount: transfer.amount,
      balanceAccount: { id: credentials.balance_account_id },
      category: 'bank',
      categoryData: { priority: 'regular', type: 'bank' },
      counterparty: transfer.counterparty,
      creationDate: transfer.creationDate,
      ...(transfer.description ? { description: transfer.description } : {}),
      direction: 'outgoing',
      id: transfer.id,
      ...(transfer.reason ? { reason: transfer.reason } : {}),
      reference: transfer.reference,
      ...(transfer.referenceForBeneficiary
        ? { referenceForBeneficiary: transfer.referenceForBeneficiary }
        : {}),
      status: transfer.status,
    };
  }

  async function askPrism(request: IncomingMessage, body: string) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${prism.url}${request.url}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
    });
    return {
      status: answer.status,
      body: await answer.text(),
      violations: answer.headers.get('sl-violations') ?? undefined,
    };
  }

  function createTransfer(headers: Record<string, string>, text: string) {
    const key = headers['idempotency-key'];
    const replay = key ? responsesByKey.get(key) : undefined;
    if (replay) return { ...replay, delayed: false };
    const info = JSON.parse(text);
    if (info.balanceAccountId !== undefined && info.balanceAccountId !== credentials.balance_account_id)
      return {
        status: 403,
        body: restError(403, '00_403', 'Forbidden', 'Not allowed to use this balance account'),
        delayed: false,
      };
    const bankAccount = info.counterparty?.bankAccount ?? {};
    const fullName: string = bankAccount.accountHolder?.fullName ?? '';
    const tag = /\+([a-z_]+)\s*$/.exec(fullName)?.[1];

    let answer: { status: number; body: unknown };
    if (tag === 'fail_invalid_account') {
      answer = {
        status: 422,
        body: restError(422, '30_081', 'Invalid transfer information provided', 'Invalid counterparty', {
          invalidFields: [
            {
              name: 'counterparty.bankAccount.accountIdentification.iban',
              value: String(bankAccount.accountIdentification?.iban ?? ''),
              message: 'Invalid IBAN',
            },
          ],
        }),
      };
    } else {
      const transfer: FakeTransfer = {
        id: alphanumeric(16),
        reference: info.reference ?? alphanumeric(16),
        amount: info.amount,
        status: 'received',
        counterparty: info.counterparty,
        referenceForBeneficiary: info.referenceForBeneficiary,
        description: info.description,
        creationDate: new Date().toISOString(),
        sequenceNumber: 1,
        events: [],
      };
      const same = transfersByReference.get(transfer.reference) ?? [];
      same.push(transfer);
      transfersByReference.set(transfer.reference, same);
      if (tag === 'fail_insufficient_funds') addEvent(transfer, 'refused', 'notEnoughBalance');
      else addEvent(transfer, 'authorised', 'approved');
      answer = { status: 200, body: transferJson(transfer) };
      // The ledger moves on right after Adyen's answer (a snapshot at authorisation).
      if (tag === 'fail_account_closed') addEvent(transfer, 'failed', 'counterpartyAccountClosed');
      else if (tag === 'pending') transaction(transfer, 'pending', 'out');
      else if (tag !== 'fail_insufficient_funds') book(transfer);
    }
    if (key) responsesByKey.set(key, answer);
    const delayed = delays.count > 0;
    if (delayed) delays.count -= 1;
    return { ...answer, delayed };
  }

  function listTransactions(url: URL) {
    const query = url.searchParams;
    if (query.get('balanceAccountId') !== credentials.balance_account_id)
      return {
        status: 403,
        body: restError(403, '00_403', 'Forbidden', 'Not allowed to see this balance account'),
      };
    const since = Date.parse(query.get('createdSince') ?? '');
    const until = Date.parse(query.get('createdUntil') ?? '');
    const limit = Math.min(100, pageSize, Math.max(1, Number(query.get('limit') ?? 10)));
    const offset = Number(query.get('cursor') ?? 0) || 0;
    const inWindow = transactions.filter(
      (transaction) =>
        transaction.createdAt >= since &&
        transaction.createdAt <= until &&
        !hidden.has(transaction.transfer.id),
    );
    const page = inWindow.slice(offset, offset + limit);
    const next = new URL(url);
    next.searchParams.set('cursor', String(offset + limit));
    return {
      status: 200,
      body: {
        ...(offset + limit < inWindow.length ? { _links: { next: { href: next.toString() } } } : {}),
        data: page.map(({ id, createdAt, transfer, status, direction }) => {
          const date = new Date(createdAt).toISOString();
          const value = direction === 'out' ? -transfer.amount.value : transfer.amount.value;
          return {
            accountHolder: ACCOUNT_HOLDER,
            amount: { currency: transfer.amount.currency, value },
            balanceAccount: { id: credentials.balance_account_id },
            balancePlatform: BALANCE_PLATFORM,
            bookingDate: date,
            creationDate: date,
            id,
            status,
            transfer: { id: transfer.id, reference: transfer.reference },
            valueDate: date,
          };
        }),
      },
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const text = await readBody(request);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers[name] = value;
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers,
      body: text,
      valid: true,
      at: Date.now(),
    };
    requests.push(record);

    const prismAnswer = await askPrism(request, text);
    if (prismAnswer.status >= 400) {
      record.valid = false;
      record.problems = prismAnswer.violations ?? prismAnswer.body;
      return send(response, prismAnswer.status, prismAnswer.body);
    }
    if (refusals.count > 0) {
      refusals.count -= 1;
      const retryAfter = refusals.retryAfterSeconds;
      return send(
        response,
        refusals.status,
        restError(refusals.status, String(refusals.status), 'Refused by the fake', 'Scripted refusal'),
        retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
      );
    }
    if (headers['x-api-key'] !== credentials.api_key)
      return send(response, 401, {
        status: 401,
        errorCode: '000',
        message: 'HTTP Status Response - Unauthorized',
        errorType: 'security',
      });

    const url = new URL(record.path, 'http://127.0.0.1');
    if (record.method === 'POST' && url.pathname === '/transfers') {
      const answer = createTransfer(headers, text);
      if (answer.delayed) await new Promise((resolve) => setTimeout(resolve, delays.delayMs));
      return send(response, answer.status, answer.body);
    }
    if (record.method === 'GET' && url.pathname === '/transactions') {
      const answer = listTransactions(url);
      return send(response, answer.status, answer.body);
    }
    return send(response, 404, restError(404, '00_404', 'Not Found', 'The fake does not play this endpoint'));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, restError(500, '99_500', 'Fake error', String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function latest(payoutId: string): FakeTransfer | undefined {
    return transfersByReference.get(payoutId)?.at(-1);
  }

  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    requests,
    invalidRequests: () => requests.filter((request) => !request.valid),
    transfersFor: (payoutId) => transfersByReference.get(payoutId)?.length ?? 0,
    duplicateTransfers: () =>
      [...transfersByReference]
        .filter(([, transfers]) => transfers.length > 1)
        .map(([reference]) => reference),
    transferIdFor: (payoutId) => transfersByReference.get(payoutId)?.[0]?.id,
    transferFor: latest,
    addUnknownTransfer({ amount, currency, reference, createdAt }) {
      const transfer: FakeTransfer = {
        id: alphanumeric(16),
        // Adyen generates a reference when the request gave none.
        reference: reference ?? alphanumeric(16),
        amount: { currency, value: amount },
        status: 'booked',
        counterparty: {},
        creationDate: new Date(createdAt ?? Date.now()).toISOString(),
        sequenceNumber: 1,
        events: [],
      };
      transaction(transfer, 'booked', 'out', createdAt);
      if (reference)
        transfersByReference.set(reference, [...(transfersByReference.get(reference) ?? []), transfer]);
      return transfer.id;
    },
    changeAmount(payoutId, amount) {
      const transfer = latest(payoutId);
      if (!transfer) throw new Error(`The Adyen fake made no transfer for ${payoutId}`);
      transfer.amount = { ...transfer.amount, value: amount };
    },
    returnTransfer(payoutId) {
      const transfer = latest(payoutId);
      if (!transfer) throw new Error(`The Adyen fake made no transfer for ${payoutId}`);
      returnMoney(transfer, 'refusedByCounterpartyBank');
    },
    hideTransfer(payoutId) {
      for (const transfer of transfersByReference.get(payoutId) ?? []) hidden.add(transfer.id);
    },
    setPageSize(size) {
      pageSize = size;
    },
    refuseNext(count, status, retryAfterSeconds) {
      Object.assign(refusals, { count, status, retryAfterSeconds });
    },
    delayNextCreates(count, delayMs) {
      Object.assign(delays, { count, delayMs });
    },
    async webhook(payoutId: string, kind: FakeWebhookKind, webhookOptions = {}) {
      const transfer = latest(payoutId);
      if (!transfer) throw new Error(`The Adyen fake made no transfer for ${payoutId}`);
      const reason = webhookOptions.reason ?? 'counterpartyAccountClosed';
      if (kind === 'paid' && transfer.status !== 'booked') book(transfer);
      if (kind === 'failed') {
        const last = transfer.events.at(-1);
        // Already failed (`+fail_account_closed`): the webhook reports that failure, with `reason`.
        if (transfer.status === 'failed' && last) last.reason = transfer.reason = reason;
        else addEvent(transfer, 'failed', reason);
      }
      if (kind === 'returned') returnMoney(transfer, reason);
      transfer.sequenceNumber += 1;
      // Adyen's scheme signs no timestamp: an "old" webhook only carries an old creationDate.
      const creationDate = new Date(Date.now() - (webhookOptions.ageSeconds ?? 0) * 1000).toISOString();
      const notification = {
        data: {
          ...transferJson(transfer),
          balancePlatform: BALANCE_PLATFORM,
          creationDate,
          events: transfer.events.map((event) => ({
            ...event,
            amount: transfer.amount,
            type: 'accounting',
          })),
          priority: 'regular',
          sequenceNumber: transfer.sequenceNumber,
          type: 'bankTransfer',
        },
        environment: 'test',
        type: 'balancePlatform.transfer.updated',
      };
      const signed = JSON.stringify(notification);
      const key = webhookOptions.wrongSecret ? randomBytes(32).toString('hex') : credentials.hmac_key;
      const hmac = signature(signed, key);
      let body = signed;
      if (webhookOptions.tamper) {
        notification.data.amount = { ...transfer.amount, value: transfer.amount.value * 100 };
        body = JSON.stringify(notification);
      }
      return { headers: { 'content-type': 'application/json', hmacsignature: hmac }, body };
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (!options.prism) await prism.close();
    },
  };
}
