import { EVENT_ID_PATTERN, EVENT_TYPES } from '../domain/events.js';
import * as z from '../zod.js';
import { listOf, timestamp } from './common.js';
import { payoutResource } from './payouts.js';
import { webhookEndpointResource } from './webhooks.js';

export const eventResource = z
  .object({
    id: z.string().check(z.meta({ example: 'evt_4W3K9Q0C8D6M2R7T1V5X9Z3B6N' })),
    object: z.literal('event'),
    type: z.enum(EVENT_TYPES),
    created_at: timestamp,
    data: z.object({ object: z.union([payoutResource, webhookEndpointResource]) }),
  })
  .check(
    z.meta({
      id: 'Event',
      description: 'One change of a payout. The id is stable: the same change always has the same event id.',
    }),
  );

export const eventList = listOf(eventResource, 'EventList');

export const listEventsQuery = z.strictObject({
  type: z.optional(z.enum(EVENT_TYPES)),
  created_gte: z.optional(timestamp),
  limit: z._default(z.coerce.number().check(z.int('must be an integer'), z.gte(1), z.lte(100)), 20),
  starting_after: z.optional(
    z.string().check(z.regex(EVENT_ID_PATTERN, 'must be an event id (next_cursor)')),
  ),
});
export type ListEventsQuery = z.output<typeof listEventsQuery>;

export const eventIdParams = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
