import { SQSClient } from '@aws-sdk/client-sqs';
import type { EventPublisher } from '../ports/event-store.js';
import { sendInBatches } from './sqs-batch.js';

/**
 * Offers events to the webhook fan-out queue directly (D80): one message per event, in the shape an
 * EventBridge rule target delivers (`source`, `detail-type`, `detail` with the event id and tenant),
 * so the fan-out reads one format whichever way an event came. Only ids travel: the fan-out reads
 * the event from the tenant's feed. A partly failed batch throws: the relay's batch is retried, and
 * the fan-out dedupes by event id.
 */
export function createSqsFanOutPublisher(deps: {
  queueUrl: string;
  source: string;
  client?: SQSClient;
}): EventPublisher {
  const client = deps.client ?? new SQSClient({});
  return {
    publish: (events) =>
      sendInBatches(
        client,
        deps.queueUrl,
        events.map((event) => ({
          source: deps.source,
          'detail-type': event.type,
          time: event.createdAt,
          detail: { id: event.id, tenant_id: event.tenantId },
        })),
        'events for the webhook fan-out',
      ),
  };
}

/**
 * Where the relay's events go (D80): those offered to webhooks to the fan-out queue, those a bus
 * rule routes to the bus — or every event to the bus when the operator keeps rules of their own
 * on it (`busEvents=all`). The bus first, then the queue: while the bus is down the relay's batch
 * fails before it offers anything to webhooks, so its retries (ten, then the stream DLQ) do not
 * hand the fan-out the same events again each time. Either failing fails the publish; both
 * consumers dedupe by event id.
 */
export function routedPublisher(deps: {
  bus: EventPublisher;
  fanOut: EventPublisher;
  offeredToWebhooks: (type: string) => boolean;
  routedOnBus: (type: string) => boolean;
  busEvents: 'routed' | 'all';
}): EventPublisher {
  return {
    async publish(events) {
      const toBus =
        deps.busEvents === 'all' ? events : events.filter((event) => deps.routedOnBus(event.type));
      const toWebhooks = events.filter((event) => deps.offeredToWebhooks(event.type));
      if (toBus.length > 0) await deps.bus.publish(toBus);
      if (toWebhooks.length > 0) await deps.fanOut.publish(toWebhooks);
    },
  };
}
