import { EVENT_TYPES } from '../../../domain/catalog.js';
import { INTERNAL_EVENT_TYPES } from '../../../domain/events.js';
import type { StoredEvent } from '../../../ports/event-store.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey, shardedPartition } from '../newest-first.js';
import { text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const eventType = z.enum([...EVENT_TYPES, ...INTERNAL_EVENT_TYPES]);

const eventSchema = z.object({
  id: text,
  tenantId: text,
  type: eventType,
  createdAt: text,
  resource: z.object({
    id: text,
    object: z.literal('event'),
    type: eventType,
    created_at: text,
    // The API resource of the object the event is about (a payout, an endpoint), kept whole.
    data: z.object({ object: z.looseObject({ id: text }) }),
  }),
});
true satisfies Exactly<z.output<typeof eventSchema>, StoredEvent>;

/** An event of the feed, listed per tenant newest first on gsi1 (8 shards). */
export const eventMapper = {
  entity: 'event',
  toItem: (event: StoredEvent) => ({
    ...keys.event(event.tenantId, event.id),
    gsi1pk: shardedPartition(keys.eventsOfTenant(event.tenantId), event.id),
    gsi1sk: listingKey(event),
    entity: 'event',
    fmt: ITEM_FORMAT,
    ...event,
  }),
  fromItem: (raw: Record<string, unknown>): StoredEvent => parseStored('event', eventSchema, raw),
} satisfies ItemMapper<StoredEvent>;
