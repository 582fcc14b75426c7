import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundOrigin, InboundRejection, InboundStore } from '../../ports/inbound-store.js';
import { keys } from './keys.js';
import { queryWholePartition } from './newest-first.js';

export function createDynamoInboundStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): InboundStore {
  const { client, table } = deps;
  const conditional = async (write: () => Promise<unknown>) => {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  return {
    route: (tenantId, origin, now) =>
      conditional(() =>
        client.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...keys.inboundRoute(origin.kind, origin.value),
              gsi1pk: keys.inboundRoutesOfTenant(tenantId),
              gsi1sk: `${origin.kind}#${origin.value}`,
              entity: 'inbound_route',
              tenantId,
              ...origin,
              createdAt: now,
            },
            // An origin belongs to one tenant: routing it again to the same tenant is a no-op.
            ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :tenant',
            ExpressionAttributeValues: { ':tenant': tenantId },
          }),
        ),
      ),

    unroute: (tenantId, origin) =>
      conditional(() =>
        client.send(
          new DeleteCommand({
            TableName: table,
            Key: keys.inboundRoute(origin.kind, origin.value),
            ConditionExpression: 'tenantId = :tenant',
            ExpressionAttributeValues: { ':tenant': tenantId },
          }),
        ),
      ),

    async tenantOf(origin) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: keys.inboundRoute(origin.kind, origin.value),
          ConsistentRead: true,
        }),
      );
      return Item?.tenantId as string | undefined;
    },

    routesOf: (tenantId) =>
      queryWholePartition({
        client,
        table,
        partition: keys.inboundRoutesOfTenant(tenantId),
        toItem: (item) => ({ kind: item.kind as InboundOrigin['kind'], value: item.value as string }),
      }),

    async reject(rejection: InboundRejection) {
      await conditional(() =>
        client.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...keys.inboundRejection(rejection.tenantId, rejection.id),
              entity: 'payout_request_rejection',
              ...rejection,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}
