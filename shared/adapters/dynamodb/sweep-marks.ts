import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SweepMarks } from '../../ports/outbox.js';
import { keys } from './keys.js';
import { sweepMarkMapper } from './mappers/outbox-sweep.js';

/** Notes live 30 days (DynamoDB TTL); a payout open that long is re-driven from a fresh note. */
const NOTE_DAYS = 30;

/** The outbox sweeper's notes, one item beside each payout it re-drove (see keys.ts). */
export function createDynamoSweepMarks(deps: { client: DynamoDBDocumentClient; table: string }): SweepMarks {
  const { client, table } = deps;
  return {
    async get(tenantId, payoutId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.outboxSweep(tenantId, payoutId), ConsistentRead: true }),
      );
      return Item ? sweepMarkMapper.fromItem(Item) : undefined;
    },
    async put(next, expected) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: sweepMarkMapper.toItem(next, NOTE_DAYS),
            ...(expected
              ? {
                  ConditionExpression: '#status = :status AND #count = :count',
                  ExpressionAttributeNames: { '#status': 'status', '#count': 'count' },
                  ExpressionAttributeValues: { ':status': expected.status, ':count': expected.count },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
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
