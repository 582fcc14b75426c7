import type { TransferOutcome } from '../../domain/execution.js';
import { failureFromReason } from './failures.js';

/** A transfer as Adyen describes it, in the POST /transfers answer or a Transfer webhook. */
export interface AdyenTransferState {
  id: string;
  status: string;
  reason?: string;
  creationDate?: string;
  /** The events leading to the current status (webhooks only). */
  events?: { status?: string; bookingDate?: string }[];
}

/** Final statuses in which no money reached the recipient. */
const FAILED_STATUSES = ['refused', 'failed', 'error', 'cancelled', 'expired'];

/**
 * What a transfer's status means for its payout: booked → paid, returned → returned, a final
 * failure → failed (code from `reason`), anything else (received, authorised, approvalPending,
 * pending…) → null: not final yet, Adyen's webhook says the rest.
 *
 * Adyen's `booked` is not final for every route ("instant payouts may be rejected by the
 * counterparty's bank and thus fail"): a failure that follows a booked event is money that left
 * and came back, so it is reported as `returned` (the payout is paid by then), never `failed`.
 */
export function finalOutcome(transfer: AdyenTransferState, now: number): TransferOutcome | null {
  const providerReference = transfer.id;
  if (transfer.status === 'booked') return { status: 'paid', providerReference };
  const failed = FAILED_STATUSES.includes(transfer.status);
  const events = transfer.events ?? [];
  const wasBooked = events.some((event) => event.status === 'booked');
  if (transfer.status === 'returned' || (failed && wasBooked)) {
    const { code } = failureFromReason(transfer.reason, transfer.status);
    const event = events.findLast((candidate) => candidate.status === transfer.status);
    return {
      status: 'returned',
      providerReference,
      returnCode: code,
      returnedAt: isoOr(event?.bookingDate, isoOr(transfer.creationDate, new Date(now).toISOString())),
    };
  }
  if (failed) {
    const { code, message } = failureFromReason(transfer.reason, transfer.status);
    return { status: 'failed', providerReference, failureCode: code, failureMessage: message };
  }
  return null;
}

function isoOr(value: string | undefined, fallback: string): string {
  const time = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? fallback : new Date(time).toISOString();
}
