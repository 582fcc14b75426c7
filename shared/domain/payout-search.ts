import type { Payout, PayoutPurpose, PayoutSource, PayoutStatus } from './payout.js';

/**
 * What a payout listing may be narrowed by: the contract's filters (status, purpose, source, the
 * creation range) and the searches a support agent needs (customer reference, reference prefix,
 * amount, the IBAN's last four characters). Every field is optional; all given ones must match.
 */
export interface PayoutSearch {
  status?: PayoutStatus;
  purpose?: PayoutPurpose;
  source?: PayoutSource;
  createdGte?: string;
  createdLt?: string;
  /** Exactly the customer reference of a manual payout (or `metadata.customer_reference`). */
  customerReference?: string;
  /** The payout reference starts with this (case matters, as references are compared exactly). */
  referencePrefix?: string;
  /** Minor units; only together with `currency` (100 EUR cents are not 100 yen). */
  amount?: number;
  currency?: string;
  /** The last four characters of the destination IBAN (bank accounts only), upper case. */
  ibanLast4?: string;
}

/**
 * A payout's customer reference: the documentation of a portal payout, else the integrator's
 * `metadata.customer_reference` (portal payouts carry both; API payouts may carry the metadata).
 */
export function customerReferenceOf(payout: Payout): string | null {
  return payout.manual?.customerReference ?? payout.metadata.customer_reference ?? null;
}

/** Whether one payout matches every given field of a search: the one rule, wherever it is applied. */
export function matchesSearch(payout: Payout, search: PayoutSearch): boolean {
  const destination = payout.destination;
  return (
    (!search.status || payout.status === search.status) &&
    (!search.purpose || payout.purpose === search.purpose) &&
    (!search.source || payout.source === search.source) &&
    (!search.createdGte || payout.createdAt >= search.createdGte) &&
    (!search.createdLt || payout.createdAt < search.createdLt) &&
    (search.customerReference === undefined ||
      payout.manual?.customerReference === search.customerReference ||
      payout.metadata.customer_reference === search.customerReference) &&
    (search.referencePrefix === undefined || payout.reference.startsWith(search.referencePrefix)) &&
    (search.amount === undefined || payout.amount === search.amount) &&
    (!search.currency || payout.currency === search.currency) &&
    (search.ibanLast4 === undefined ||
      (destination.type === 'bank_account' && destination.iban.toUpperCase().endsWith(search.ibanLast4)))
  );
}
