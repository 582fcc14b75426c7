import type { FAILURE_CODES } from '../../domain/catalog.js';
import type { TransferOutcome } from '../../domain/execution.js';

type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * PayPal's error names (`errors.name` on a payout item, `name` on a refused request) in the platform's
 * failure codes. PayPal's own name is kept in the failure message. Names from PayPal's Payouts error
 * list and its sandbox test values; a name not listed here is `provider_rejected`.
 */
const FAILURE_BY_PAYPAL_NAME: Readonly<Record<string, FailureCode>> = {
  // The recipient's account exists but cannot receive (inactive, restricted, under limitation).
  RECEIVER_ACCOUNT_LOCKED: 'account_closed',
  RECEIVER_ACCOUNT_LIMITATION: 'account_closed',
  // The recipient's account cannot take this payout as addressed.
  INVALID_EMAIL: 'invalid_account',
  RECEIVER_ACCOUNT_INVALID: 'invalid_account',
  RECEIVER_UNCONFIRMED: 'invalid_account',
  RECEIVER_YOUTH_ACCOUNT: 'invalid_account',
  // No PayPal account for the email: normally UNCLAIMED (pending), a failure only once returned.
  RECEIVER_UNREGISTERED: 'recipient_not_found',
  // The sender's PayPal balance.
  INSUFFICIENT_FUNDS: 'insufficient_funds',
  NON_HOLDING_CURRENCY: 'insufficient_funds',
  // Limits on either side.
  RECEIVING_LIMIT_EXCEEDED: 'limit_exceeded',
  TRANSACTION_LIMIT_EXCEEDED: 'limit_exceeded',
  SPENDING_LIMIT_EXCEEDED: 'limit_exceeded',
  POS_LIMIT_EXCEEDED: 'limit_exceeded',
  // PayPal cannot carry this payout to this recipient (country, state, currency, own account).
  RECEIVER_COUNTRY_NOT_ALLOWED: 'unsupported_destination',
  RECEIVER_STATE_RESTRICTED: 'unsupported_destination',
  RECEIVER_REFUSED: 'unsupported_destination',
  CURRENCY_NOT_SUPPORTED_FOR_RECEIVER: 'unsupported_destination',
  CURRENCY_COMPLIANCE: 'unsupported_destination',
  CLOSED_MARKET: 'unsupported_destination',
  SELF_PAY_NOT_ALLOWED: 'unsupported_destination',
};

/**
 * Refusals of a create request that do not mean "refused": the request may still be at work (a
 * request with the same PayPal-Request-Id in progress, PayPal's own time-out). The outcome is unknown
 * until looked at again, never `failed`.
 */
export const UNKNOWN_OUTCOME_NAMES: ReadonlySet<string> = new Set([
  'PREVIOUS_REQUEST_IN_PROGRESS',
  'REQUEST_TIMEOUT_EXCEEDED',
  'INTERNAL_SERVICE_ERROR',
  'INTERNAL_ERROR',
]);

/** The platform's failure code for a PayPal error name (`field`: the field a VALIDATION_ERROR names). */
export function failureCodeFor(name: string | undefined, field?: string): FailureCode {
  if (!name) return 'provider_rejected';
  // A validation error on the receiver is about the destination; any other is ours or PayPal's.
  if (name === 'VALIDATION_ERROR' && field && /receiver/i.test(field)) return 'invalid_account';
  return FAILURE_BY_PAYPAL_NAME[name] ?? 'provider_rejected';
}

/** "PayPal: RECEIVER_ACCOUNT_LOCKED — <PayPal's words>", bounded (messages are stored and shown). */
export function failureMessageFor(name: string | undefined, message: string | undefined): string {
  const text = `PayPal: ${name ?? 'no error name'}${message ? ` — ${message}` : ''}`;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/** What PayPal says of one payout item: its status and, for a failure or a return, why. */
export interface ItemReport {
  /** `transaction_status`: SUCCESS, FAILED, PENDING, UNCLAIMED, RETURNED, ONHOLD, BLOCKED, DENIED… */
  status: string;
  errorName?: string;
  errorMessage?: string;
  /** When PayPal last processed the item (the return's date). */
  timeProcessed?: string;
}

/**
 * An item's status as a transfer outcome:
 *
 * | transaction_status            | outcome |
 * |-------------------------------|---------|
 * | SUCCESS                       | paid |
 * | FAILED, BLOCKED, DENIED       | failed, code from `errors.name` |
 * | RETURNED                      | failed (unclaimed for 30 days, or refused: it never reached them); code from `errors.name`, else recipient_not_found. A payout already paid becomes `returned` (the platform's paid + failed rule) |
 * | REFUNDED, REVERSED            | returned, provider_rejected (the recipient or PayPal sent it back) |
 * | UNCLAIMED, PENDING, ONHOLD, … | pending: PayPal may still pay or return it |
 *
 * An unknown status is pending: a status PayPal adds later is looked at again, never guessed final.
 */
export function itemOutcome(item: ItemReport, providerReference: string, now: number): TransferOutcome {
  switch (item.status) {
    case 'SUCCESS':
      return { status: 'paid', providerReference };
    case 'FAILED':
    case 'BLOCKED':
    case 'DENIED':
      return {
        status: 'failed',
        providerReference,
        failureCode: failureCodeFor(item.errorName),
        failureMessage: failureMessageFor(
          item.errorName,
          item.errorMessage ?? (item.errorName ? undefined : `item ${item.status}, PayPal gave no reason`),
        ),
      };
    // RETURNED: the recipient never claimed the money (30 days) or refused it: it never reached them.
    // A failure, not a return — a processing payout fails; one already paid (by a SUCCESS event) is
    // turned into a return by the platform (paid + failed → returned).
    case 'RETURNED':
      return {
        status: 'failed',
        providerReference,
        failureCode: item.errorName ? failureCodeFor(item.errorName) : 'recipient_not_found',
        failureMessage: failureMessageFor(
          item.errorName,
          item.errorMessage ?? (item.errorName ? undefined : 'item RETURNED: the recipient did not claim it'),
        ),
      };
    case 'REFUNDED':
    case 'REVERSED': {
      const returnedAt = item.timeProcessed && !Number.isNaN(Date.parse(item.timeProcessed));
      return {
        status: 'returned',
        providerReference,
        returnCode: 'provider_rejected',
        returnedAt: returnedAt
          ? new Date(item.timeProcessed as string).toISOString()
          : new Date(now).toISOString(),
      };
    }
    default:
      return { status: 'pending', providerReference };
  }
}

/** The item statuses that are final failures or returns: the ones whose reason matters. */
export function needsReason(status: string): boolean {
  return ['FAILED', 'BLOCKED', 'DENIED', 'RETURNED'].includes(status);
}
