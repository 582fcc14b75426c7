import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { WebhookStore } from '../../ports/webhook-store.js';
import { auditItem } from './audit-log.js';
import { putIfUnchanged } from './conditional-put.js';
import { GSI1, keys } from './keys.js';
import {
  attemptOfLogItem,
  deliveryAttemptMapper,
  deliveryMapper,
  firstAttemptOf,
  succeededAtFirstAttemptItem,
  webhookEndpointMapper,
} from './mappers/webhook.js';
import { queryNewestFirst, queryWholePartition, shardPartitions } from './newest-first.js';

function parseAttemptId(id: string): { deliveryId: string; attempt: number } | undefined {
  const match = /^att_([0-9A-Z]{26})_(\d{1,4})$/.exec(id);
  return match ? { deliveryId: `dlv_${match[1]}`, attempt: Number(match[2]) } : undefined;
}

export function createDynamoWebhookStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): WebhookStore {
  const { client, table } = deps;

  /** The item at `key` as `read` makes it (a mapper's `fromItem`), or undefined. */
  async function getItem<T>(
    key: { pk: string; sk: string },
    read: (raw: Record<string, unknown>) => T | undefined,
  ): Promise<T | undefined> {
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item ? read(Item) : undefined;
  }

  return {
    async createEndpoint(endpoint) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: webhookEndpointMapper.toItem(endpoint),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    getEndpoint: (tenantId, endpointId) =>
      getItem(keys.webhookEndpoint(tenantId, endpointId), webhookEndpointMapper.fromItem),

    listEndpoints: (tenantId) =>
      queryWholePartition({
        client,
        table,
        partition: keys.webhookEndpointsOfTenant(tenantId),
        toItem: webhookEndpointMapper.fromItem,
      }),

    saveEndpoint: ({ current, next }) =>
      putIfUnchanged(client, table, webhookEndpointMapper.toItem(next), { version: current.version }),

    async deleteEndpoint(tenantId, endpointId, audit) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: table,
                  Key: keys.webhookEndpoint(tenantId, endpointId),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: auditItem(audit),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? error.CancellationReasons : undefined;
        if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },

    getDelivery: (tenantId, deliveryId) =>
      getItem(keys.delivery(tenantId, deliveryId), deliveryMapper.fromItem),

    async saveDelivery({ current, next, attempt }) {
      // The delivery is written only if it is still as read: of two copies of one message, one wins
      // and records attempt n; the other writes nothing. The attempt follows as a plain put (its id is
      // fixed): no transaction, which would double the cost of both writes. A crash between the two
      // loses that one line of the attempt log, never the delivery's state. A delivery that succeeds
      // at its first attempt (most do) is one item holding that attempt (D83), and final: no write
      // replaces it (that would drop the attempt it holds), whatever the caller read.
      const oneItem = !current && attempt?.attempt === 1 && attempt.succeeded && next.status === 'succeeded';
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: oneItem ? succeededAtFirstAttemptItem(next, attempt) : deliveryMapper.toItem(next),
            ...(current
              ? {
                  ConditionExpression:
                    '#attempts = :attempts AND #status = :status AND attribute_not_exists(#held)',
                  ExpressionAttributeNames: {
                    '#attempts': 'attempts',
                    '#status': 'status',
                    '#held': 'firstAttempt',
                  },
                  ExpressionAttributeValues: { ':attempts': current.attempts, ':status': current.status },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ConcurrentModificationError();
        throw error;
      }
      if (attempt && !oneItem)
        await client.send(new PutCommand({ TableName: table, Item: deliveryAttemptMapper.toItem(attempt) }));
    },

    listAttempts(tenantId, endpointId, filter) {
      return queryNewestFirst({
        client,
        table,
        partition: shardPartitions(keys.attemptsOfEndpoint(tenantId, endpointId)),
        startingAfter: filter.startingAfter,
        findCursor: async (id) => {
          const parsed = parseAttemptId(id);
          if (!parsed) return undefined;
          // A first attempt usually lives in its delivery's item (D83); later ones in items of their own.
          const found =
            (parsed.attempt === 1
              ? await getItem(keys.delivery(tenantId, parsed.deliveryId), firstAttemptOf)
              : undefined) ??
            (await getItem(
              keys.attempt(tenantId, parsed.deliveryId, parsed.attempt),
              deliveryAttemptMapper.fromItem,
            ));
          return found && { createdAt: found.attemptedAt, id: found.id };
        },
        limit: filter.limit,
        toItem: attemptOfLogItem,
      });
    },

    async countFailedDeliveries(tenantId, endpointId, { since, until, max }) {
      // The index holds failed deliveries only (sparse): a count reads keys, a megabyte a page.
      let count = 0;
      for (const partition of shardPartitions(keys.deliveriesOfEndpoint(tenantId, endpointId))) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: table,
              IndexName: GSI1,
              KeyConditionExpression: 'gsi1pk = :partition AND gsi1sk BETWEEN :since AND :until',
              ExpressionAttributeValues: { ':partition': partition, ':since': since, ':until': until },
              Select: 'COUNT',
              ExclusiveStartKey: start,
            }),
          );
          count += page.Count ?? 0;
          start = page.LastEvaluatedKey;
        } while (start && count <= max);
        if (count > max) return count;
      }
      return count;
    },

    failedDeliveries: (tenantId, endpointId, query) =>
      queryNewestFirst({
        client,
        table,
        partition: shardPartitions(keys.deliveriesOfEndpoint(tenantId, endpointId)),
        createdGte: query.since,
        createdLt: query.until,
        startingAfter: query.startingAfter,
        findCursor: (id) => getItem(keys.delivery(tenantId, id), deliveryMapper.fromItem),
        equals: { status: 'failed' },
        limit: query.limit,
        toItem: deliveryMapper.fromItem,
      }),
  };
}
