import type { TransferOutcome } from '../../domain/execution.js';
import type { Destination } from '../../domain/payout.js';
import {
  type ConnectorProvider,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type TransferRequest,
} from '../../ports/payout-provider.js';
import * as z from '../../zod.js';
import type { ConnectorRuntime, ProviderRail } from '../connector.js';
import { type ProviderResponse, providerCall } from '../http.js';
import { CONNECTOR_PROFILES } from '../profiles.js';
import { adyenAmount } from './amounts.js';
import { failureFromValidation } from './failures.js';
import { finalOutcome } from './outcomes.js';

/**
 * Adyen Transfers API v4 on the Balance Platform: payouts to bank accounts (IBAN) from the tenant's
 * balance account. README.md beside this file explains the choices; in short:
 *
 *   createTransfer  POST /transfers, `Idempotency-Key` = payout id, `reference` = payout id.
 *                   Adyen answers `authorised`/`received` → pending (the webhook settles it), or
 *                   refuses at once (`refused` + reason, 422 validation) → failed.
 *   findTransfer    GET /transactions of the balance account since the payout was created, matched
 *                   on `transfer.reference` = payout id: finds booked money, never creates anything.
 *   never twice     a transfer the lookup cannot see yet (not booked) is asked for again with the
 *                   same Idempotency-Key, and Adyen answers the first response and makes nothing.
 */

export type AdyenCredentials = {
  /** The API credential's key (`x-api-key`); needs the TransferService Webservice roles. */
  api_key: string;
  /** The balance account payouts leave from (`BA…`). Shown back in listings. */
  balance_account_id: string;
  /** The hex HMAC key of the webhook endpoint (Customer Area → Developers → Webhooks). */
  hmac_key: string;
};

const credentials = z.strictObject({
  api_key: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(1000),
      z.regex(/^[\x21-\x7e]+$/, 'must be an Adyen API key (visible ASCII, no spaces)'),
    ),
  balance_account_id: z
    .string()
    .check(z.regex(/^BA[0-9A-Z]{8,62}$/, 'must be an Adyen balance account id (BA…)')),
  hmac_key: z
    .string()
    .check(z.regex(/^(?:[0-9A-Fa-f]{2}){16,128}$/, 'must be the hex HMAC key of the Adyen webhook endpoint')),
}) satisfies z.ZodMiniType<AdyenCredentials>;

/** Adyen keeps an Idempotency-Key's first response at least this long (its API idempotency guide). */
export const IDEMPOTENCY_KEY_DAYS = 7;
const DAY_MS = 86_400_000;
/** The longest Idempotency-Key and `reference` Adyen accepts. */
const MAX_IDEMPOTENCY_KEY = 64;
const MAX_REFERENCE = 80;
/** The lookup starts this long before the payout was created (clock skew between us and Adyen). */
const LOOKUP_MARGIN_MS = 60 * 60 * 1000;
/** Pages of 100 transactions a lookup reads at most: a bound, not a scan of the account's history. */
const MAX_LOOKUP_PAGES = 10;

const transferResponse = z.object({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  reason: z.optional(z.string()),
  creationDate: z.optional(z.string()),
});

const restServiceError = z.object({
  errorCode: z.optional(z.string()),
  title: z.optional(z.string()),
  detail: z.optional(z.string()),
  invalidFields: z.optional(z.array(z.object({ name: z.string(), message: z.optional(z.string()) }))),
});

const transactionPage = z.object({
  data: z.optional(
    z.array(
      z.object({
        status: z.string(),
        amount: z.optional(z.object({ value: z.number() })),
        transfer: z.optional(z.object({ id: z.optional(z.string()), reference: z.optional(z.string()) })),
      }),
    ),
  ),
  _links: z.optional(z.object({ next: z.optional(z.object({ href: z.string() })) })),
});

/** `referenceForBeneficiary` for a bank transfer to an IBAN: letters and digits, at most 35. */
const BENEFICIARY_REFERENCE = /^[A-Za-z0-9]{1,35}$/;
/** `description` ("used by most banks as the transfer description"): its characters, at most 140. */
const DESCRIPTION = /^[A-Za-z0-9/\-?:().,'+ ]{1,140}$/;

type BankAccount = Extract<Destination, { type: 'bank_account' }>;

/** The POST /transfers body (TransferInfo) for a payout to a bank account. */
function transferBody(
  request: TransferRequest,
  destination: BankAccount,
  amount: { currency: string; value: number },
  balanceAccountId: string,
) {
  const tenantReference = request.reference.trim();
  return {
    amount,
    balanceAccountId,
    category: 'bank',
    // "Required for transfers with category bank"; regular is the bank's normal, low-fee rail.
    priority: 'regular',
    counterparty: {
      bankAccount: {
        accountHolder: { fullName: destination.account_holder_name },
        // ISO 13616 electronic format. The BIC is not sent: Adyen's IbanAccountIdentification has
        // only `type` and `iban` (no other properties allowed), Adyen finds the bank from the IBAN.
        accountIdentification: { type: 'iban', iban: destination.iban.replace(/\s+/g, '').toUpperCase() },
      },
    },
    reference: request.payoutId,
    ...(BENEFICIARY_REFERENCE.test(tenantReference) ? { referenceForBeneficiary: tenantReference } : {}),
    ...(DESCRIPTION.test(tenantReference) ? { description: tenantReference } : {}),
  };
}

function failed(providerReference: string, failure: { code: string; message: string }): TransferOutcome {
  return { status: 'failed', providerReference, failureCode: failure.code, failureMessage: failure.message };
}

function describeError(response: ProviderResponse): string {
  const error = restServiceError.safeParse(response.body).data;
  return [error?.errorCode, error?.detail ?? error?.title].filter(Boolean).join(' ') || 'no details';
}

function adyenProvider(creds: AdyenCredentials, runtime: ConnectorRuntime): ConnectorProvider {
  const now = () => runtime.now?.() ?? Date.now();
  const iso = (time: number) => new Date(time).toISOString();
  const headers = (idempotencyKey?: string): Record<string, string> => ({
    'content-type': 'application/json',
    'x-api-key': creds.api_key,
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  });

  function transactionsPath(since: number, until: number, limit: number): string {
    const query = new URLSearchParams({
      balanceAccountId: creds.balance_account_id,
      createdSince: iso(since),
      createdUntil: iso(until),
      limit: String(limit),
    });
    return `/transactions?${query}`;
  }

  async function createTransfer(request: TransferRequest): Promise<TransferOutcome> {
    const key = request.idempotencyKey;
    // Checked before anything is sent: a programming error, not the payout's fault.
    if (key.length > MAX_IDEMPOTENCY_KEY || request.payoutId.length > MAX_REFERENCE)
      throw new Error(
        `Adyen: payout ${request.payoutId} has an id too long for an Idempotency-Key/reference`,
      );
    const destination = request.destination;
    if (destination.type !== 'bank_account')
      return failed('', {
        code: 'unsupported_destination',
        message: `Adyen: ${destination.type} — this connector pays bank accounts (IBAN) only`,
      });
    const amount = adyenAmount(request.amount, request.currency);
    if (!amount.ok) return failed('', { code: 'unsupported_destination', message: amount.message });

    const response = await providerCall(runtime, {
      method: 'POST',
      path: '/transfers',
      headers: headers(key),
      body: JSON.stringify(transferBody(request, destination, amount.amount, creds.balance_account_id)),
      mayCreate: true,
      key,
    });

    if (response.status === 200 || response.status === 202) {
      const transfer = transferResponse.safeParse(response.body);
      // Adyen accepted something we cannot read: the transfer may exist, so its outcome is unknown.
      if (!transfer.success)
        throw new ProviderTimeoutError(
          key,
          `POST /transfers answered ${response.status} without a readable transfer`,
        );
      return finalOutcome(transfer.data, now()) ?? { status: 'pending', providerReference: transfer.data.id };
    }
    const error = restServiceError.safeParse(response.body).data ?? {};
    // The same key still being processed by an earlier attempt: that one may be making the transfer.
    if (response.status === 409 || error.errorCode === '704')
      throw new ProviderTimeoutError(key, `POST /transfers: ${describeError(response)}; outcome unknown`);
    // A request Adyen's validation refused is refused again on retry: the payout fails, nothing was made.
    if (response.status === 400 || response.status === 422) return failed('', failureFromValidation(error));
    // Anything else (404, 405…) is the deployment's problem, not the payout's: nothing was made, retry.
    throw new ProviderUnavailableError(
      response.status,
      undefined,
      `POST /transfers answered ${response.status}: ${describeError(response)}`,
    );
  }

  /**
   * The transfer of this payout as Adyen's booked money shows it: GET /transactions of the balance
   * account from the payout's creation (or, without it, the idempotency window) until now, matched
   * on `transfer.reference` = payout id and an outgoing amount. A transfer Adyen received but has
   * not booked (or refused) has no transaction: undefined, and the executor's next create with the
   * same Idempotency-Key gets Adyen's first answer back instead of a second transfer.
   */
  async function findTransfer(
    idempotencyKey: string,
    request?: TransferRequest,
  ): Promise<TransferOutcome | undefined> {
    const reference = request?.payoutId ?? idempotencyKey;
    const created = request?.createdAt ? Date.parse(request.createdAt) : Number.NaN;
    const since = Number.isNaN(created) ? now() - IDEMPOTENCY_KEY_DAYS * DAY_MS : created;
    let path = transactionsPath(since - LOOKUP_MARGIN_MS, now() + 60_000, 100);
    for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const response = await providerCall(runtime, {
        method: 'GET',
        path,
        headers: headers(),
        key: reference,
      });
      if (response.status !== 200)
        throw new ProviderUnavailableError(
          response.status,
          undefined,
          `GET /transactions answered ${response.status}: ${describeError(response)}`,
        );
      const parsed = transactionPage.safeParse(response.body);
      if (!parsed.success)
        throw new ProviderUnavailableError(
          response.status,
          undefined,
          'GET /transactions: unreadable answer',
        );
      const match = parsed.data.data?.find(
        (transaction) =>
          transaction.transfer?.reference === reference && (transaction.amount?.value ?? 0) < 0,
      );
      if (match) {
        const providerReference = match.transfer?.id ?? reference;
        return match.status === 'booked'
          ? { status: 'paid', providerReference }
          : { status: 'pending', providerReference };
      }
      const next = parsed.data._links?.next?.href;
      if (!next) return undefined;
      path = `/transactions${new URL(next).search}`;
    }
    return undefined;
  }

  return {
    name: 'adyen',
    createTransfer,
    findTransfer,
    async testConnection() {
      const response = await providerCall(runtime, {
        method: 'GET',
        path: transactionsPath(now() - 60_000, now(), 1),
        headers: headers(),
        key: 'connection-test',
      });
      if (response.status !== 200)
        throw new Error(`Adyen refused the connection test (${response.status}): ${describeError(response)}`);
      return { ok: true, detail: `Adyen answered for balance account ${creds.balance_account_id}` };
    },
  };
}

/** The Adyen rail: bank payouts (IBAN) through the Transfers API v4 of the Balance Platform. */
export const adyenRail: ProviderRail<AdyenCredentials> = {
  name: 'adyen',
  label: 'Adyen Transfers',
  destinationTypes: ['bank_account'],
  credentials,
  publicFields: ['balance_account_id'],
  ...CONNECTOR_PROFILES.adyen,
  provider: adyenProvider,
};
