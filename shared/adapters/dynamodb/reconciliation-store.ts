import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../../domain/parallel.js';
import {
  RECONCILIATION_OUTCOMES,
  type ReconciliationItem,
  type ReconciliationOutcome,
  type ReconciliationRun,
} from '../../domain/reconciliation.js';
import type { ReconciliationStore } from '../../ports/reconciliation.js';
import { putAll } from './batch-write.js';
import { putIfUnchanged } from './conditional-put.js';
import { keys, stripKeys } from './keys.js';
import { listingKey, queryNewestFirst } from './newest-first.js';

const runItem = (run: ReconciliationRun) => ({
  ...keys.reconciliationRun(run.tenantId, run.id),
  gsi1pk: keys.reconciliationRunsOfTenant(run.tenantId),
  gsi1sk: listingKey(run),
  entity: 'reconciliation_run',
  ...run,
});

const rankOf = (outcome: ReconciliationOutcome) => RECONCILIATION_OUTCOMES.indexOf(outcome);

/** Items are not relayed (a run writes thousands); a resolution is, through its own entity tag. */
const itemRecord = (item: ReconciliationItem) => ({
  ...keys.reconciliationItem(item.tenantId, item.runId, item.attempt, rankOf(item.outcome), item.key),
  entity: item.resolution ? 'reconciliation_resolution' : 'reconciliation_item',
  ...item,
});

type RunRef = Pick<ReconciliationRun, 'tenantId' | 'id' | 'attempt'>;
const itemPartition = (run: RunRef) => keys.reconciliationItem(run.tenantId, run.id, run.attempt, 0, '').pk;

export function createDynamoReconciliationStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): ReconciliationStore {
  const { client, table } = deps;
  const get = async (tenantId: string, runId: string) => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: table,
        Key: keys.reconciliationRun(tenantId, runId),
        ConsistentRead: true,
      }),
    );
    return Item ? stripKeys<ReconciliationRun>(Item) : undefined;
  };

  /** One page of a run's items: differences first, from the cursor (`{rank}#{key}` of the last item). */
  async function itemsPage(
    run: RunRef,
    query: { limit: number; outcome?: ReconciliationOutcome; startingAfter?: string },
  ) {
    const pk = itemPartition(run);
    const prefix = query.outcome ? `ITEM#${rankOf(query.outcome)}#` : 'ITEM#';
    let start: Record<string, unknown> | undefined;
    if (query.startingAfter) {
      // The cursor is an item id (a key); its rank is read from the item itself.
      const found = await findItem(run, query.startingAfter);
      if (!found) return { items: [], hasMore: false };
      start = keys.reconciliationItem(run.tenantId, run.id, run.attempt, rankOf(found.outcome), found.key);
    }
    const result = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ExclusiveStartKey: start,
        Limit: query.limit + 1,
        ConsistentRead: true,
      }),
    );
    const items = (result.Items ?? []).map((item) => stripKeys<ReconciliationItem>(item));
    return { items: items.slice(0, query.limit), hasMore: items.length > query.limit };
  }

  /** An item by key whatever its outcome: one BatchGet of its six possible keys. */
  async function findItem(run: RunRef, key: string): Promise<ReconciliationItem | undefined> {
    const result = await client.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: {
            Keys: RECONCILIATION_OUTCOMES.map((_, rank) =>
              keys.reconciliationItem(run.tenantId, run.id, run.attempt, rank, key),
            ),
            ConsistentRead: true,
          },
        },
      }),
    );
    const found = result.Responses?.[table]?.[0];
    return found ? stripKeys<ReconciliationItem>(found) : undefined;
  }

  /** A run writes thousands of items: 25 per BatchWriteItem, eight requests in flight. */
  const putInParallel = async (items: readonly Record<string, unknown>[]) => {
    const chunks: Record<string, unknown>[][] = [];
    for (let offset = 0; offset < items.length; offset += 25) chunks.push(items.slice(offset, offset + 25));
    await inParallel(chunks, 8, (chunk) => putAll(client, table, chunk));
  };

  return {
    async create(run) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: runItem(run),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    get,
    list: (tenantId, query) =>
      queryNewestFirst({
        client,
        table,
        partition: keys.reconciliationRunsOfTenant(tenantId),
        startingAfter: query.startingAfter,
        findCursor: (id) => get(tenantId, id),
        limit: query.limit,
        toItem: (item) => stripKeys<ReconciliationRun>(item),
      }),
    save: ({ current, next }) => putIfUnchanged(client, table, runItem(next), { version: current.version }),
    putItems: (items) => putInParallel(items.map(itemRecord)),
    listItems: itemsPage,
    async *streamItems(run) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': itemPartition(run), ':prefix': 'ITEM#' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) yield stripKeys<ReconciliationItem>(item);
        start = page.LastEvaluatedKey;
      } while (start);
    },
    async getItem(run, outcome, key) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: keys.reconciliationItem(run.tenantId, run.id, run.attempt, rankOf(outcome), key),
          ConsistentRead: true,
        }),
      );
      return Item ? stripKeys<ReconciliationItem>(Item) : undefined;
    },
    saveItem: ({ current, next }) =>
      putIfUnchanged(client, table, itemRecord(next), { version: current.version }),
    markPayouts: (tenantId, marks) =>
      putInParallel(
        marks.map((mark) => ({
          ...keys.reconciliationMark(tenantId, mark.payoutId),
          entity: 'reconciliation_mark',
          ...mark,
        })),
      ),
    async marksOf(tenantId, payoutIds) {
      const marks = new Map<string, { outcome: ReconciliationOutcome; runId: string; at: string }>();
      for (let offset = 0; offset < payoutIds.length; offset += 100) {
        let pending: Record<string, unknown>[] = payoutIds
          .slice(offset, offset + 100)
          .map((id) => keys.reconciliationMark(tenantId, id));
        for (let round = 0; pending.length > 0; round++) {
          if (round === 8) throw new Error(`${pending.length} reconciliation marks unread after 8 rounds`);
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
          const result = await client.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
          );
          for (const mark of result.Responses?.[table] ?? [])
            marks.set(mark.payoutId as string, {
              outcome: mark.outcome as ReconciliationOutcome,
              runId: mark.runId as string,
              at: mark.at as string,
            });
          pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
        }
      }
      return marks;
    },
  };
}
