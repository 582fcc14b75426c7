import { ConcurrentModificationError, RetryLaterError } from '../domain/errors.js';
import {
  attemptIdFor,
  deliveryIdFor,
  FAILURE_DISABLE_MS,
  liveSecrets,
  nextRetryDelay,
  signedHeaders,
  type WebhookEndpoint,
  wantsEvent,
} from '../domain/webhooks.js';
import type { EventStore } from '../ports/event-store.js';
import type { SecretSealer } from '../ports/secret-sealer.js';
import type {
  Delivery,
  DeliveryMessage,
  DeliveryQueue,
  WebhookSender,
  WebhookStore,
} from '../ports/webhook-store.js';

/** The bus carried an event the feed does not have: forged, or another tenant's id under this one. */
export class UnknownEventError extends Error {
  constructor(tenantId: string, eventId: string) {
    super(`Event ${eventId} of tenant ${tenantId} is not in the feed: refused (forged or unknown)`);
    this.name = 'UnknownEventError';
  }
}

/**
 * Fan-out: one queue message per endpoint that wants the event, each naming its delivery id. The
 * bus's copy is not trusted: the event is read from the tenant's feed by id (the relay writes the
 * feed before it publishes), and what the feed holds is what is delivered. An event the feed does
 * not hold is refused, whatever the bus said.
 */
export function fanOutWebhooksUseCase(deps: {
  webhooks: WebhookStore;
  queue: DeliveryQueue;
  events: Pick<EventStore, 'get'>;
}) {
  return async function fanOut(tenantId: string, eventId: string): Promise<number> {
    const stored = await deps.events.get(tenantId, eventId);
    if (!stored) throw new UnknownEventError(tenantId, eventId);
    const event = stored.resource;
    const endpoints = (await deps.webhooks.listEndpoints(tenantId)).filter((endpoint) =>
      wantsEvent(endpoint, event.type),
    );
    await deps.queue.enqueue(
      endpoints.map((endpoint) => ({
        tenant_id: tenantId,
        delivery_id: deliveryIdFor(event.id, endpoint.id),
        endpoint_id: endpoint.id,
        event,
      })),
    );
    return endpoints.length;
  };
}

export type DeliveryResult = 'succeeded' | 'failed' | 'skipped' | 'dropped';

/**
 * One delivery attempt. Each attempt is recorded (with the delivery's new state, in one
 * transaction conditioned on the attempt count, so two copies of a message cannot both record
 * attempt n). Failures are retried on the schedule by throwing RetryLaterError; 410 Gone and five
 * days of continuous failure disable the endpoint; an exhausted delivery stays `failed`, recoverable.
 */
export function deliverWebhookUseCase(deps: {
  events: Pick<EventStore, 'get'>;
  webhooks: WebhookStore;
  sender: WebhookSender;
  schedule: number[];
  /** Opens the stored (sealed) signing secrets. */
  sealer: Pick<SecretSealer, 'open'>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function markEndpoint(endpoint: WebhookEndpoint, succeeded: boolean, gone: boolean, at: number) {
    const iso = new Date(at).toISOString();
    const failingSince = succeeded ? null : (endpoint.failingSince ?? iso);
    const tooLong = failingSince !== null && at - Date.parse(failingSince) >= FAILURE_DISABLE_MS;
    const disable = gone || tooLong;
    if (failingSince === endpoint.failingSince && !disable) return;
    const next: WebhookEndpoint = {
      ...endpoint,
      failingSince,
      ...(disable
        ? {
            status: 'disabled' as const,
            disabledReason: gone ? 'the endpoint answered 410 Gone' : 'failing for 5 days',
          }
        : {}),
      updatedAt: iso,
      version: endpoint.version + 1,
    };
    try {
      await deps.webhooks.saveEndpoint({ current: endpoint, next });
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error; // another delivery updated it: fine
    }
  }

  return async function deliver(message: DeliveryMessage): Promise<DeliveryResult> {
    const endpoint = await deps.webhooks.getEndpoint(message.tenant_id, message.endpoint_id);
    if (!endpoint) return 'dropped'; // deleted since the fan-out
    const stored = await deps.webhooks.getDelivery(message.tenant_id, message.delivery_id);
    // The first attempt writes nothing before it sends: the delivery and the attempt's outcome are
    // written together afterwards (a duplicate message that also sent loses that write).
    let current: Delivery | undefined = stored;
    let delivery: Delivery;
    if (stored) delivery = stored;
    else {
      if (!message.event) return 'dropped';
      const at = new Date(now()).toISOString();
      delivery = {
        id: message.delivery_id,
        tenantId: message.tenant_id,
        endpointId: endpoint.id,
        eventId: message.event.id,
        eventType: message.event.type,
        status: 'pending',
        attempts: 0,
        cycleStart: 0,
        failureReason: null,
        createdAt: at,
        updatedAt: at,
      };
    }
    if (delivery.status === 'succeeded') return 'skipped';
    if (delivery.status === 'failed') {
      if (!message.recover) return 'skipped';
      const restarted: Delivery = {
        ...delivery,
        status: 'pending',
        cycleStart: delivery.attempts,
        failureReason: null,
      };
      await deps.webhooks.saveDelivery({ current: delivery, next: restarted });
      delivery = restarted;
      current = restarted;
    }
    if (endpoint.status === 'disabled') {
      await deps.webhooks.saveDelivery({
        current,
        next: {
          ...delivery,
          status: 'failed',
          failureReason: 'endpoint disabled',
          updatedAt: new Date(now()).toISOString(),
        },
      });
      return 'failed';
    }

    // The event is in the message (fan-out, its retries); a recovery reads it from the feed.
    const event = message.event ?? (await deps.events.get(delivery.tenantId, delivery.eventId))?.resource;
    if (!event) return 'dropped';
    const started = now();
    const body = JSON.stringify(event);
    const headers = signedHeaders({
      eventId: delivery.eventId,
      body,
      secrets: await Promise.all(
        liveSecrets(endpoint, started).map((sealed) =>
          deps.sealer.open(sealed, { tenant_id: endpoint.tenantId, endpoint_id: endpoint.id }),
        ),
      ),
      now: started,
    });
    const result = await deps.sender.send({ url: endpoint.url, headers, body });
    const at = new Date(now()).toISOString();
    const attempt = delivery.attempts + 1;
    const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const gone = result.statusCode === 410;
    const delay =
      succeeded || gone
        ? undefined
        : nextRetryDelay({
            schedule: deps.schedule,
            attempt: attempt - delivery.cycleStart,
            throttledOrTimedOut: result.timedOut || result.statusCode === 429,
            retryAfterSeconds: result.retryAfterSeconds,
          });
    const status: Delivery['status'] = succeeded ? 'succeeded' : delay === undefined ? 'failed' : 'pending';
    const failure = result.error ?? (succeeded ? null : `HTTP ${result.statusCode}`);
    try {
      await deps.webhooks.saveDelivery({
        current,
        next: {
          ...delivery,
          attempts: attempt,
          status,
          failureReason: status === 'failed' ? failure : null,
          updatedAt: at,
        },
        attempt: {
          id: attemptIdFor(delivery.id, attempt),
          tenantId: delivery.tenantId,
          deliveryId: delivery.id,
          endpointId: endpoint.id,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          attempt,
          attemptedAt: at,
          statusCode: result.statusCode,
          latencyMs: result.latencyMs,
          error: result.error,
          responseExcerpt: result.responseExcerpt,
          succeeded,
        },
      });
    } catch (error) {
      if (error instanceof ConcurrentModificationError) return 'skipped'; // a duplicate message recorded it
      throw error;
    }
    await markEndpoint(endpoint, succeeded, gone, now());
    if (status === 'pending') throw new RetryLaterError(delay as number, failure ?? 'failed');
    return status;
  };
}
