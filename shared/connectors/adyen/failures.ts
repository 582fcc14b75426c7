import type { FAILURE_CODES } from '../../domain/catalog.js';

export type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * The `reason` values Adyen gives a transfer (the `reason` enum of `Transfer` in the Transfers API v4
 * and of `TransferData` in the Transfer webhooks v3: the same sixteen values), each with the
 * platform's failure code and a short explanation for `failure_message`.
 *
 * The mapping asks "what must the tenant do?": new bank details (account_closed, invalid_account,
 * recipient_not_found), top up the balance account (insufficient_funds), stay under a limit
 * (limit_exceeded), send it through another rail (unsupported_destination), or ask Adyen
 * (provider_rejected, for everything else).
 */
export const ADYEN_REASONS = {
  amountLimitExceeded: {
    code: 'limit_exceeded',
    text: 'the amount is above a transfer limit of the balance account or platform',
  },
  approved: { code: 'provider_rejected', text: 'Adyen reported the transfer approved and yet not completed' },
  balanceAccountTemporarilyBlockedByTransactionRule: {
    code: 'provider_rejected',
    text: 'a transaction rule temporarily blocks the source balance account',
  },
  counterpartyAccountBlocked: { code: 'account_closed', text: "the recipient's bank account is blocked" },
  counterpartyAccountClosed: { code: 'account_closed', text: "the recipient's bank account is closed" },
  counterpartyAccountNotFound: {
    code: 'recipient_not_found',
    text: "the recipient's bank does not know this account",
  },
  counterpartyAddressRequired: {
    code: 'unsupported_destination',
    text: "this route needs the recipient's address, which the platform does not send",
  },
  counterpartyBankTimedOut: {
    code: 'provider_rejected',
    text: "the recipient's bank did not answer in time",
  },
  counterpartyBankUnavailable: { code: 'provider_rejected', text: "the recipient's bank is unavailable" },
  declinedByTransactionRule: { code: 'provider_rejected', text: 'a transaction rule declined the transfer' },
  error: { code: 'provider_rejected', text: 'Adyen could not process the transfer' },
  notEnoughBalance: {
    code: 'insufficient_funds',
    text: 'the source balance account cannot cover the transfer',
  },
  refusedByCounterpartyBank: { code: 'provider_rejected', text: "the recipient's bank refused the transfer" },
  routeNotFound: { code: 'unsupported_destination', text: 'Adyen has no route to this bank account' },
  scaFailed: { code: 'provider_rejected', text: 'strong customer authentication failed' },
  unknown: { code: 'provider_rejected', text: 'Adyen gave no reason' },
} as const satisfies Record<string, { code: FailureCode; text: string }>;

export type AdyenReason = keyof typeof ADYEN_REASONS;

/** The platform's code and message for a transfer Adyen refused, failed or returned with `reason`. */
export function failureFromReason(
  reason: string | undefined,
  status: string,
): { code: FailureCode; message: string } {
  const known = reason !== undefined && Object.hasOwn(ADYEN_REASONS, reason);
  const entry = known ? ADYEN_REASONS[reason as AdyenReason] : undefined;
  if (!entry) {
    const why = reason ? `an unlisted reason` : 'no reason';
    return {
      code: 'provider_rejected',
      message: `Adyen: ${reason ?? status} — transfer ${status} with ${why}`,
    };
  }
  return { code: entry.code, message: `Adyen: ${reason} — ${entry.text}` };
}

/** One field Adyen's validation refused (422 `invalidFields`). */
export interface InvalidField {
  name: string;
  message?: string;
}

/**
 * A 422 validation error as a failure: about the recipient's bank account (`counterparty.…`) →
 * invalid_account, anything else → provider_rejected (a request Adyen will refuse again). The
 * field values are left out of the message: they are the recipient's account details.
 */
export function failureFromValidation(error: {
  errorCode?: string;
  detail?: string;
  invalidFields?: InvalidField[];
}): { code: FailureCode; message: string } {
  const fields = error.invalidFields ?? [];
  const aboutRecipient = fields.some((field) => field.name.startsWith('counterparty'));
  const listed = fields.map((field) => `${field.name}: ${field.message ?? 'invalid'}`).join('; ');
  const detail = [error.detail, listed].filter(Boolean).join(' — ');
  return {
    code: aboutRecipient ? 'invalid_account' : 'provider_rejected',
    message: `Adyen: ${error.errorCode ?? 'validation'} — ${detail || 'the request was refused'}`,
  };
}
