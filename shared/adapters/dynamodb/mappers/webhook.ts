import * as z from 'zod';
import type { WebhookEndpoint } from '../../../domain/webhooks.js';
import type { Delivery, DeliveryAttempt } from '../../../ports/webhook-store.js';
import { keys } from '../keys.js';
import { listingKey, shardedPartition } from '../newest-first.js';
import { actionStampSchema } from './actors.js';
import { count, flag, maybeCount, maybeText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

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
  lastAction: actionStampSchema.optional(),
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

/** One attempt of a delivery, in the delivery's partition and in its endpoint's attempt log (gsi1). */
export const deliveryAttemptMapper = {
  entity: 'webhook_attempt',
  toItem: (attempt: DeliveryAttempt) => ({
    ...keys.attempt(attempt.tenantId, attempt.deliveryId, attempt.attempt),
    gsi1pk: shardedPartition(keys.attemptsOfEndpoint(attempt.tenantId, attempt.endpointId), attempt.id),
    gsi1sk: `${attempt.attemptedAt}#${attempt.id}`,
    entity: 'webhook_attempt',
    fmt: ITEM_FORMAT,
    ...attempt,
  }),
  fromItem: (raw: Record<string, unknown>): DeliveryAttempt =>
    parseStored('webhook_attempt', attemptSchema, raw),
} satisfies ItemMapper<DeliveryAttempt>;
