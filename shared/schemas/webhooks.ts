import { EVENT_TYPES } from '../domain/events.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import type { DeliveryAttempt } from '../ports/webhook-store.js';
import * as z from '../zod.js';
import { listOf, timestamp } from './common.js';

const enabledEvents = z
  .array(z.enum(['*', ...EVENT_TYPES]))
  .check(z.minLength(1, 'lists at least one event type, or "*"'), z.maxLength(EVENT_TYPES.length + 1));

export const createWebhookEndpointBody = z
  .strictObject({
    url: z.string().check(z.minLength(1), z.maxLength(2048)),
    enabled_events: enabledEvents,
    description: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
  })
  .check(z.meta({ id: 'CreateWebhookEndpointRequest' }));

export const updateWebhookEndpointBody = z
  .strictObject({
    url: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    enabled_events: z.optional(enabledEvents),
    description: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
    status: z.optional(z.enum(['enabled', 'disabled'])),
  })
  .check(z.meta({ id: 'UpdateWebhookEndpointRequest' }));

export const recoverBody = z
  .strictObject({ since: timestamp })
  .check(z.meta({ id: 'RecoverDeliveriesRequest' }));

export const webhookEndpointResource = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.nullable(z.string()),
    enabled_events: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.nullable(z.string()),
    created_at: timestamp,
    updated_at: timestamp,
    secret: z
      .optional(z.string())
      .check(z.meta({ description: 'Only in the response that created the endpoint.' })),
  })
  .check(z.meta({ id: 'WebhookEndpoint' }));

export const webhookEndpointList = listOf(webhookEndpointResource, 'WebhookEndpointList');

export const deliveryAttemptResource = z
  .object({
    id: z.string(),
    object: z.literal('webhook_delivery_attempt'),
    delivery_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    attempt: z.int(),
    attempted_at: timestamp,
    status_code: z.nullable(z.int()),
    latency_ms: z.int(),
    succeeded: z.boolean(),
    error: z.nullable(z.string()),
    response_excerpt: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'WebhookDeliveryAttempt' }));

export const deliveryAttemptList = listOf(deliveryAttemptResource, 'WebhookDeliveryAttemptList');

export const listAttemptsQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int('must be an integer'), z.gte(1), z.lte(100)), 20),
  starting_after: z.optional(z.string().check(z.maxLength(100))),
});

export const endpointIdParams = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export function toEndpointResource(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    object: 'webhook_endpoint' as const,
    url: endpoint.url,
    description: endpoint.description,
    enabled_events: endpoint.enabledEvents,
    status: endpoint.status,
    disabled_reason: endpoint.disabledReason,
    created_at: endpoint.createdAt,
    updated_at: endpoint.updatedAt,
  };
}

export function toAttemptResource(attempt: DeliveryAttempt) {
  return {
    id: attempt.id,
    object: 'webhook_delivery_attempt' as const,
    delivery_id: attempt.deliveryId,
    event_id: attempt.eventId,
    event_type: attempt.eventType,
    attempt: attempt.attempt,
    attempted_at: attempt.attemptedAt,
    status_code: attempt.statusCode,
    latency_ms: attempt.latencyMs,
    succeeded: attempt.succeeded,
    error: attempt.error,
    response_excerpt: attempt.responseExcerpt,
  };
}
