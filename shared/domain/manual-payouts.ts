import type { ActionStamp } from './audit.js';
import { ATTACHMENT_TYPES, MANUAL_CATEGORIES, MAX_ATTACHMENT_BYTES } from './catalog.js';
import { type FieldProblem, ValidationError } from './errors.js';
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

/** What a manual payout is checked against: the criteria's rules, without their bookkeeping. */
export type ManualPayoutRules = Pick<ManualPayoutCriteria, 'reasonCodes' | 'minRationaleLength' | 'limits'>;

/**
 * Every way a manual payout breaks the tenant's criteria, each with its field, in words a requester
 * reads (no category or reason codes). The server refuses with them ({@link checkManualPayout}); the
 * portal's form shows them beside their fields before sending, from the same rules. A currency with
 * no limit for the category is refused: an admin decides what may be paid by hand.
 */
export function manualPayoutProblems(
  criteria: ManualPayoutRules,
  payout: {
    category: ManualCategory;
    /** Undefined when the amount itself is not readable (then only the other rules are checked). */
    amount: number | undefined;
    currency: string;
    reasonCode: string;
    rationale: string;
  },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const kind = payout.category.replace(/_/g, ' ');
  if (payout.reasonCode !== '' && !criteria.reasonCodes.some((reason) => reason.code === payout.reasonCode)) {
    problems.push({
      param: 'reason_code',
      message: `must be one of the reasons listed (${criteria.reasonCodes.map((reason) => reason.label).join(', ')})`,
    });
  }
  if (payout.rationale.trim().length < criteria.minRationaleLength) {
    problems.push({
      param: 'rationale',
      message: `must be at least ${criteria.minRationaleLength} characters (${payout.rationale.trim().length} so far): explain why this payout is due`,
    });
  }
  const limit = criteria.limits.find(
    (candidate) => candidate.category === payout.category && candidate.currency === payout.currency,
  );
  if (!limit) {
    problems.push({
      param: 'currency',
      message: `has no limit set for a ${kind}: ask an admin to add one for ${payout.currency}`,
    });
  } else if (payout.amount !== undefined && payout.amount > limit.maxAmount) {
    problems.push({
      param: 'amount',
      message: `must be at most ${formatMoney(limit.maxAmount, limit.currency)} for a ${kind}`,
    });
  }
  return problems;
}

/** Refuses a manual payout that breaks the tenant's criteria, listing every problem at once. */
export function checkManualPayout(
  criteria: ManualPayoutRules,
  payout: {
    category: ManualCategory;
    amount: number;
    currency: string;
    reasonCode: string;
    rationale: string;
  },
): void {
  const problems = manualPayoutProblems(criteria, payout);
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Attachments: what a browser may upload as documentation. */
