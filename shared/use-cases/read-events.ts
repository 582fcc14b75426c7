import { NotFoundError } from '../domain/errors.js';
import type { EventResource, EventStore } from '../ports/event-store.js';
import type { ListEventsQuery } from '../schemas/events.js';

export function getEventUseCase(deps: { events: EventStore }) {
  return async function getEvent(tenantId: string, eventId: string): Promise<EventResource> {
    const event = await deps.events.get(tenantId, eventId);
    if (!event) throw new NotFoundError('event', eventId);
    return event.resource;
  };
}

export function listEventsUseCase(deps: { events: EventStore }) {
  return async function listEvents(tenantId: string, query: ListEventsQuery) {
    const page = await deps.events.list(tenantId, {
      type: query.type,
      createdGte: query.created_gte,
      limit: query.limit,
      startingAfter: query.starting_after,
    });
    const data = page.items.map((event) => event.resource);
    return {
      object: 'list' as const,
      data,
      has_more: page.hasMore,
      next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null,
    };
  };
}
