import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { ConnectorStore, ProviderEventRecord } from '../../ports/connector-store.js';
import { putIfUnchanged } from './conditional-put.js';
import { keys } from './keys.js';
import { providerEventMapper, tenantConnectorsMapper } from './mappers/connector.js';

/** Provider events are kept 90 days: longer than any provider retries a webhook. */
const PROVIDER_EVENT_DAYS = 90;

/** The tenants' payout rails and their provider events in the table (see keys.ts). */
export function createDynamoConnectorStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): ConnectorStore {
  const { client, table } = deps;

  async function putNew(item: Record<string, unknown>): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return {
    async get(tenantId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.tenantConnectors(tenantId), ConsistentRead: true }),
      );
      return Item ? tenantConnectorsMapper.fromItem(Item) : undefined;
    },
    async save(next, expectedVersion) {
      const item = tenantConnectorsMapper.toItem(next);
      if (expectedVersion === 0) {
        if (!(await putNew(item))) throw new ConcurrentModificationError();
        return;
      }
      await putIfUnchanged(client, table, item, { version: expectedVersion });
    },
    recordProviderEvent: (record: ProviderEventRecord) =>
      putNew(providerEventMapper.toItem(record, PROVIDER_EVENT_DAYS)),
    async getProviderEvent(tenantId, connector, eventId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: keys.providerEvent(tenantId, connector, eventId),
          ConsistentRead: true,
        }),
      );
      return Item ? providerEventMapper.fromItem(Item) : undefined;
    },
  };
}
