import type { ActionStamp } from './audit.js';
import { ATTACHMENT_TYPES, MANUAL_CATEGORIES, MAX_ATTACHMENT_BYTES } from './catalog.js';
import { ValidationError } from './errors.js';
import { formatMoney } from './money.js';

export { ATTACHMENT_TYPES, MANUAL_CATEGORIES, MAX_ATTACHMENT_BYTES };

/** Manual payouts are of these categories (payout purposes). */
export type ManualCategory = (typeof MANUAL_CATEGORIES)[number];

/** A tenant's rules for manual payouts, edited by admins in the portal. */
export interface ManualPayoutCriteria {
  tenantId: string;
  reasonCodes: { code: string; label: string }[];
  /** Minimum length of the written rationale, in characters. */
  minRationaleLength: number;
  /** Maximum amount of one payout, per category and currency, in minor units. */
  limits: { category: ManualCategory; currency: string; maxAmount: number }[];
  updatedAt: string;
  version: number;
  lastAction?: ActionStamp;
}

/** What a tenant starts with; admins change it in the portal. */
export function defaultCriteria(tenantId: string, now: string): ManualPayoutCriteria {
  return {
    tenantId,
    reasonCodes: [
      { code: 'service_disruption', label: 'Service disruption' },
      { code: 'account_error', label: 'Account error' },
      { code: 'customer_satisfaction', label: 'Customer satisfaction' },
      { code: 'billing_mistake', label: 'Billing mistake' },
      { code: 'special_request', label: 'Special request' },
    ],
    minRationaleLength: 20,
    limits: [
      { category: 'support_credit', currency: 'EUR', maxAmount: 50_000 },
      { category: 'support_credit', currency: 'USD', maxAmount: 50_000 },
      { category: 'support_credit', currency: 'GBP', maxAmount: 50_000 },
      { category: 'one_time_refund', currency: 'EUR', maxAmount: 250_000 },
      { category: 'one_time_refund', currency: 'USD', maxAmount: 250_000 },
      { category: 'one_time_refund', currency: 'GBP', maxAmount: 250_000 },
    ],
    updatedAt: now,
    version: 0,
  };
}

/**
 * Checks a manual payout against the tenant's criteria; every problem is reported with its field.
 * A currency with no limit for the category is refused: an admin decides what may be paid by hand.
 */
export function checkManualPayout(
  criteria: ManualPayoutCriteria,
  payout: {
    category: ManualCategory;
    amount: number;
    currency: string;
    reasonCode: string;
    rationale: string;
  },
): void {
  const problems = [];
  if (!criteria.reasonCodes.some((reason) => reason.code === payout.reasonCode)) {
    problems.push({
      param: 'reason_code',
      message: `must be one of ${criteria.reasonCodes.map((reason) => reason.code).join(', ')}`,
    });
  }
  if (payout.rationale.trim().length < criteria.minRationaleLength) {
    problems.push({
      param: 'rationale',
      message: `must be at least ${criteria.minRationaleLength} characters: explain why this payout is due`,
    });
  }
  const limit = criteria.limits.find(
    (candidate) => candidate.category === payout.category && candidate.currency === payout.currency,
  );
  if (!limit) {
    problems.push({
      param: 'currency',
      message: `no ${payout.category} limit is set for ${payout.currency}: ask an admin to add one`,
    });
  } else if (payout.amount > limit.maxAmount) {
    problems.push({
      param: 'amount',
      message: `must be at most ${formatMoney(limit.maxAmount, limit.currency)} for a ${payout.category.replace(/_/g, ' ')}`,
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Attachments: what a browser may upload as documentation. */
