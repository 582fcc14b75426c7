import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  RECONCILIATION_OUTCOMES,
  type ReconciliationItem,
  type ReconciliationOutcome,
  type ReconciliationRun,
} from '../../domain/reconciliation.js';
import type { ReconciliationStore } from '../../ports/reconciliation.js';
import { deleteAll, getAll, putAll } from './batch-write.js';
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

/** A run writes thousands of items and marks: eight BatchWriteItems in flight. */
const WRITES_IN_FLIGHT = 8;

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

  /** An attempt's items, page by page (1 MB each), whole or only `projection`. */
  async function* itemPages(run: RunRef, projection?: string) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': itemPartition(run), ':prefix': 'ITEM#' },
          ...(projection ? { ProjectionExpression: projection } : {}),
          ExclusiveStartKey: start,
        }),
      );
      yield page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }

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
    putItems: (items) => putAll(client, table, items.map(itemRecord), WRITES_IN_FLIGHT),
    listItems: itemsPage,
    async *streamItems(run) {
      for await (const page of itemPages(run))
        for (const item of page) yield stripKeys<ReconciliationItem>(item);
    },
    async dropItems(run) {
      for await (const page of itemPages(run, 'pk, sk'))
        await deleteAll(
          client,
          table,
          page.map(({ pk, sk }) => ({ pk, sk })),
          WRITES_IN_FLIGHT,
        );
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
    async replaceItem({ previous, next }) {
      const [before, after] = [itemRecord(previous), itemRecord(next)];
      await client.send(new PutCommand({ TableName: table, Item: after }));
      if (before.sk !== after.sk)
        await client.send(new DeleteCommand({ TableName: table, Key: { pk: before.pk, sk: before.sk } }));
    },
    saveItem: ({ current, next }) =>
      putIfUnchanged(client, table, itemRecord(next), { version: current.version }),
    markPayouts: (tenantId, marks) =>
      putAll(
        client,
        table,
        marks.map((mark) => ({
          ...keys.reconciliationMark(tenantId, mark.payoutId),
          entity: 'reconciliation_mark',
          ...mark,
        })),
        WRITES_IN_FLIGHT,
      ),
    async marksOf(tenantId, payoutIds) {
      const found = await getAll(
        client,
        table,
        payoutIds.map((id) => keys.reconciliationMark(tenantId, id)),
      );
      return new Map(
        found.map((mark) => [
          mark.payoutId as string,
          {
            outcome: mark.outcome as ReconciliationOutcome,
            runId: mark.runId as string,
            at: mark.at as string,
            ...(typeof mark.resolvedAt === 'string' ? { resolvedAt: mark.resolvedAt } : {}),
          },
        ]),
      );
    },
  };
}
