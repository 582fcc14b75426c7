import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantLimits } from '../../domain/rate-limits.js';
import type { RequestCounter } from '../../use-cases/rate-limits.js';
import { keys } from './keys.js';
import { TABLE_DEFINITION } from './table-definition.js';

/** Counters are kept a little past their second, then expire (TTL). */
const COUNTER_TTL_SECONDS = 120;

/**
 * One item per tenant, action and window: `ADD count :n` on the condition that the count stays within
 * the limit. The condition and the increment are one write, so concurrent claims can never overshoot.
 * A slice that no longer fits is retried as a single token (the window may have room for one).
 */
export function createDynamoRequestCounter(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): RequestCounter {
  async function add(tenantId: string, action: string, window: number, limit: number, count: number) {
    try {
      await deps.client.send(
        new UpdateCommand({
          TableName: deps.table,
          Key: keys.requestCounter(tenantId, action, window),
          UpdateExpression: 'ADD #count :count SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count <= :most',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TABLE_DEFINITION.ttlAttribute },
          ExpressionAttributeValues: {
            ':count': count,
            ':most': limit - count,
            ':ttl': window + COUNTER_TTL_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
  return {
    async claim(tenantId, action, window, limit, count) {
      if (count > limit) count = limit;
      if (count < 1) return 0;
      if (await add(tenantId, action, window, limit, count)) return count;
      if (count > 1 && (await add(tenantId, action, window, limit, 1))) return 1;
      return 0;
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
