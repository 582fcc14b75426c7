import { createHmac } from 'node:crypto';
import type { TransferOutcome } from '../../domain/execution.js';
import * as z from '../../zod.js';
import {
  type ProviderWebhookEvent,
  type ProviderWebhookRequest,
  WebhookVerificationError,
} from '../connector.js';
import { safeEqual } from '../http.js';
import { outcomeOfTransfer, payoutIdOf, stripeTransfer } from './transfer.js';

/**
 * How far a signature's timestamp may be from now: Stripe's own default (its libraries' 300 s). Stripe
 * retries a failed delivery with a fresh timestamp and signature, so a genuine event is never lost to
 * it, while a captured request cannot be replayed after five minutes. Unlike Stripe's libraries, a
 * timestamp more than 300 s in the future is refused too (a clock that far off is not Stripe's).
 */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Checks a `Stripe-Signature` header (`t=<unix seconds>,v1=<hex>[,v1=<hex>…]`) as Stripe documents
 * (https://docs.stripe.com/webhooks#verify-manually): HMAC-SHA256 of `<t>.<raw body>` keyed with the
 * endpoint's whole signing secret (`whsec_…`), compared in constant time with every `v1` (there are
 * two while a secret is being rolled). Other schemes (`v0`, test-mode only) are ignored.
 *
 * Written here rather than imported: the official `stripe` package does the same in
 * `webhooks.constructEvent`, but it cannot be imported without the whole client (≈246 kB minified),
 * and every connector is bundled into the executor. The tests check this against the package.
 */
export function verifyStripeSignature(
  rawBody: string,
  header: string | undefined,
  secret: string,
  now: number,
): void {
  if (!header) throw new WebhookVerificationError('The Stripe-Signature header is missing');
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0)
    throw new WebhookVerificationError('The Stripe-Signature header has no timestamp or no v1 signature');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  if (!signatures.some((signature) => safeEqual(signature, expected)))
    throw new WebhookVerificationError(
      'No Stripe-Signature v1 signature matches the body and the signing secret',
    );
  if (Math.abs(Math.floor(now / 1000) - timestamp) > SIGNATURE_TOLERANCE_SECONDS)
    throw new WebhookVerificationError(
      `The Stripe-Signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s from now`,
    );
}

/** A Stripe event (https://docs.stripe.com/api/events/object), as much of it as is read. */
const stripeEvent = z.object({
  id: z.string().check(z.minLength(1)),
  object: z.literal('event'),
  type: z.string(),
  created: z.number().check(z.int()),
  data: z.object({ object: z.looseObject({ object: z.optional(z.string()) }) }),
});

/** What an event about a transfer means for its payout (null: nothing changes). */
function outcomeOfEvent(
  type: string,
  transfer: z.infer<typeof stripeTransfer>,
  now: number,
): TransferOutcome | null {
  switch (type) {
    // A transfer exists only once it is made: paid (the executor usually knew already).
    case 'transfer.created':
      return outcomeOfTransfer(transfer, now);
    // A partial reversal is recorded but changes nothing: the platform has no partial return.
    case 'transfer.reversed':
      return transfer.reversed ? outcomeOfTransfer(transfer, now) : null;
    default:
      return null;
  }
}

/**
 * The transfer updates a verified Stripe webhook carries: one for an event about a transfer, none for
 * any other event (an endpoint may send more types than the connector reads).
 */
export function readStripeWebhook(
  request: ProviderWebhookRequest,
  secret: string,
  now: number,
): ProviderWebhookEvent[] {
  verifyStripeSignature(request.rawBody, request.headers['stripe-signature'], secret, now);
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    throw new WebhookVerificationError('The signed body is not JSON');
  }
  const event = stripeEvent.safeParse(body);
  if (!event.success) throw new WebhookVerificationError('The signed body is not a Stripe event');
  const { id, type, data } = event.data;
  if (data.object.object !== 'transfer') return [];
  const transfer = stripeTransfer.safeParse(data.object);
  if (!transfer.success)
    throw new Error(`Stripe event ${id} (${type}) carries a transfer the connector cannot read`);
  return [
    {
      eventId: id,
      type,
      payoutId: payoutIdOf(transfer.data),
      providerReference: transfer.data.id,
      outcome: outcomeOfEvent(type, transfer.data, event.data.created * 1000),
    },
  ];
}
