import { FAILURE_CODES } from '../../domain/catalog.js';
import type { TransferOutcome } from '../../domain/execution.js';
import * as z from '../../zod.js';
import type { FailureCode } from './failures.js';

/**
 * The parts of Stripe's Transfer object (https://docs.stripe.com/api/transfers/object) the connector
 * reads. These fields have kept their meaning since API version 2017-04-06.
 */
export const stripeTransfer = z.object({
  id: z.string().check(z.minLength(1)),
  object: z.literal('transfer'),
  amount: z.number().check(z.int()),
  amount_reversed: z.number().check(z.int()),
  currency: z.string(),
  /** True only once the whole amount was reversed. */
  reversed: z.boolean(),
  transfer_group: z.nullish(z.string()),
  metadata: z.nullish(z.record(z.string(), z.string())),
  reversals: z.nullish(
    z.object({
      data: z.array(
        z.object({
          id: z.string(),
          amount: z.number().check(z.int()),
          created: z.number().check(z.int()),
          metadata: z.nullish(z.record(z.string(), z.string())),
        }),
      ),
    }),
  ),
});
export type StripeTransfer = z.infer<typeof stripeTransfer>;

export const stripeTransferList = z.object({
  object: z.literal('list'),
  data: z.array(z.unknown()),
  has_more: z.boolean(),
});

/** The payout a transfer belongs to: its `transfer_group`, else `metadata.payout_id`. */
export function payoutIdOf(transfer: StripeTransfer): string | null {
  return transfer.transfer_group || transfer.metadata?.payout_id || null;
}

function latestReversal(transfer: StripeTransfer) {
  const reversals = transfer.reversals?.data ?? [];
  return reversals.reduce<(typeof reversals)[number] | undefined>(
    (latest, reversal) => (!latest || reversal.created >= latest.created ? reversal : latest),
    undefined,
  );
}

/**
 * Why a reversed transfer came back. A Stripe reversal has no reason of its own: the platform (the
 * tenant's Stripe account) reverses a transfer itself, by API or in the Dashboard, and may say why in
 * the reversal's metadata `return_code` (one of the platform's failure codes). Without one the
 * return is `provider_rejected`.
 */
function returnCodeOf(metadata: Record<string, string> | null | undefined): FailureCode {
  const code = metadata?.return_code;
  return code && (FAILURE_CODES as readonly string[]).includes(code)
    ? (code as FailureCode)
    : 'provider_rejected';
}

/**
 * What a transfer means for its payout. A transfer is made at once between Stripe balances, so it is
 * `paid` as soon as it exists; reversed in full it is `returned`. A partial reversal leaves it paid:
 * the platform has no partial return.
 */
export function outcomeOfTransfer(transfer: StripeTransfer, now: number): TransferOutcome {
  if (!transfer.reversed) return { status: 'paid', providerReference: transfer.id };
  const reversal = latestReversal(transfer);
  return {
    status: 'returned',
    providerReference: transfer.id,
    returnCode: returnCodeOf(reversal?.metadata),
    returnedAt: new Date(reversal ? reversal.created * 1000 : now).toISOString(),
  };
}
