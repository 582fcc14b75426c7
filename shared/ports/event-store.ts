import type { EventType, InternalEventType } from '../domain/events.js';
import type { Page } from './payout-repository.js';

/** An event as the API shows it (`GET /v1/events`) and as EventBridge carries it (plus `tenant_id`). */
export interface EventResource {
  id: string;
  object: 'event';
  type: EventType | InternalEventType;
  created_at: string;
  /** A payout (with its `version`), or a webhook endpoint for `webhook_endpoint.*` events. */
  data: { object: Record<string, unknown> & { id: string } };
}

export interface StoredEvent {
  id: string;
  tenantId: string;
  type: EventType | InternalEventType;
  createdAt: string;
  resource: EventResource;
}

/** The events feed. Writes are idempotent: an event id always carries the same content. */
export interface EventStore {
  saveAll(events: readonly StoredEvent[]): Promise<void>;
  get(tenantId: string, eventId: string): Promise<StoredEvent | undefined>;
  list(
    tenantId: string,
    filter: { type?: EventType; createdGte?: string; limit: number; startingAfter?: string },
  ): Promise<Page<StoredEvent>>;
}

/** Where committed events go next (EventBridge). At least once: consumers dedupe by event id. */
export interface EventPublisher {
  publish(events: readonly StoredEvent[]): Promise<void>;
}
