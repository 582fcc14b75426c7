import { parseMajorUnits } from '../../domain/money.js';
import type { Payout } from '../../domain/payout.js';
import type { ProviderRecord, ProviderRecordStatus } from '../../domain/reconciliation.js';
import type { LookedUpTransfer, ProviderStatement } from '../../ports/reconciliation.js';
import * as z from '../../zod.js';
import type { ConnectorRuntime } from '../connector.js';
import { createPaypalClient, type PaypalCredentials } from './client.js';
import { fetchBatch } from './lookups.js';
import type { PayoutItem } from './payouts.js';

/**
 * The PayPal statement (reconciliation, D64). Payouts v1 (the vendored document) has no listing of an
 * account's batches or of a day's money: a batch is read by its `payout_batch_id` only. So:
 *
 *   records(date)   yields nothing: PayPal names no transfer of its own accord. What only a listing
 *                   finds (money PayPal moved for no payout of ours: unknown_at_provider) needs
 *                   PayPal's Transaction Search API (GET /v1/reporting/transactions), not vendored.
 *   lookup(payout)  GET /v1/payments/payouts/{payout_batch_id}, the batch id the payout stores as its
 *                   provider reference: the item's amount, currency and status. The reconciliation use
 *                   case looks up every payout of the day the statement did not name, so PayPal
 *                   payouts reconcile through lookups.
 *
 * Never replays the create request the way findTransfer may (the only way to find a batch by
 * `sender_batch_id`): a reconciliation reads, it never risks making a payment. A payout without a
 * stored batch id has nothing to look up (undefined).
 */

const itemAmount = z.looseObject({
  payout_item: z.optional(
    z.looseObject({ amount: z.optional(z.looseObject({ value: z.string(), currency: z.string() })) }),
  ),
});

/**
 * An item's `transaction_status` on a statement, read as the connector reads it (failures.ts
 * `itemOutcome`), so that a payout the connector settled from the same item agrees:
 *
 * | transaction_status                   | record |
 * |--------------------------------------|--------|
 * | SUCCESS                              | paid |
 * | FAILED, BLOCKED, DENIED              | failed |
 * | REFUNDED, REVERSED                   | returned |
 * | RETURNED                             | the money came back to the sender: `returned` for a payout that was paid (it is returned on our side too), else `failed` (unclaimed or refused: it never reached the recipient, which the connector records as failed) |
 * | PENDING, UNCLAIMED, ONHOLD, NEW, …   | pending (PayPal may still pay or return it) |
 */
export function statusOfItem(status: string, payout: Pick<Payout, 'status'>): ProviderRecordStatus {
  switch (status) {
    case 'SUCCESS':
      return 'paid';
    case 'FAILED':
    case 'BLOCKED':
    case 'DENIED':
      return 'failed';
    case 'REFUNDED':
    case 'REVERSED':
      return 'returned';
    case 'RETURNED':
      return payout.status === 'paid' || payout.status === 'returned' ? 'returned' : 'failed';
    default:
      return 'pending';
  }
}

/** The item's amount in ISO 4217 minor units, through the money module; null when unreadable. */
function amountOf(item: PayoutItem): { amount: number; currency: string } | { amount: null; currency: null } {
  const amount = itemAmount.safeParse(item).data?.payout_item?.amount;
  const minor = amount ? parseMajorUnits(amount.value, amount.currency) : undefined;
  return amount && minor !== undefined
    ? { amount: minor, currency: amount.currency }
    : { amount: null, currency: null };
}

export function createPaypalStatement(
  credentials: PaypalCredentials,
  runtime: ConnectorRuntime,
): ProviderStatement {
  const client = createPaypalClient(credentials, runtime);
  return {
    async *records(): AsyncGenerator<ProviderRecord[]> {
      // Payouts v1 lists no day: see above.
      yield* [];
    },

    async lookup(payout): Promise<LookedUpTransfer | undefined> {
      const batchId = payout.providerReference;
      if (!batchId) return undefined;
      const batch = await fetchBatch(client, batchId, payout.id);
      if (!batch) return undefined;
      // A stored reference naming another payout's batch: PayPal has no transfer of this payout there.
      const senderBatchId = batch.batch_header.sender_batch_header?.sender_batch_id;
      if (senderBatchId !== undefined && senderBatchId !== payout.id) return undefined;
      const items = batch.items ?? [];
      const item =
        items.find((candidate) => candidate.payout_item?.sender_item_id === payout.id) ??
        (items.length === 1 ? items[0] : undefined);
      const createdAt = z.looseObject({ time_created: z.string() }).safeParse(batch.batch_header).data;
      const common = {
        providerReference: batch.batch_header.payout_batch_id,
        createdAt: createdAt?.time_created ?? null,
      };
      if (!item)
        return {
          ...common,
          // A batch PayPal denied before making items failed as a whole; one without items yet is pending.
          status: batch.batch_header.batch_status === 'DENIED' ? 'failed' : 'pending',
          amount: null,
          currency: null,
        };
      return {
        ...common,
        status: statusOfItem(item.transaction_status ?? 'PENDING', payout),
        ...amountOf(item),
      };
    },
  };
}
