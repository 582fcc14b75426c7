import { NotFoundError } from '../domain/errors.js';
import { payoutIdFor } from '../domain/ids.js';
import type { Payout } from '../domain/payout.js';
import { matchesSearch } from '../domain/payout-search.js';
import type { ListPayoutsFilter, Page, PayoutRepository } from '../ports/payout-repository.js';
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
  /** A reference names at most one payout, found by key: the other filters then apply to it. */
  async function findByReference(
    tenantId: string,
    reference: string,
    filter: ListPayoutsFilter,
  ): Promise<Page<Payout>> {
    const payout = await deps.payouts.get(tenantId, payoutIdFor(tenantId, reference));
    const matches = payout && matchesSearch(payout, filter) && payout.id !== filter.startingAfter;
    return { items: matches ? [payout] : [], hasMore: false };
  }

  return async function listPayouts<T = ReturnType<typeof toPayoutResource>>(
    tenantId: string,
    query: ListPayoutsQuery,
    view: (payout: Payout) => T = toPayoutResource as (payout: Payout) => T,
  ) {
    const filter: ListPayoutsFilter = {
      status: query.status,
      purpose: query.purpose,
      source: query.source,
      // One spelling of an instant (`…T00:00:00Z` and `…T00:00:00.000Z`): stored times compare as strings.
      createdGte: query.created_gte && new Date(query.created_gte).toISOString(),
      createdLt: query.created_lt && new Date(query.created_lt).toISOString(),
      customerReference: query.customer_reference,
      referencePrefix: query.reference_prefix,
      amount: query.amount,
      currency: query.currency,
      ibanLast4: query.iban_last4,
      limit: query.limit,
      startingAfter: query.starting_after,
    };
    const page = query.reference
      ? await findByReference(tenantId, query.reference, filter)
      : await deps.payouts.list(tenantId, filter);
    const data = page.items.map(view);
    return {
      object: 'list' as const,
      data,
      has_more: page.hasMore,
      next_cursor: page.hasMore ? (page.items.at(-1)?.id ?? null) : null,
    };
  };
}
