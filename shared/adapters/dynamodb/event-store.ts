import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventStore, StoredEvent } from '../../ports/event-store.js';
import { keys } from './keys.js';
import { listingKey, queryNewestFirst, shardedPartition, shardPartitions } from './newest-first.js';

/** BatchWriteItem takes 25 items per call. */
const BATCH = 25;
const MAX_ROUNDS = 8;

function toEvent(item: Record<string, unknown>): StoredEvent {
  return {
    id: item.id as string,
    tenantId: item.tenantId as string,
    type: item.type as StoredEvent['type'],
    createdAt: item.createdAt as string,
    resource: item.resource as StoredEvent['resource'],
  };
}

export function createDynamoEventStore(deps: { client: DynamoDBDocumentClient; table: string }): EventStore {
  const { client, table } = deps;

  async function get(tenantId: string, eventId: string) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.event(tenantId, eventId), ConsistentRead: true }),
    );
    return Item ? toEvent(Item) : undefined;
  }

  return {
    get,

    async saveAll(events) {
      // Unconditional puts are safe: an event id is derived from (payout, version, type), so a
      // rewrite carries exactly the same content.
      for (let offset = 0; offset < events.length; offset += BATCH) {
        let requests = events.slice(offset, offset + BATCH).map((event) => ({
          PutRequest: {
            Item: {
              ...keys.event(event.tenantId, event.id),
              gsi1pk: shardedPartition(keys.eventsOfTenant(event.tenantId), event.id),
              gsi1sk: listingKey(event),
              entity: 'event',
              ...event,
            },
          },
        }));
        for (let round = 0; requests.length > 0; round++) {
          if (round === MAX_ROUNDS)
            throw new Error(`${requests.length} events still unprocessed after ${MAX_ROUNDS} rounds`);
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
          const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      }
    },

    list(tenantId, filter) {
      return queryNewestFirst({
        client,
        table,
        partition: shardPartitions(keys.eventsOfTenant(tenantId)),
        createdGte: filter.createdGte,
        startingAfter: filter.startingAfter,
        findCursor: (id) => get(tenantId, id),
        equals: { type: filter.type },
        limit: filter.limit,
        toItem: toEvent,
      });
    },
  };
}
