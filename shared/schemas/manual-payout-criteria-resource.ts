import type { ManualPayoutCriteria } from '../domain/manual-payouts.js';

/** A tenant's manual payout criteria as the portal reads them. */
export function toCriteriaResource(criteria: ManualPayoutCriteria) {
  return {
    object: 'manual_payout_criteria' as const,
    reason_codes: criteria.reasonCodes,
    min_rationale_length: criteria.minRationaleLength,
    limits: criteria.limits.map((limit) => ({
      category: limit.category,
      currency: limit.currency,
      max_amount: limit.maxAmount,
    })),
    updated_at: criteria.updatedAt,
    version: criteria.version,
  };
}
