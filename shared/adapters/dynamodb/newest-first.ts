import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { oneAhead } from '../../domain/parallel.js';
import type { Page } from '../../ports/payout-repository.js';
import { GSI1 } from './keys.js';

/** Sort key of every per-tenant listing on gsi1: ISO timestamps sort as strings; the id breaks ties. */
export const listingKey = (item: { createdAt: string; id: string }) => `${item.createdAt}#${item.id}`;

/**
 * Listings that grow with payment volume (payouts, events, deliveries, attempts) are spread over this
 * many gsi1 partitions per tenant: a 10,000-item batch writes to 8 index partitions, not one, so no
 * single partition key takes every write (a GSI partition absorbs ~1,000 writes/s, and a sort key
 * that only grows, like a timestamp, cannot be split for heat). Reads merge the shards.
 */
export const LISTING_SHARDS = 8;

/** The shard partition of an item in a sharded listing: a stable hash of its id. */
export function shardedPartition(base: string, id: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  return `${base}#${(hash >>> 0) % LISTING_SHARDS}`;
}

/** Every shard partition of a sharded listing. */
export function shardPartitions(base: string): string[] {
  return Array.from({ length: LISTING_SHARDS }, (_, shard) => `${base}#${shard}`);
}

export interface NewestFirstQuery<T> {
  client: DynamoDBDocumentClient;
  table: string;
  /** The listing's gsi1 partition (`TENANT#…#REPORTS`), or every shard of a sharded one. */
  partition: string | readonly string[];
  createdGte?: string;
  createdLt?: string;
  /** Id of the last item of the previous page (undefined: first page)… */
  startingAfter?: string;
  /** …and how to read it: an unknown cursor gives an empty page. */
  findCursor?: (id: string) => Promise<{ createdAt: string; id: string } | undefined>;
  /** Attribute equality filters (`{ status: 'paid' }`); undefined values are ignored. */
  equals?: Record<string, string | undefined>;
  /** A further FilterExpression (its own `#name`/`:value` placeholders), ANDed with `equals`. */
  where?: FilterCondition;
  /**
   * The exact test of a raw item after DynamoDB's filter, for what an expression can only narrow
   * (an IBAN that ends with four characters: `contains` then `endsWith`). Counted like a match.
   */
  keep?: (raw: Record<string, unknown>) => boolean;
  limit: number;
  toItem: (raw: Record<string, unknown>) => T;
}

/**
 * Conditions of a FilterExpression, all of which must hold, with their placeholders: built from
 * named parts by the repository that knows the item.
 */
export interface FilterCondition {
  parts: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The first page a filtered shard reads; later ones double up to {@link LARGEST_FILTERED_PAGE}. */
const FIRST_PAGE = 25;
/**
 * Items examined per Query once a filter has found few matches: DynamoDB's `Limit` counts items
 * read, not matches, so a rare match (a customer reference) would otherwise take a round trip per 25
 * payouts. Pages double from 25; a Query also stops at 1 MB read.
 */
const LARGEST_FILTERED_PAGE = 1000;

/**
 * One page of a per-tenant listing, newest first. `[created_gte, created_lt)` and the cursor are a
 * range of the sort key `{createdAt}#{id}` (a bare timestamp sorts before every key of that instant);
 * equality filters apply after DynamoDB's `Limit`, so pages are read until one more match than asked
 * is found, which makes `hasMore` exact.
 */
export async function queryNewestFirst<T>(query: NewestFirstQuery<T>): Promise<Page<T>> {
  const lower = query.createdGte ?? '0';
  let upper = query.createdLt ?? '9';
  const cursor = query.startingAfter ? await query.findCursor?.(query.startingAfter) : undefined;
  if (query.startingAfter && !cursor) return { items: [], hasMore: false };
  const cursorKey = cursor ? listingKey(cursor) : undefined;
  if (cursorKey && cursorKey < upper) upper = cursorKey;
  if (upper <= lower) return { items: [], hasMore: false };

  // Each shard's newest `limit + 1` matches hold the overall newest `limit + 1`: merge and cut.
  const shards = await Promise.all(
    partitionsOf(query).map((partition) => queryRange({ ...query, partition }, lower, upper, cursorKey)),
  );
  const merged = shards.length === 1 ? (shards[0] ?? []) : shards.flat().sort(newestFirst);
  return {
    items: merged.slice(0, query.limit).map(query.toItem),
    hasMore: merged.length > query.limit,
  };
}

const newestFirst = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  (b.gsi1sk as string).localeCompare(a.gsi1sk as string);

function partitionsOf(query: { partition: string | readonly string[] }): readonly string[] {
  return typeof query.partition === 'string' ? [query.partition] : query.partition;
}

/** Up to `limit + 1` matching raw items of one partition's range, newest first. */
async function queryRange<T>(
  query: NewestFirstQuery<T> & { partition: string },
  lower: string,
  upper: string,
  cursorKey: string | undefined,
): Promise<Record<string, unknown>[]> {
  const input = rangeQuery(query, lower, upper);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  let pageSize = Math.max(query.limit + 1, FIRST_PAGE);
  do {
    const page = await query.client.send(
      new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: pageSize }),
    );
    for (const raw of page.Items ?? []) {
      // BETWEEN is inclusive: the cursor itself ends the previous page.
      if (raw.gsi1sk !== cursorKey && (query.keep?.(raw) ?? true)) items.push(raw);
    }
    start = page.LastEvaluatedKey;
    pageSize = Math.min(pageSize * 2, LARGEST_FILTERED_PAGE);
  } while (start && items.length <= query.limit);
  return items;
}

/** The query of a listing's sort-key range `[lower, upper]`, newest first, with its equality filters. */
function rangeQuery(
  query: Pick<NewestFirstQuery<unknown>, 'table' | 'equals' | 'where'> & { partition: string },
  lower: string,
  upper: string,
): QueryCommandInput {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': query.partition, ':lower': lower, ':upper': upper };
  const conditions: string[] = [];
  for (const [attribute, value] of Object.entries(query.equals ?? {})) {
    if (value === undefined) continue;
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    conditions.push(`#${attribute} = :${attribute}`);
  }
  if (query.where) {
    Object.assign(names, query.where.names);
    Object.assign(values, query.where.values);
    conditions.push(...query.where.parts);
  }
  // DynamoDB refuses redundant parentheses: only an OR among other conditions is grouped.
  const grouped = conditions.map((condition) =>
    conditions.length > 1 && condition.includes(' OR ') ? `(${condition})` : condition,
  );
  return {
    TableName: query.table,
    IndexName: GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lower AND :upper',
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ...(conditions.length > 0
      ? { FilterExpression: grouped.join(' AND '), ExpressionAttributeNames: names }
      : {}),
  };
}

/**
 * Every item of a listing's time range, newest first, page after page: for exports, which must not
 * hold the range in memory. `createdLt` is exclusive (a bare timestamp sorts before every
 * `{createdAt}#{id}` of that instant).
 */
export async function* streamNewestFirst<T>(
  query: Omit<NewestFirstQuery<T>, 'startingAfter' | 'findCursor' | 'limit'> & { pageSize: number },
): AsyncIterable<T> {
  // A k-way merge: one page in memory per shard, the newest head yielded next.
  const shards = partitionsOf(query).map((partition) =>
    pagesOf({ ...query, partition })[Symbol.asyncIterator](),
  );
  const heads = await Promise.all(shards.map((shard) => shard.next()));
  for (;;) {
    let newest: number | undefined;
    let newestKey = '';
    heads.forEach((head, index) => {
      if (!head.done && (newest === undefined || (head.value.gsi1sk as string) > newestKey)) {
        newest = index;
        newestKey = head.value.gsi1sk as string;
      }
    });
    if (newest === undefined) return;
    const head = heads[newest] as IteratorYieldResult<Record<string, unknown>>;
    yield query.toItem(head.value);
    heads[newest] = await (shards[newest] as AsyncIterator<Record<string, unknown>>).next();
  }
}

/** Every raw item of one partition's time range, newest first, a page at a time. */
async function* pagesOf(
  query: Omit<NewestFirstQuery<unknown>, 'startingAfter' | 'findCursor' | 'limit'> & {
    pageSize: number;
    partition: string;
  },
): AsyncIterable<Record<string, unknown>> {
  const input = rangeQuery(query, query.createdGte ?? '0', query.createdLt ?? '9');
  // The shard's next page is read while the caller works through this one.
  for await (const page of oneAhead(queryPages(query.client, { ...input, Limit: query.pageSize })))
    for (const raw of page) if (query.keep?.(raw) ?? true) yield raw;
}

async function* queryPages(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): AsyncIterable<Record<string, unknown>[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every item of a small gsi1 partition (a tenant's API keys or webhook endpoints), page after page. */
export async function queryWholePartition<T>(query: {
  client: DynamoDBDocumentClient;
  table: string;
  partition: string;
  toItem: (raw: Record<string, unknown>) => T;
}): Promise<T[]> {
  const found: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await query.client.send(
      new QueryCommand({
        TableName: query.table,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': query.partition },
        ExclusiveStartKey: start,
      }),
    );
    found.push(...(page.Items ?? []).map(query.toItem));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}
