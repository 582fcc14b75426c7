import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { WebhookEndpoint } from '../../domain/webhooks.js';
import type { Delivery, DeliveryAttempt, WebhookStore } from '../../ports/webhook-store.js';
import { auditItem } from './audit-log.js';
import { putIfUnchanged } from './conditional-put.js';
import { GSI1, keys, stripKeys } from './keys.js';
import {
  listingKey,
  queryNewestFirst,
  queryWholePartition,
  shardedPartition,
  shardPartitions,
} from './newest-first.js';

const strip = stripKeys;

const endpointItem = (endpoint: WebhookEndpoint) => ({
  ...keys.webhookEndpoint(endpoint.tenantId, endpoint.id),
  gsi1pk: keys.webhookEndpointsOfTenant(endpoint.tenantId),
  gsi1sk: listingKey(endpoint),
  entity: 'webhook_endpoint',
  ...endpoint,
});

/**
 * Only failed deliveries are indexed (a sparse index: what a recovery lists). Most deliveries
 * succeed on their first attempt and never write the index.
 */
const deliveryItem = (delivery: Delivery) => ({
  ...keys.delivery(delivery.tenantId, delivery.id),
  ...(delivery.status === 'failed'
    ? {
        gsi1pk: shardedPartition(
          keys.deliveriesOfEndpoint(delivery.tenantId, delivery.endpointId),
          delivery.id,
        ),
        gsi1sk: listingKey(delivery),
      }
    : {}),
  entity: 'webhook_delivery',
  ...delivery,
});

const attemptItem = (attempt: DeliveryAttempt) => ({
  ...keys.attempt(attempt.tenantId, attempt.deliveryId, attempt.attempt),
  gsi1pk: shardedPartition(keys.attemptsOfEndpoint(attempt.tenantId, attempt.endpointId), attempt.id),
  gsi1sk: `${attempt.attemptedAt}#${attempt.id}`,
  entity: 'webhook_attempt',
  ...attempt,
});

function parseAttemptId(id: string): { deliveryId: string; attempt: number } | undefined {
  const match = /^att_([0-9A-Z]{26})_(\d{1,4})$/.exec(id);
  return match ? { deliveryId: `dlv_${match[1]}`, attempt: Number(match[2]) } : undefined;
}

export function createDynamoWebhookStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): WebhookStore {
  const { client, table } = deps;

  async function getItem<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item ? strip<T>(Item) : undefined;
  }

  return {
    async createEndpoint(endpoint) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: endpointItem(endpoint),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    getEndpoint: (tenantId, endpointId) =>
      getItem<WebhookEndpoint>(keys.webhookEndpoint(tenantId, endpointId)),

    listEndpoints: (tenantId) =>
      queryWholePartition({
        client,
        table,
        partition: keys.webhookEndpointsOfTenant(tenantId),
        toItem: (item) => strip<WebhookEndpoint>(item),
      }),

    saveEndpoint: ({ current, next }) =>
      putIfUnchanged(client, table, endpointItem(next), { version: current.version }),

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

    getDelivery: (tenantId, deliveryId) => getItem<Delivery>(keys.delivery(tenantId, deliveryId)),

    async saveDelivery({ current, next, attempt }) {
      // The delivery is written only if it is still as read: of two copies of one message, one wins
      // and records attempt n; the other writes nothing. The attempt follows as a plain put (its id is
      // fixed): no transaction, which would double the cost of both writes. A crash between the two
      // loses that one line of the attempt log, never the delivery's state.
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: deliveryItem(next),
            ...(current
              ? {
                  ConditionExpression: '#attempts = :attempts AND #status = :status',
                  ExpressionAttributeNames: { '#attempts': 'attempts', '#status': 'status' },
                  ExpressionAttributeValues: { ':attempts': current.attempts, ':status': current.status },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ConcurrentModificationError();
        throw error;
      }
      if (attempt) await client.send(new PutCommand({ TableName: table, Item: attemptItem(attempt) }));
    },

    listAttempts(tenantId, endpointId, filter) {
      return queryNewestFirst({
        client,
        table,
        partition: shardPartitions(keys.attemptsOfEndpoint(tenantId, endpointId)),
        startingAfter: filter.startingAfter,
        findCursor: async (id) => {
          const parsed = parseAttemptId(id);
          const found = parsed
            ? await getItem<DeliveryAttempt>(keys.attempt(tenantId, parsed.deliveryId, parsed.attempt))
            : undefined;
          return found && { createdAt: found.attemptedAt, id: found.id };
        },
        limit: filter.limit,
        toItem: (item) => strip<DeliveryAttempt>(item),
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
        findCursor: (id) => getItem<Delivery>(keys.delivery(tenantId, id)),
        equals: { status: 'failed' },
        limit: query.limit,
        toItem: (item) => strip<Delivery>(item),
      }),
  };
}
