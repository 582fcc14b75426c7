import type { Payout, PayoutStatus } from '../../shared/domain/payout.js';
import type { ProviderRecord } from '../../shared/domain/reconciliation.js';
import type { TransferRequest } from '../../shared/ports/payout-provider.js';

/** Today's UTC day, `YYYY-MM-DD` (the day the fakes' transfers are made on). */
export const today = () => new Date().toISOString().slice(0, 10);

/** The UTC day `days` away from today. */
export const dayFromToday = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Every page of a statement's day: the pages and their records. */
export async function readStatement(
  pages: AsyncIterable<ProviderRecord[]>,
): Promise<{ pages: number; records: ProviderRecord[] }> {
  const records: ProviderRecord[] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    records.push(...page);
  }
  return { pages: count, records };
}

/** The platform's payout for a transfer request a connector carried (what the use case looks up). */
export function payoutOf(
  request: TransferRequest,
  state: { status?: PayoutStatus; providerReference?: string | null } = {},
): Payout {
  const now = new Date().toISOString();
  return {
    id: request.payoutId,
    tenantId: 'ten_statement',
    status: state.status ?? 'paid',
    amount: request.amount,
    currency: request.currency,
    destination: request.destination,
    reference: request.reference,
    purpose: 'payroll',
    description: null,
    metadata: {},
    source: 'api',
    batchId: null,
    approval: null,
    failureCode: null,
    failureMessage: null,
    providerReference: state.providerReference ?? null,
    connector: null,
    createdAt: request.createdAt ?? now,
    updatedAt: now,
    paidAt: null,
    execution: null,
    version: 1,
  };
}
