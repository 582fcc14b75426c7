import { safeTotal } from '../domain/money.js';
import { DIFFERENCES, type ReconciliationItem, type ReconciliationRun } from '../domain/reconciliation.js';

// The API's shapes of runs and items, without zod: the outbox relay maps a completed run into its
// event, and should not build the request schemas at its cold start.

const decimal = (amount: string) => ({ amount: safeTotal(BigInt(amount)), amount_decimal: amount });

export function toRunResource(run: ReconciliationRun) {
  return {
    id: run.id,
    object: 'reconciliation_run' as const,
    status: run.status === 'pending' ? ('running' as const) : run.status,
    connector: run.connector,
    date: run.date,
    trigger: run.trigger,
    requested_by: run.requestedBy,
    counts: run.counts,
    differences: run.counts
      ? DIFFERENCES.reduce((sum, outcome) => sum + (run.counts?.[outcome] ?? 0), 0)
      : null,
    totals:
      run.totals?.map((total) => ({
        currency: total.currency,
        platform: { count: total.platform.count, ...decimal(total.platform.amount) },
        provider: { count: total.provider.count, ...decimal(total.provider.amount) },
      })) ?? null,
    progress: { provider_records: run.progress.providerRecords, payouts: run.progress.payouts },
    failure: run.failure,
    created_at: run.createdAt,
    completed_at: run.completedAt,
  };
}

export function toItemResource(item: ReconciliationItem) {
  return {
    id: item.key,
    object: 'reconciliation_item' as const,
    run_id: item.runId,
    outcome: item.outcome,
    payout_id: item.platform?.payoutId ?? null,
    provider_reference: item.provider?.providerReference ?? item.platform?.providerReference ?? null,
    platform: item.platform && {
      reference: item.platform.reference,
      amount: item.platform.amount,
      currency: item.platform.currency,
      status: item.platform.status,
    },
    provider: item.provider && {
      amount: item.provider.amount,
      currency: item.provider.currency,
      status: item.provider.status,
      created_at: item.provider.createdAt,
      found_by: item.provider.foundBy,
    },
    resolution: item.resolution && {
      resolved_by: item.resolution.by,
      note: item.resolution.note,
      resolved_at: item.resolution.at,
    },
  };
}
