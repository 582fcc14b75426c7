import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page } from '../../ports/payout-repository.js';
import { GSI1 } from './keys.js';

/** Sort key of every per-tenant listing on gsi1: ISO timestamps sort as strings; the id breaks ties. */
export const listingKey = (item: { createdAt: string; id: string }) => `${item.createdAt}#${item.id}`;

export interface NewestFirstQuery<T> {
  client: DynamoDBDocumentClient;
  table: string;
  /** The listing's gsi1 partition (`TENANT#…#PAYOUTS`). */
  partition: string;
  createdGte?: string;
  createdLt?: string;
  /** Id of the last item of the previous page (undefined: first page)… */
  startingAfter?: string;
  /** …and how to read it: an unknown cursor gives an empty page. */
  findCursor?: (id: string) => Promise<{ createdAt: string; id: string } | undefined>;
  /** Attribute equality filters (`{ status: 'paid' }`); undefined values are ignored. */
  equals?: Record<string, string | undefined>;
  limit: number;
  toItem: (raw: Record<string, unknown>) => T;
}

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

  const input = rangeQuery(query, lower, upper);

  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await query.client.send(
      new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: Math.max(query.limit + 1, 25) }),
    );
    for (const raw of page.Items ?? []) {
      // BETWEEN is inclusive: the cursor itself ends the previous page.
      if (raw.gsi1sk !== cursorKey) items.push(query.toItem(raw));
    }
    start = page.LastEvaluatedKey;
  } while (start && items.length <= query.limit);
  return { items: items.slice(0, query.limit), hasMore: items.length > query.limit };
}

/** The query of a listing's sort-key range `[lower, upper]`, newest first, with its equality filters. */
function rangeQuery(
  query: Pick<NewestFirstQuery<unknown>, 'table' | 'partition' | 'equals'>,
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
  return {
    TableName: query.table,
    IndexName: GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lower AND :upper',
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ...(conditions.length > 0
      ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names }
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
  const input = rangeQuery(query, query.createdGte ?? '0', query.createdLt ?? '9');
  let start: Record<string, unknown> | undefined;
  do {
    const page = await query.client.send(
      new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: query.pageSize }),
    );
    for (const item of page.Items ?? []) yield query.toItem(item);
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
