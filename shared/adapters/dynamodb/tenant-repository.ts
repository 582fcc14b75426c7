import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKey, Tenant, TenantRepository } from '../../ports/tenant-repository.js';
import { keys, stripKeys } from './keys.js';
import { listingKey, queryWholePartition } from './newest-first.js';

const notExists = 'attribute_not_exists(pk)';

function apiKeyItem(key: ApiKey) {
  return {
    ...keys.apiKey(key.hash),
    gsi1pk: keys.apiKeysOfTenant(key.tenantId),
    gsi1sk: key.id,
    entity: 'api_key',
    ...key,
  };
}

function toApiKey(item: Record<string, unknown>): ApiKey {
  return stripKeys<ApiKey>(item);
}

export function createDynamoTenantRepository(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): TenantRepository {
  const { client, table } = deps;
  return {
    async createTenant(tenant, firstKey) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: {
                  ...keys.tenant(tenant.id),
                  gsi1pk: keys.allTenants,
                  gsi1sk: listingKey(tenant),
                  entity: 'tenant',
                  ...tenant,
                },
                ConditionExpression: notExists,
              },
            },
            { Put: { TableName: table, Item: apiKeyItem(firstKey), ConditionExpression: notExists } },
          ],
        }),
      );
    },

    listTenants: () =>
      queryWholePartition({
        client,
        table,
        partition: keys.allTenants,
        toItem: (item) => ({
          id: item.id as string,
          name: item.name as string,
          status: item.status as Tenant['status'],
          createdAt: item.createdAt as string,
        }),
      }),

    async getTenant(tenantId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.tenant(tenantId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return {
        id: Item.id,
        name: Item.name,
        status: Item.status,
        createdAt: Item.createdAt,
        ...(Item.limits ? { limits: Item.limits } : {}),
      };
    },

    async setLimits(tenantId, limits) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.tenant(tenantId),
            UpdateExpression: 'SET limits = :limits',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':limits': limits },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async addApiKey(key) {
      await client.send(
        new PutCommand({ TableName: table, Item: apiKeyItem(key), ConditionExpression: notExists }),
      );
    },

    async findApiKeyByHash(hash) {
      // Consistent, so that a revoked key stops working on the very next request.
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.apiKey(hash), ConsistentRead: true }),
      );
      return Item ? toApiKey(Item) : undefined;
    },

    listApiKeys: (tenantId) =>
      queryWholePartition({ client, table, partition: keys.apiKeysOfTenant(tenantId), toItem: toApiKey }),

    async revokeApiKey(tenantId, keyId, now, action) {
      const key = (await this.listApiKeys(tenantId)).find((candidate) => candidate.id === keyId);
      if (!key) return false;
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.apiKey(key.hash),
            UpdateExpression: `SET #status = :revoked, revokedAt = :now${action ? ', lastAction = :action' : ''}`,
            ConditionExpression: '#status = :active AND tenantId = :tenant',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':revoked': 'revoked',
              ':active': 'active',
              ':now': now,
              ':tenant': tenantId,
              ...(action ? { ':action': action } : {}),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
