import type { TransferOutcome } from '../../domain/execution.js';
import * as z from '../../zod.js';
import {
  type ConnectorRuntime,
  type ProviderWebhookEvent,
  type ProviderWebhookRequest,
  WebhookVerificationError,
} from '../connector.js';
import { createPaypalClient, type PaypalClient, type PaypalCredentials } from './client.js';
import { itemOutcome, needsReason } from './failures.js';
import { fetchBatch, fetchItem } from './lookups.js';
import { batchOutcome, itemReport, payoutItem, readError } from './payouts.js';

/**
 * How old a delivery's `paypal-transmission-time` may be. PayPal retries a delivery up to 25 times
 * over 3 days and does not document whether a retry carries a new transmission time, so the window
 * covers the whole retry schedule plus a day: a tighter one could refuse PayPal's own retries. It
 * bounds replays of a captured delivery; within it, the platform applies an event id once.
 */
export const MAX_TRANSMISSION_AGE_SECONDS = 4 * 24 * 3600;

/** A transmission time this far ahead of our clock is refused (clock skew allowed). */
export const MAX_TRANSMISSION_SKEW_SECONDS = 300;

const HEADERS = {
  transmissionId: 'paypal-transmission-id',
  transmissionTime: 'paypal-transmission-time',
  transmissionSig: 'paypal-transmission-sig',
  certUrl: 'paypal-cert-url',
  authAlgo: 'paypal-auth-algo',
} as const;

const webhookEvent = z.looseObject({
  id: z.string().check(z.minLength(1)),
  event_type: z.string().check(z.minLength(1)),
  create_time: z.optional(z.string()),
  resource: z.record(z.string(), z.unknown()),
});

const verification = z.looseObject({ verification_status: z.string() });

/** The event type's last word, as an item status when the resource omits `transaction_status`. */
const STATUS_BY_EVENT: Readonly<Record<string, string>> = {
  SUCCEEDED: 'SUCCESS',
  FAILED: 'FAILED',
  RETURNED: 'RETURNED',
  UNCLAIMED: 'UNCLAIMED',
  BLOCKED: 'BLOCKED',
  DENIED: 'DENIED',
  HELD: 'ONHOLD',
  REFUNDED: 'REFUNDED',
  CANCELED: 'RETURNED',
};

const batchResource = z.looseObject({
  batch_header: z.looseObject({
    payout_batch_id: z.string(),
    batch_status: z.optional(z.string()),
    sender_batch_header: z.optional(z.looseObject({ sender_batch_id: z.optional(z.string()) })),
  }),
});

/** PayPal's certificates are served from its API hosts (or the deployment's PayPal host, a fake in tests). */
function isPaypalCertUrl(url: string, baseUrl: string): boolean {
  if (url.startsWith(`${baseUrl.replace(/\/$/, '')}/`)) return true;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && /(^|\.)paypal\.com$/.test(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * Verifies a PayPal webhook the way PayPal documents it, by asking PayPal
 * (POST /v1/notifications/verify-webhook-signature with the five transmission headers, the tenant's
 * webhook id and the event as sent), and reads the payout item it is about.
 *
 *   a header missing, a body that is not a JSON object, a transmission time
 *   older than 4 days or in the future                    → WebhookVerificationError, PayPal not asked
 *   PayPal answers FAILURE, or refuses the request (4xx)  → WebhookVerificationError
 *   PayPal cannot be reached (network, 429, 5xx)          → ProviderUnavailableError: the platform
 *                                                            answers 503 and PayPal delivers again
 */
export async function verifyPaypalWebhook(
  request: ProviderWebhookRequest,
  credentials: PaypalCredentials,
  runtime: ConnectorRuntime,
): Promise<ProviderWebhookEvent[]> {
  const header = (name: string) => {
    const value = request.headers[name]?.trim();
    if (!value) throw new WebhookVerificationError(`PayPal webhook without the ${name} header`);
    return value;
  };
  const transmission = {
    auth_algo: header(HEADERS.authAlgo),
    cert_url: header(HEADERS.certUrl),
    transmission_id: header(HEADERS.transmissionId),
    transmission_sig: header(HEADERS.transmissionSig),
    transmission_time: header(HEADERS.transmissionTime),
  };
  // Cheap checks before PayPal is asked: a forged request must not spend the tenant's PayPal rate.
  if (transmission.auth_algo !== 'SHA256withRSA')
    throw new WebhookVerificationError(
      `PayPal webhook signed with ${transmission.auth_algo.slice(0, 40)}, not SHA256withRSA`,
    );
  if (!isPaypalCertUrl(transmission.cert_url, runtime.baseUrl))
    throw new WebhookVerificationError('PayPal webhook whose certificate is not on a PayPal host');
  if (!/^[A-Za-z0-9+/=]{16,2048}$/.test(transmission.transmission_sig))
    throw new WebhookVerificationError('PayPal webhook with a malformed signature');
  const sentAt = Date.parse(transmission.transmission_time);
  if (Number.isNaN(sentAt))
    throw new WebhookVerificationError('PayPal webhook with an unreadable transmission time');
  const ageSeconds = ((runtime.now ?? Date.now)() - sentAt) / 1000;
  if (ageSeconds > MAX_TRANSMISSION_AGE_SECONDS)
    throw new WebhookVerificationError(
      `PayPal webhook transmitted ${Math.floor(ageSeconds / 3600)} hours ago (at most ${MAX_TRANSMISSION_AGE_SECONDS / 3600})`,
    );
  if (ageSeconds < -MAX_TRANSMISSION_SKEW_SECONDS)
    throw new WebhookVerificationError('PayPal webhook transmitted in the future');

  // PayPal verifies the event as it sent it: the parsed raw body, not a re-built object.
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    throw new WebhookVerificationError('PayPal webhook body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new WebhookVerificationError('PayPal webhook body is not a JSON object');

  const client = createPaypalClient(credentials, runtime);
  const response = await client.call({
    method: 'POST',
    path: '/v1/notifications/verify-webhook-signature',
    body: { ...transmission, webhook_id: credentials.webhook_id, webhook_event: body },
    key: `webhook ${transmission.transmission_id}`,
  });
  const answer = verification.safeParse(response.body);
  if (response.status !== 200 || !answer.success)
    throw new WebhookVerificationError(
      `PayPal refused to verify the webhook (${response.status} ${readError(response.body).name ?? ''})`.trim(),
    );
  if (answer.data.verification_status !== 'SUCCESS')
    throw new WebhookVerificationError(
      `PayPal says the webhook's signature is ${answer.data.verification_status}`,
    );

  const event = webhookEvent.safeParse(body);
  if (!event.success)
    throw new WebhookVerificationError('PayPal webhook without an event id, type or resource');
  return readEvent(event.data, client, (runtime.now ?? Date.now)());
}

/** One event per payout item (PayPal sends one item per event); nothing for events about other things. */
async function readEvent(
  event: z.infer<typeof webhookEvent>,
  client: PaypalClient,
  now: number,
): Promise<ProviderWebhookEvent[]> {
  const key = `webhook event ${event.id}`;
  if (event.event_type.startsWith('PAYMENT.PAYOUTS-ITEM.')) {
    const item = payoutItem.safeParse(event.resource);
    if (!item.success) return [];
    const batchId = item.data.payout_batch_id ?? null;
    const suffix = event.event_type.slice('PAYMENT.PAYOUTS-ITEM.'.length);
    const status = item.data.transaction_status ?? STATUS_BY_EVENT[suffix] ?? 'PENDING';
    let report = itemReport(item.data, status);
    // PayPal's item webhooks carry no error object: the reason is read from the item itself.
    if (needsReason(status) && !report.errorName && item.data.payout_item_id) {
      const current = await fetchItem(client, item.data.payout_item_id, key);
      const errors = current ? itemReport(current) : undefined;
      if (errors?.errorName)
        report = { ...report, errorName: errors.errorName, errorMessage: errors.errorMessage };
    }
    const outcome = batchId ? itemOutcome(report, batchId, now) : null;
    return [
      {
        eventId: event.id,
        type: event.event_type,
        payoutId: item.data.payout_item?.sender_item_id ?? item.data.sender_batch_id ?? null,
        providerReference: batchId,
        // UNCLAIMED, ONHOLD, PENDING change nothing: the payout stays processing until PayPal decides.
        outcome: outcome && outcome.status !== 'pending' ? outcome : null,
      },
    ];
  }
  if (event.event_type.startsWith('PAYMENT.PAYOUTSBATCH.')) {
    const batch = batchResource.safeParse(event.resource);
    if (!batch.success) return [];
    const header = batch.data.batch_header;
    const payoutId = header.sender_batch_header?.sender_batch_id ?? null;
    let outcome: TransferOutcome | null = null;
    // A denied batch (PayPal refused all of it) may come without item events: read what it says.
    if (header.batch_status === 'DENIED' && payoutId) {
      const current = await fetchBatch(client, header.payout_batch_id, key);
      const read = current ? batchOutcome(current, payoutId, now) : undefined;
      outcome = read && read.status !== 'pending' ? read : null;
    }
    return [
      {
        eventId: event.id,
        type: event.event_type,
        payoutId,
        providerReference: header.payout_batch_id,
        outcome,
      },
    ];
  }
  return [];
}
