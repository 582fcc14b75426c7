import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventStore } from '../../ports/event-store.js';
import { putAll } from './batch-write.js';
import { keys } from './keys.js';
import { eventMapper } from './mappers/event.js';
import { queryNewestFirst, shardPartitions } from './newest-first.js';

const toEvent = eventMapper.fromItem;

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
      await putAll(client, table, events.map(eventMapper.toItem));
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
