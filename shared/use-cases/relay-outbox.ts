import { type EventType, eventIdFor, eventTypesForChange } from '../domain/events.js';
import type { Payout } from '../domain/payout.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import type { EventPublisher, EventResource, EventStore, StoredEvent } from '../ports/event-store.js';
import { toPayoutResource } from '../schemas/payouts.js';
import { toEndpointResource } from '../schemas/webhooks.js';

/** One committed payout write, as the table's stream reports it. */
export interface PayoutChange {
  before: Payout | undefined;
  after: Payout;
}

/** One committed webhook endpoint write. */
export interface EndpointChange {
  kind: 'webhook_endpoint';
  before: WebhookEndpoint | undefined;
  after: WebhookEndpoint;
}

/** The event `type` caused by version `version` of an object (a payout or an endpoint). */
function storedEvent(
  subject: { id: string; tenantId: string; version: number; updatedAt: string },
  type: EventType,
  object: EventResource['data']['object'],
): StoredEvent {
  const id = eventIdFor(subject.id, subject.version, type);
  return {
    id,
    tenantId: subject.tenantId,
    type,
    createdAt: subject.updatedAt,
    resource: { id, object: 'event', type, created_at: subject.updatedAt, data: { object } },
  };
}

/** An endpoint the platform disabled (410, or 5 days of failures) causes an event the portal shows. */
function endpointEvents({ before, after }: EndpointChange): StoredEvent[] {
  if (before?.status !== 'enabled' || after.status !== 'disabled') return [];
  return [storedEvent(after, 'webhook_endpoint.disabled', toEndpointResource(after))];
}

/** The events a batch of committed changes causes, with ids stable across redeliveries. */
export function eventsForChanges(changes: readonly (PayoutChange | EndpointChange)[]): StoredEvent[] {
  return changes.flatMap((change) => {
    if ('kind' in change) return endpointEvents(change);
    const { before, after } = change;
    return eventTypesForChange(before, after).map((type) =>
      storedEvent(after, type, toPayoutResource(after)),
    );
  });
}

/**
 * The outbox relay: every committed payout change becomes events, first in the events feed, then on
 * the bus. Both steps are idempotent, so the stream may deliver a batch again (a retry, a relay killed
 * mid-batch) and nothing is lost or changed; consumers see a duplicate with the same event id.
 *
 *   stream batch ─► feed items (BatchWrite, same ids) ─► PutEvents ─► checkpoint advances
 *        ▲ crash anywhere before the checkpoint: the batch is delivered again ─┘
 */
export function relayOutboxUseCase(deps: { events: EventStore; publisher: EventPublisher }) {
  return async function relay(changes: readonly (PayoutChange | EndpointChange)[]): Promise<StoredEvent[]> {
    const events = eventsForChanges(changes);
    if (events.length === 0) return events;
    await deps.events.saveAll(events);
    await deps.publisher.publish(events);
    return events;
  };
}
