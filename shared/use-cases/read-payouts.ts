import { NotFoundError } from '../domain/errors.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import { type ListPayoutsQuery, type PayoutResource, toPayoutResource } from '../schemas/payouts.js';

export function getPayoutUseCase(deps: { payouts: PayoutRepository }) {
  return async function getPayout(tenantId: string, payoutId: string): Promise<PayoutResource> {
    // The tenant is part of the key: another tenant's id is simply not found.
    const payout = await deps.payouts.get(tenantId, payoutId);
    if (!payout) throw new NotFoundError('payout', payoutId);
    return toPayoutResource(payout);
  };
}

export function listPayoutsUseCase(deps: { payouts: PayoutRepository }) {
  return async function listPayouts(tenantId: string, query: ListPayoutsQuery) {
    const page = await deps.payouts.list(tenantId, {
      status: query.status,
      purpose: query.purpose,
      reference: query.reference,
      createdGte: query.created_gte,
      createdLt: query.created_lt,
      limit: query.limit,
      startingAfter: query.starting_after,
    });
    const data = page.items.map(toPayoutResource);
    return {
      object: 'list' as const,
      data,
      has_more: page.hasMore,
      next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null,
    };
  };
}
