import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type BatchChunk, CHUNK_TTL_DAYS } from '../../domain/batches.js';
import { IdempotencyKeyTakenError, WriteConflictError } from '../../domain/errors.js';
import type { BatchStore } from '../../ports/batch-store.js';
import { putAll } from './batch-write.js';
import { keys } from './keys.js';
import { batchChunkMapper, batchMapper } from './mappers/batch.js';
import { queryNewestFirst } from './newest-first.js';
import { failedConditionItem, idempotencyPut, toIdempotencyRecord } from './payout-repository.js';
import { withConflictRetries } from './retry.js';

const toChunk = batchChunkMapper.fromItem;

export function createDynamoBatchStore(deps: { client: DynamoDBDocumentClient; table: string }): BatchStore {
  const { client, table } = deps;

  async function get(tenantId: string, batchId: string) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.batch(tenantId, batchId), ConsistentRead: true }),
    );
    return Item ? batchMapper.fromItem(Item) : undefined;
  }

  return {
    async create({ batch, chunks, idempotency }) {
      const expiresAt = Math.floor(Date.parse(batch.createdAt) / 1000) + CHUNK_TTL_DAYS * 86_400;
      await putAll(
        client,
        table,
        chunks.map((chunk) => batchChunkMapper.toItem(chunk, expiresAt)),
      );
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              idempotencyPut(table, idempotency, batch.createdAt),
              {
                Put: {
                  TableName: table,
                  Item: batchMapper.toItem(batch),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const existingKey = failedConditionItem(error, 0);
        if (existingKey) throw new IdempotencyKeyTakenError(toIdempotencyRecord(existingKey));
        throw new WriteConflictError(error);
      }
    },

    get,

    list: (tenantId, query) =>
      queryNewestFirst({
        client,
        table,
        partition: keys.batchesOfTenant(tenantId),
        startingAfter: query.startingAfter,
        findCursor: (id) => get(tenantId, id),
        limit: query.limit,
        toItem: batchMapper.fromItem,
      }),

    async getChunk(tenantId, batchId, index) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: keys.batchChunk(tenantId, batchId, index),
          ConsistentRead: true,
        }),
      );
      return Item ? toChunk(Item) : undefined;
    },

    async chunks(tenantId, batchId) {
      const found: BatchChunk[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
            ExpressionAttributeValues: { ':pk': keys.batch(tenantId, batchId).pk, ':chunk': 'CHUNK#' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        found.push(...(page.Items ?? []).map(toChunk));
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },

    finishChunk: (input) =>
      withConflictRetries(async () => {
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: keys.batchChunk(input.tenantId, input.batchId, input.index),
                    UpdateExpression: 'SET #doneAt = :now, #duplicates = :duplicates',
                    ConditionExpression: 'attribute_exists(pk) AND attribute_type(#doneAt, :null)',
                    ExpressionAttributeNames: { '#doneAt': 'doneAt', '#duplicates': 'duplicates' },
                    ExpressionAttributeValues: {
                      ':now': input.now,
                      ':duplicates': input.duplicates,
                      ':null': 'NULL',
                    },
                  },
                },
                {
                  Update: {
                    TableName: table,
                    Key: keys.batch(input.tenantId, input.batchId),
                    UpdateExpression:
                      // A batch cannot complete while a chunk is unfinished, so this never undoes `completed`.
                      'SET #status = :processing, #updatedAt = :now ADD #expanded :one, #created :created, #duplicate :duplicate, #version :one',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeNames: {
                      '#status': 'status',
                      '#updatedAt': 'updatedAt',
                      '#expanded': 'expandedChunks',
                      '#created': 'created',
                      '#duplicate': 'duplicate',
                      '#version': 'version',
                    },
                    ExpressionAttributeValues: {
                      ':now': input.now,
                      ':one': 1,
                      ':created': input.created,
                      ':duplicate': input.duplicates.length,
                      ':processing': 'processing',
                    },
                  },
                },
              ],
            }),
          );
          return true;
        } catch (error) {
          if (
            error instanceof TransactionCanceledException &&
            error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
          )
            return false;
          throw error;
        }
      }),

    async addLive(tenantId, batchId, delta, now) {
      const entries = Object.entries(delta).filter(([, value]) => value !== 0);
      if (entries.length === 0) return;
      const names: Record<string, string> = {
        '#live': 'live',
        '#updatedAt': 'updatedAt',
        '#version': 'version',
      };
      const values: Record<string, unknown> = { ':now': now, ':one': 1 };
      const adds = entries.map(([status, value], index) => {
        names[`#s${index}`] = status;
        values[`:d${index}`] = value;
        return `#live.#s${index} :d${index}`;
      });
      await withConflictRetries(() =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.batch(tenantId, batchId),
            UpdateExpression: `SET #updatedAt = :now ADD ${adds.join(', ')}, #version :one`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    async complete({ tenantId, batchId, counts, now }) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.batch(tenantId, batchId),
            UpdateExpression:
              'SET #status = :completed, #final = :counts, #completedAt = :now, #updatedAt = :now ADD #version :one',
            ConditionExpression: '#status = :processing AND #expanded = #chunks',
            ExpressionAttributeNames: {
              '#status': 'status',
              '#final': 'final',
              '#completedAt': 'completedAt',
              '#updatedAt': 'updatedAt',
              '#version': 'version',
              '#expanded': 'expandedChunks',
              '#chunks': 'chunks',
            },
            ExpressionAttributeValues: {
              ':completed': 'completed',
              ':processing': 'processing',
              ':counts': counts,
              ':now': now,
              ':one': 1,
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
