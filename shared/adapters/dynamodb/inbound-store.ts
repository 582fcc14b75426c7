import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundRejection, InboundStore } from '../../ports/inbound-store.js';
import { keys } from './keys.js';
import { inboundRejectionMapper, inboundRouteMapper } from './mappers/inbound.js';
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
            Item: inboundRouteMapper.toItem({ ...origin, tenantId, createdAt: now }),
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
      return Item ? inboundRouteMapper.fromItem(Item).tenantId : undefined;
    },

    routesOf: (tenantId) =>
      queryWholePartition({
        client,
        table,
        partition: keys.inboundRoutesOfTenant(tenantId),
        toItem: (item) => {
          const { kind, value } = inboundRouteMapper.fromItem(item);
          return { kind, value };
        },
      }),

    async reject(rejection: InboundRejection) {
      await conditional(() =>
        client.send(
          new PutCommand({
            TableName: table,
            Item: inboundRejectionMapper.toItem(rejection),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}
