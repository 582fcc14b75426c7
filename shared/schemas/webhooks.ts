import * as z from 'zod';
import { EVENT_TYPES } from '../domain/events.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import type { DeliveryAttempt } from '../ports/webhook-store.js';
import { listOf, timestamp } from './common.js';

const enabledEvents = z
  .array(z.enum(['*', ...EVENT_TYPES]))
  .min(1, 'lists at least one event type, or "*"')
  .max(EVENT_TYPES.length + 1);

export const createWebhookEndpointBody = z
  .strictObject({
    url: z.string().min(1).max(2048),
    enabled_events: enabledEvents,
    description: z.string().max(500).nullable().optional(),
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });

export const updateWebhookEndpointBody = z
  .strictObject({
    url: z.string().min(1).max(2048).optional(),
    enabled_events: enabledEvents.optional(),
    description: z.string().max(500).nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .meta({ id: 'UpdateWebhookEndpointRequest' });

export const recoverBody = z.strictObject({ since: timestamp }).meta({ id: 'RecoverDeliveriesRequest' });

export const webhookEndpointResource = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string().nullable(),
    enabled_events: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    secret: z.string().optional().meta({ description: 'Only in the response that created the endpoint.' }),
  })
  .meta({ id: 'WebhookEndpoint' });

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
    status_code: z.int().nullable(),
    latency_ms: z.int(),
    succeeded: z.boolean(),
    error: z.string().nullable(),
    response_excerpt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDeliveryAttempt' });

export const deliveryAttemptList = listOf(deliveryAttemptResource, 'WebhookDeliveryAttemptList');

export const listAttemptsQuery = z.strictObject({
  limit: z.coerce.number().int('must be an integer').min(1).max(100).default(20),
  starting_after: z.string().max(100).optional(),
});

export const endpointIdParams = z.strictObject({ id: z.string().min(1).max(64) });

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
