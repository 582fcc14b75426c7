import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TenantRepository } from '../../ports/tenant-repository.js';
import { keys } from './keys.js';
import { apiKeyMapper, tenantMapper } from './mappers/tenant.js';
import { queryWholePartition } from './newest-first.js';

const notExists = 'attribute_not_exists(pk)';

const toApiKey = apiKeyMapper.fromItem;

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
                Item: tenantMapper.toItem(tenant),
                ConditionExpression: notExists,
              },
            },
            {
              Put: { TableName: table, Item: apiKeyMapper.toItem(firstKey), ConditionExpression: notExists },
            },
          ],
        }),
      );
    },

    listTenants: () =>
      queryWholePartition({
        client,
        table,
        partition: keys.allTenants,
        toItem: tenantMapper.fromItem,
      }),

    async getTenant(tenantId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.tenant(tenantId), ConsistentRead: true }),
      );
      return Item ? tenantMapper.fromItem(Item) : undefined;
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
        new PutCommand({ TableName: table, Item: apiKeyMapper.toItem(key), ConditionExpression: notExists }),
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
