import { createHash, createHmac } from 'node:crypto';
import * as z from '../../zod.js';
import type { ProviderWebhookEvent, ProviderWebhookRequest } from '../connector.js';
import { WebhookVerificationError } from '../connector.js';
import { safeEqual } from '../http.js';
import { finalOutcome } from './outcomes.js';

/**
 * Adyen's signature of a Balance Platform webhook (the `HmacSignature` header): HMAC-SHA256 of the
 * raw body, keyed with the hex-decoded HMAC key of the webhook endpoint, in base64. The same
 * computation as `hmacValidator.validateHMACSignature` of @adyen/api-library, written here with
 * node:crypto rather than importing the library for ten lines (see README.md).
 */
export function adyenHmacSignature(rawBody: string, hexKey: string): string {
  return createHmac('sha256', Buffer.from(hexKey, 'hex')).update(rawBody, 'utf8').digest('base64');
}

/** A SHA-256 digest in base64: 43 characters and one `=`. */
const SIGNATURE_FORMAT = /^[A-Za-z0-9+/]{43}=$/;

const webhookType = z.object({ type: z.string() });

const transferEvent = z.object({
  status: z.optional(z.string()),
  bookingDate: z.optional(z.string()),
});

/** The parts of a Transfer webhook (TransferNotificationRequest, Transfer webhooks v3) this reads. */
const transferNotification = z.object({
  type: z.optional(z.string()),
  data: z.object({
    id: z.optional(z.string()),
    status: z.string(),
    reason: z.optional(z.string()),
    reference: z.optional(z.string()),
    category: z.optional(z.string()),
    direction: z.optional(z.string()),
    sequenceNumber: z.optional(z.number().check(z.int())),
    balanceAccount: z.optional(z.object({ id: z.optional(z.string()) })),
    creationDate: z.optional(z.string()),
    events: z.optional(z.array(transferEvent)),
  }),
});

const TRANSFER_WEBHOOKS = ['balancePlatform.transfer.created', 'balancePlatform.transfer.updated'];

/**
 * Verifies an Adyen Transfer webhook and reads the transfer update it carries (one per delivery).
 *
 * There is no timestamp in the signed scheme, so there is no age check: Adyen retries an
 * unacknowledged webhook for days, and an old signed update repeated changes nothing (events are
 * deduplicated on `eventId` and the payout's state machine only moves forward).
 */
export function verifyAdyenWebhook(
  request: ProviderWebhookRequest,
  credentials: { hmac_key: string; balance_account_id: string },
  now: number,
): ProviderWebhookEvent[] {
  const signature = request.headers.hmacsignature;
  if (!signature) throw new WebhookVerificationError('Adyen webhook without an HmacSignature header');
  if (!SIGNATURE_FORMAT.test(signature))
    throw new WebhookVerificationError('Adyen webhook with a malformed HmacSignature header');
  if (!safeEqual(adyenHmacSignature(request.rawBody, credentials.hmac_key), signature))
    throw new WebhookVerificationError("Adyen webhook signature does not match the connector's HMAC key");

  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    throw new WebhookVerificationError('Adyen webhook body is not JSON');
  }
  const type = webhookType.safeParse(body).data?.type;
  // Signed, but another kind of webhook (balance account, transaction…): nothing about a payout.
  if (type === undefined || !TRANSFER_WEBHOOKS.includes(type)) return [];
  const parsed = transferNotification.safeParse(body);
  if (!parsed.success)
    throw new WebhookVerificationError(`Adyen ${type} webhook without a readable transfer`);
  const data = parsed.data.data;

  // Ours only when it is an outgoing bank transfer from the tenant's balance account: another
  // account of the same balance platform could carry a colliding reference.
  const ours =
    (data.category === undefined || data.category === 'bank') &&
    data.direction !== 'incoming' &&
    (data.balanceAccount?.id === undefined || data.balanceAccount.id === credentials.balance_account_id);
  return [
    {
      // The same transfer notifies with sequence numbers 1, 2, 3…: together they name one update.
      eventId:
        data.id !== undefined && data.sequenceNumber !== undefined
          ? `${data.id}:${data.sequenceNumber}`
          : `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`,
      type,
      payoutId: ours ? (data.reference ?? null) : null,
      providerReference: data.id ?? null,
      outcome: ours && data.id !== undefined ? finalOutcome({ ...data, id: data.id }, now) : null,
    },
  ];
}
