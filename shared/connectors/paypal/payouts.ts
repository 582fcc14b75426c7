import type { TransferOutcome } from '../../domain/execution.js';
import { currencyExponent, formatMinorUnits } from '../../domain/money.js';
import type { TransferRequest } from '../../ports/payout-provider.js';
import * as z from '../../zod.js';
import { type ItemReport, itemOutcome } from './failures.js';

/**
 * Currencies PayPal takes with fewer decimals than ISO 4217 gives them: "does not support decimals,
 * decimal amounts cause an error" (PayPal's currency codes; HUF and TWD have 2 in ISO 4217, JPY 0).
 * Every other currency is sent with its ISO 4217 decimals, exactly; PayPal refuses those it does not
 * carry, and that refusal is mapped like any other.
 */
export const PAYPAL_DECIMALS: Readonly<Record<string, number>> = { HUF: 0, JPY: 0, TWD: 0 };

/** PayPal's limits on a payout item (the vendored Payouts document). */
export const LIMITS = { receiver: 127, senderItemId: 63, senderBatchId: 256, note: 4000 } as const;

export type AmountConversion = { ok: true; value: string } | { ok: false; message: string };

/**
 * Minor units as PayPal's `amount.value`, exactly: (1050, EUR) → '10.50', (10000, HUF) → '100',
 * (10050, HUF) → refused (PayPal would need 100.50 HUF rounded). Integer and string arithmetic only,
 * through the money module.
 */
export function paypalAmount(amount: number, currency: string): AmountConversion {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return { ok: false, message: `${currency} is not a payable currency` };
  const decimals = PAYPAL_DECIMALS[currency] ?? exponent;
  const text = formatMinorUnits(amount, currency);
  if (decimals >= exponent) return { ok: true, value: text };
  const [whole = '', fraction = ''] = text.split('.');
  if (/[^0]/.test(fraction.slice(decimals)))
    return {
      ok: false,
      message: `PayPal takes ${currency} amounts with ${decimals === 0 ? 'no decimals' : `${decimals} decimals`}: ${text} ${currency} cannot be sent exactly`,
    };
  return { ok: true, value: decimals === 0 ? whole : `${whole}.${fraction.slice(0, decimals)}` };
}

/**
 * The create request: one batch per payout, one item in it. `sender_batch_id` is the payout id, which
 * PayPal refuses to reuse for 30 days (the idempotency anchor); `sender_item_id` is the payout id too,
 * so webhooks about the item name the payout.
 */
export function createPayoutBody(request: TransferRequest, email: string, value: string) {
  const note =
    request.reference.length > 0 && request.reference.length <= LIMITS.note ? request.reference : undefined;
  return {
    sender_batch_header: { sender_batch_id: request.payoutId, recipient_type: 'EMAIL' },
    items: [
      {
        recipient_type: 'EMAIL',
        receiver: email,
        amount: { value, currency: request.currency },
        sender_item_id: request.payoutId,
        ...(note ? { note } : {}),
      },
    ],
  };
}

const link = z.looseObject({ href: z.string() });

const paypalError = z.looseObject({
  name: z.optional(z.string()),
  message: z.optional(z.string()),
  debug_id: z.optional(z.string()),
  details: z.optional(
    z.array(
      z.looseObject({
        field: z.optional(z.string()),
        issue: z.optional(z.string()),
        description: z.optional(z.string()),
        link: z.optional(z.array(link)),
        links: z.optional(z.array(link)),
      }),
    ),
  ),
  links: z.optional(z.array(link)),
});

export type PaypalError = z.infer<typeof paypalError>;

/** A 4xx answer's error body (what is readable of it). */
export function readError(body: unknown): PaypalError {
  const parsed = paypalError.safeParse(body);
  return parsed.success ? parsed.data : {};
}

const itemErrors = z.looseObject({ name: z.optional(z.string()), message: z.optional(z.string()) });

/** A payout item, as PayPal shows it in a batch, on its own, and in PAYMENT.PAYOUTS-ITEM.* webhooks. */
export const payoutItem = z.looseObject({
  payout_item_id: z.optional(z.string()),
  payout_batch_id: z.optional(z.string()),
  sender_batch_id: z.optional(z.string()),
  transaction_status: z.optional(z.string()),
  time_processed: z.optional(z.string()),
  // An object in PayPal's document; an array is read too (its first error).
  errors: z.optional(z.union([itemErrors, z.array(itemErrors)])),
  payout_item: z.optional(z.looseObject({ sender_item_id: z.optional(z.string()) })),
});

export type PayoutItem = z.infer<typeof payoutItem>;

const batchHeader = z.looseObject({
  payout_batch_id: z.string().check(z.minLength(1)),
  batch_status: z.string(),
  sender_batch_header: z.optional(z.looseObject({ sender_batch_id: z.optional(z.string()) })),
});

/** The create answer (201, and the same answer replayed for a repeated PayPal-Request-Id). */
export const createAnswer = z.looseObject({ batch_header: batchHeader });

/** GET /v1/payments/payouts/{payout_batch_id}. */
export const batchAnswer = z.looseObject({
  batch_header: batchHeader,
  items: z.optional(z.array(payoutItem)),
});

export type BatchAnswer = z.infer<typeof batchAnswer>;

/** The item's status and reason, as the failure mapping reads them. */
export function itemReport(item: PayoutItem, status = item.transaction_status ?? 'PENDING'): ItemReport {
  const errors = Array.isArray(item.errors) ? item.errors[0] : item.errors;
  return {
    status,
    errorName: errors?.name,
    errorMessage: errors?.message,
    timeProcessed: item.time_processed,
  };
}

/**
 * What a batch says about the payout: its item's status (the item whose `sender_item_id` is the
 * payout, or the batch's only item). A batch PayPal denied before making items failed as a whole; a
 * batch without items yet is pending. `providerReference` is always the batch id, the id the create
 * answer gave and every webhook repeats (the item id is not known until PayPal has made the item).
 */
export function batchOutcome(batch: BatchAnswer, payoutId: string, now: number): TransferOutcome {
  const reference = batch.batch_header.payout_batch_id;
  const items = batch.items ?? [];
  const item =
    items.find((candidate) => candidate.payout_item?.sender_item_id === payoutId) ??
    (items.length === 1 ? items[0] : undefined);
  if (item) return itemOutcome(itemReport(item), reference, now);
  if (batch.batch_header.batch_status === 'DENIED')
    return itemOutcome({ status: 'DENIED', errorMessage: 'PayPal denied the whole batch' }, reference, now);
  return { status: 'pending', providerReference: reference };
}

/**
 * The batch a refused create names when PayPal says its `sender_batch_id` was used already: 400
 * USER_BUSINESS_ERROR with a detail on SENDER_BATCH_ID ("Batch with given sender_batch_id already
 * exists") and a link to the original batch. Also read: the names other PayPal APIs give a repeated
 * request (DUPLICATE_REQUEST_ID, SENDER_BATCH_ID_ALREADY_USED).
 *
 * Only the batch id is taken from the link: the request goes to the deployment's PayPal host, never to
 * a host named in an answer.
 */
export function duplicateBatch(
  error: PaypalError,
): { duplicate: false } | { duplicate: true; batchId?: string } {
  const details = error.details ?? [];
  const duplicate =
    error.name === 'DUPLICATE_REQUEST_ID' ||
    error.name === 'SENDER_BATCH_ID_ALREADY_USED' ||
    details.some(
      (detail) =>
        /sender_batch_id/i.test(detail.field ?? '') ||
        /sender_batch_id.*already|already.*sender_batch_id/i.test(
          `${detail.issue ?? ''} ${detail.description ?? ''}`,
        ),
    );
  if (!duplicate) return { duplicate: false };
  const hrefs = [
    ...details.flatMap((detail) => [...(detail.link ?? []), ...(detail.links ?? [])]),
    ...(error.links ?? []),
  ].map((entry) => entry.href);
  for (const href of hrefs) {
    const batchId = /\/v1\/payments\/payouts\/([A-Za-z0-9_-]{1,30})(?:[/?#]|$)/.exec(href)?.[1];
    if (batchId) return { duplicate: true, batchId };
  }
  return { duplicate: true };
}
