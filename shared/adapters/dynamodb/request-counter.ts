import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantLimits } from '../../domain/rate-limits.js';
import type { RequestCounter } from '../../use-cases/rate-limits.js';
import { keys } from './keys.js';
import { TABLE_DEFINITION } from './table-definition.js';

/** Counters are kept a little past their second, then expire (TTL). */
const COUNTER_TTL_SECONDS = 120;

/**
 * One item per tenant, action and second: `ADD count 1` on the condition that it is below the limit.
 * The condition and the increment are one write, so concurrent requests can never overshoot.
 */
export function createDynamoRequestCounter(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): RequestCounter {
  return {
    async increment(tenantId, action, window, limit) {
      try {
        await deps.client.send(
          new UpdateCommand({
            TableName: deps.table,
            Key: keys.requestCounter(tenantId, action, window),
            UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#ttl': TABLE_DEFINITION.ttlAttribute },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': window + COUNTER_TTL_SECONDS },
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

/** A tenant's limits alone (the tenant item's `limits`): what the rate-limited API functions read. */
export function createDynamoTenantLimits(deps: { client: DynamoDBDocumentClient; table: string }) {
  return async (tenantId: string): Promise<Partial<TenantLimits> | undefined> => {
    const { Item } = await deps.client.send(
      new GetCommand({
        TableName: deps.table,
        Key: keys.tenant(tenantId),
        ProjectionExpression: 'limits',
        ConsistentRead: true,
      }),
    );
    return Item?.limits as Partial<TenantLimits> | undefined;
  };
}
