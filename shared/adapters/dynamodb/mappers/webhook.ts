import { attemptIdFor } from '../../../domain/delivery-ids.js';
import type { WebhookEndpoint } from '../../../domain/webhooks.js';
import type { Delivery, DeliveryAttempt } from '../../../ports/webhook-store.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey, shardedPartition } from '../newest-first.js';
import { actionStampSchema } from './actors.js';
import { count, flag, maybeCount, maybeText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored, StoredItemError } from './stored-item.js';

const endpointSchema = z.object({
  id: text,
  tenantId: text,
  url: text,
  description: maybeText,
  enabledEvents: z.array(text),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: maybeText,
  secrets: z.array(z.object({ secret: text, createdAt: text, expiresAt: maybeText })),
  failingSince: maybeText,
  createdAt: text,
  updatedAt: text,
  lastAction: z.optional(actionStampSchema),
  version: count,
});
true satisfies Exactly<z.output<typeof endpointSchema>, WebhookEndpoint>;

/** A webhook endpoint, listed per tenant on gsi1 (the fan-out reads them all). */
export const webhookEndpointMapper = {
  entity: 'webhook_endpoint',
  toItem: (endpoint: WebhookEndpoint) => ({
    ...keys.webhookEndpoint(endpoint.tenantId, endpoint.id),
    gsi1pk: keys.webhookEndpointsOfTenant(endpoint.tenantId),
    gsi1sk: listingKey(endpoint),
    entity: 'webhook_endpoint',
    fmt: ITEM_FORMAT,
    ...endpoint,
  }),
  fromItem: (raw: Record<string, unknown>): WebhookEndpoint =>
    parseStored('webhook_endpoint', endpointSchema, raw),
} satisfies ItemMapper<WebhookEndpoint>;

const deliverySchema = z.object({
  id: text,
  tenantId: text,
  endpointId: text,
  eventId: text,
  eventType: text,
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: count,
  cycleStart: count,
  failureReason: maybeText,
  createdAt: text,
  updatedAt: text,
});
true satisfies Exactly<z.output<typeof deliverySchema>, Delivery>;

/**
 * A delivery of one event to one endpoint. Only failed deliveries are indexed (a sparse index: what a
 * recovery lists); most succeed on their first attempt and never write the index.
 */
export const deliveryMapper = {
  entity: 'webhook_delivery',
  toItem: (delivery: Delivery) => ({
    ...keys.delivery(delivery.tenantId, delivery.id),
    ...(delivery.status === 'failed'
      ? {
          gsi1pk: shardedPartition(
            keys.deliveriesOfEndpoint(delivery.tenantId, delivery.endpointId),
            delivery.id,
          ),
          gsi1sk: listingKey(delivery),
        }
      : {}),
    entity: 'webhook_delivery',
    fmt: ITEM_FORMAT,
    ...delivery,
  }),
  fromItem: (raw: Record<string, unknown>): Delivery => parseStored('webhook_delivery', deliverySchema, raw),
} satisfies ItemMapper<Delivery>;

const attemptSchema = z.object({
  id: text,
  tenantId: text,
  deliveryId: text,
  endpointId: text,
  eventId: text,
  eventType: text,
  attempt: count,
  attemptedAt: text,
  statusCode: maybeCount,
  latencyMs: count,
  error: maybeText,
  responseExcerpt: maybeText,
  succeeded: flag,
});
true satisfies Exactly<z.output<typeof attemptSchema>, DeliveryAttempt>;

/** An attempt's place in its endpoint's attempt log (gsi1, sharded, newest first). */
function attemptLogKeys(attempt: DeliveryAttempt) {
  return {
    gsi1pk: shardedPartition(keys.attemptsOfEndpoint(attempt.tenantId, attempt.endpointId), attempt.id),
    gsi1sk: `${attempt.attemptedAt}#${attempt.id}`,
  };
}

/** One attempt of a delivery, in the delivery's partition and in its endpoint's attempt log (gsi1). */
export const deliveryAttemptMapper = {
  entity: 'webhook_attempt',
  toItem: (attempt: DeliveryAttempt) => ({
    ...keys.attempt(attempt.tenantId, attempt.deliveryId, attempt.attempt),
    ...attemptLogKeys(attempt),
    entity: 'webhook_attempt',
    fmt: ITEM_FORMAT,
    ...attempt,
  }),
  fromItem: (raw: Record<string, unknown>): DeliveryAttempt =>
    parseStored('webhook_attempt', attemptSchema, raw),
} satisfies ItemMapper<DeliveryAttempt>;

/** What a delivery item holds of its first attempt (D83): the attempt's own fields, not the delivery's. */
const heldAttemptSchema = z.pick(attemptSchema, {
  attemptedAt: true,
  statusCode: true,
  latencyMs: true,
  error: true,
  responseExcerpt: true,
  succeeded: true,
});

/**
 * A delivery that succeeded at its first attempt, as one item (D83): the delivery, holding what is
 * the attempt's own (`firstAttempt`: when, the answer, the latency), in the endpoint's attempt log
 * (gsi1) where the attempt's item would be. Most deliveries are these: one item and one index entry
 * instead of two items and an entry, and never more units than those (the item is the delivery plus
 * ~150 bytes and the response excerpt, which the attempt item carried too). A succeeded delivery is
 * final (the store refuses to write it again), so the entry never moves; the failed-deliveries index
 * (gsi1, only while failed) is not this delivery's.
 */
export function succeededAtFirstAttemptItem(delivery: Delivery, attempt: DeliveryAttempt) {
  if (
    delivery.status !== 'succeeded' ||
    attempt.attempt !== 1 ||
    !attempt.succeeded ||
    attempt.deliveryId !== delivery.id ||
    attempt.id !== attemptIdFor(delivery.id, 1)
  )
    throw new Error(`Only a delivery that succeeded at its first attempt is one item (${delivery.id})`);
  const { attemptedAt, statusCode, latencyMs, error, responseExcerpt, succeeded } = attempt;
  return {
    ...deliveryMapper.toItem(delivery),
    ...attemptLogKeys(attempt),
    firstAttempt: { attemptedAt, statusCode, latencyMs, error, responseExcerpt, succeeded },
  };
}

const holdingSchema = z.extend(deliverySchema, { firstAttempt: z.optional(heldAttemptSchema) });

/** The first attempt a delivery item holds (D83), if it holds one. */
export function firstAttemptOf(raw: Record<string, unknown>): DeliveryAttempt | undefined {
  const { firstAttempt, ...delivery } = parseStored('webhook_delivery', holdingSchema, raw);
  return (
    firstAttempt && {
      id: attemptIdFor(delivery.id, 1),
      tenantId: delivery.tenantId,
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      attempt: 1,
      ...firstAttempt,
    }
  );
}

/**
 * The endpoint's attempt log (gsi1) as stored: attempt items, and deliveries that hold their first
 * attempt (D83), each read as the attempt it records.
 */
export function attemptOfLogItem(raw: Record<string, unknown>): DeliveryAttempt {
  if (raw.entity !== deliveryMapper.entity) return deliveryAttemptMapper.fromItem(raw);
  const attempt = firstAttemptOf(raw);
  if (!attempt)
    throw new StoredItemError(
      deliveryMapper.entity,
      raw,
      ['firstAttempt'],
      'firstAttempt: missing in the attempt log',
    );
  return attempt;
}
