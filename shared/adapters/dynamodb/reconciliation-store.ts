import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors.js';
import {
  RECONCILIATION_OUTCOMES,
  type ReconciliationItem,
  type ReconciliationOutcome,
} from '../../domain/reconciliation.js';
import { dayKey, type ReconciliationStore, type RunRef } from '../../ports/reconciliation.js';
import { deleteAll, getAll, putAll } from './batch-write.js';
import { putIfUnchanged } from './conditional-put.js';
import { keys } from './keys.js';
import {
  dayRunMapper,
  type PackedItem,
  packKey,
  rankOf,
  reconciliationItemMapper,
  reconciliationMarkMapper,
  reconciliationPackMapper,
  reconciliationRunMapper,
} from './mappers/reconciliation.js';
import { queryNewestFirst } from './newest-first.js';

/** A run writes thousands of items and marks: eight BatchWriteItems in flight. */
const WRITES_IN_FLIGHT = 8;

const itemPartition = (run: RunRef) => keys.reconciliationItem(run.tenantId, run.id, run.attempt, 0, '').pk;

const packed = ({ key, platform, provider }: ReconciliationItem): PackedItem => ({ key, platform, provider });
const unpacked = (run: RunRef, item: PackedItem): ReconciliationItem => ({
  runId: run.id,
  tenantId: run.tenantId,
  attempt: run.attempt,
  key: item.key,
  outcome: 'matched',
  platform: item.platform,
  provider: item.provider,
  resolution: null,
  version: 1,
});

/**
 * A stored record as the items it holds, each with its cursor: a single item's cursor is its key; a
 * packed one's `matched:{seq}:{index}` (opaque to callers, who pass `next_cursor` back).
 */
function expand(
  run: RunRef,
  record: Record<string, unknown>,
): { item: ReconciliationItem; cursor: string }[] {
  if (record.entity !== 'reconciliation_pack') {
    const item = reconciliationItemMapper.fromItem(record);
    return [{ item, cursor: item.key }];
  }
  const { seq, items } = reconciliationPackMapper.fromItem(record);
  return items.map((item, index) => ({
    item: unpacked(run, item),
    cursor: `matched:${seq}:${index}`,
  }));
}

const PACK_CURSOR = /^matched:(\d+):(\d+)$/;

/** A cursor of another list (another outcome filter): a 400 naming it, not a page that skips items. */
const notInList = () =>
  new ValidationError([
    {
      param: 'starting_after',
      message:
        'is not an item of this list: pass the next_cursor of the page before, with the same outcome filter',
    },
  ]);

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
    return Item ? reconciliationRunMapper.fromItem(Item) : undefined;
  };

  /**
   * One page of a run's items: differences first, from the cursor (a single item's key, or a packed
   * item's `matched:{seq}:{index}`). Reads records until it holds one item more than the page.
   */
  async function itemsPage(
    run: RunRef,
    query: { limit: number; outcome?: ReconciliationOutcome; startingAfter?: string },
  ) {
    const pk = itemPartition(run);
    const prefix = query.outcome ? `ITEM#${rankOf(query.outcome)}#` : 'ITEM#';
    let from = prefix;
    let skip = 0;
    let start: Record<string, unknown> | undefined;
    const packCursor = query.startingAfter?.match(PACK_CURSOR);
    if (packCursor) {
      if (query.outcome && query.outcome !== 'matched') throw notInList();
      // From the cursor's pack itself, past the items already listed.
      from = packKey(run, Number(packCursor[1])).sk;
      skip = Number(packCursor[2]) + 1;
    } else if (query.startingAfter) {
      // A single item's key: its rank is read from the item itself.
      const found = await findItem(run, query.startingAfter);
      if (!found) return { items: [], hasMore: false, nextCursor: null };
      if (query.outcome && found.outcome !== query.outcome) throw notInList();
      start = keys.reconciliationItem(run.tenantId, run.id, run.attempt, rankOf(found.outcome), found.key);
    }
    const listed: { item: ReconciliationItem; cursor: string }[] = [];
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': `${prefix}\uffff` },
          ExclusiveStartKey: start,
          Limit: query.limit + 1 - listed.length,
          ConsistentRead: true,
        }),
      );
      for (const record of result.Items ?? []) {
        const entries = expand(run, record);
        listed.push(...entries.slice(skip));
        skip = 0;
      }
      start = result.LastEvaluatedKey;
    } while (start && listed.length <= query.limit);
    const hasMore = listed.length > query.limit;
    const page = listed.slice(0, query.limit);
    return {
      items: page.map((entry) => entry.item),
      hasMore,
      nextCursor: hasMore ? (page.at(-1)?.cursor ?? null) : null,
    };
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
    // A pack's own key (`PACK#…`) names no item.
    const found = result.Responses?.[table]?.find((record) => !String(record.sk).includes('#PACK#'));
    return found ? reconciliationItemMapper.fromItem(found) : undefined;
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
          Item: reconciliationRunMapper.toItem(run),
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
        toItem: reconciliationRunMapper.fromItem,
      }),
    save: ({ current, next }) =>
      putIfUnchanged(client, table, reconciliationRunMapper.toItem(next), { version: current.version }),
    putItems: (items) => putAll(client, table, items.map(reconciliationItemMapper.toItem), WRITES_IN_FLIGHT),
    async putMatchedPack(run, seq, items) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: reconciliationPackMapper.toItem(run, seq, items.map(packed)),
        }),
      );
    },
    async takeFromPack(run, seq, key) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: packKey(run, seq), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { items } = reconciliationPackMapper.fromItem(Item);
      const index = items.findIndex((item) => item.key === key);
      const taken = items[index];
      if (!taken) return undefined;
      const rest = items.filter((_, other) => other !== index);
      // Only the attempt's own worker writes its packs: a plain put or delete.
      if (rest.length === 0)
        await client.send(new DeleteCommand({ TableName: table, Key: packKey(run, seq) }));
      else
        await client.send(
          new PutCommand({ TableName: table, Item: reconciliationPackMapper.toItem(run, seq, rest) }),
        );
      return unpacked(run, taken);
    },
    listItems: itemsPage,
    async *streamItems(run) {
      for await (const page of itemPages(run))
        for (const record of page) for (const { item } of expand(run, record)) yield item;
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
      return Item ? reconciliationItemMapper.fromItem(Item) : undefined;
    },
    async replaceItem({ previous, next }) {
      const [before, after] = [
        reconciliationItemMapper.toItem(previous),
        reconciliationItemMapper.toItem(next),
      ];
      await client.send(new PutCommand({ TableName: table, Item: after }));
      if (before.sk !== after.sk)
        await client.send(new DeleteCommand({ TableName: table, Key: { pk: before.pk, sk: before.sk } }));
    },
    saveItem: ({ current, next }) =>
      putIfUnchanged(client, table, reconciliationItemMapper.toItem(next), { version: current.version }),
    markPayouts: (tenantId, marks) =>
      putAll(
        client,
        table,
        marks.map((mark) => reconciliationMarkMapper.toItem(tenantId, mark)),
        WRITES_IN_FLIGHT,
      ),
    async recordDayRun(tenantId, dayRun) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: dayRunMapper.toItem(tenantId, dayRun),
            // The run that began last holds the day; recording the same run again changes nothing.
            ConditionExpression: 'attribute_not_exists(pk) OR startedAt <= :startedAt',
            ExpressionAttributeValues: { ':startedAt': dayRun.startedAt },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    async dayRunsOf(tenantId, days) {
      const found = await getAll(
        client,
        table,
        days.map((day) => keys.reconciliationDayRun(tenantId, day.connector, day.date)),
      );
      return new Map(
        found.map((item) => {
          const dayRun = dayRunMapper.fromItem(item);
          return [dayKey(dayRun.connector, dayRun.date), dayRun];
        }),
      );
    },
    async marksOf(tenantId, payoutIds) {
      const found = await getAll(
        client,
        table,
        payoutIds.map((id) => keys.reconciliationMark(tenantId, id)),
      );
      return new Map(
        found.map((item) => {
          const { payoutId, ...mark } = reconciliationMarkMapper.fromItem(item);
          return [payoutId, mark];
        }),
      );
    },
  };
}
