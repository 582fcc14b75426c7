import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SweepMark, SweepMarks } from '../../ports/outbox.js';
import { keys, stripKeys } from './keys.js';
import { TABLE_DEFINITION } from './table-definition.js';

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
      return Item ? stripKeys<SweepMark & { [key: string]: unknown }>(Item) : undefined;
    },
    async put(next, expected) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...keys.outboxSweep(next.tenantId, next.payoutId),
              entity: 'outbox_sweep',
              ...next,
              [TABLE_DEFINITION.ttlAttribute]:
                Math.floor(Date.parse(next.nextAt) / 1000) + NOTE_DAYS * 86_400,
            },
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
