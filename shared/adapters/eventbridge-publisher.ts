import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../ports/event-store.js';

/** PutEvents takes 10 entries per call. */
const BATCH = 10;

/**
 * Publishes events to the platform's bus: `source` is the platform, `detail-type` the event type,
 * `detail` the event as the API shows it plus `tenant_id` (consumers never trust a tenant from
 * anywhere else). A partly failed call throws, so the whole batch is retried: consumers dedupe by id.
 */
export function createEventBridgePublisher(deps: {
  client?: EventBridgeClient;
  busName: string;
  source: string;
}): EventPublisher {
  const client = deps.client ?? new EventBridgeClient({});
  return {
    async publish(events) {
      for (let offset = 0; offset < events.length; offset += BATCH) {
        const batch = events.slice(offset, offset + BATCH);
        const result = await client.send(
          new PutEventsCommand({
            Entries: batch.map((event) => ({
              EventBusName: deps.busName,
              Source: deps.source,
              DetailType: event.type,
              Time: new Date(event.createdAt),
              Detail: JSON.stringify({ ...event.resource, tenant_id: event.tenantId }),
            })),
          }),
        );
        if ((result.FailedEntryCount ?? 0) > 0) {
          const reasons = (result.Entries ?? [])
            .filter((entry) => entry.ErrorCode)
            .map((entry) => entry.ErrorCode);
          throw new Error(
            `EventBridge refused ${result.FailedEntryCount} of ${batch.length} events: ${reasons.join(', ')}`,
          );
        }
      }
    },
  };
}
