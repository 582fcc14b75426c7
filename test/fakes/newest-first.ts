import type { Page } from '../../shared/ports/payout-repository.js';

/**
 * One page of a per-tenant listing as the DynamoDB adapters read it (`queryNewestFirst`): newest
 * first by the sort key `{time}#{id}` (compared as strings, as DynamoDB compares keys), starting
 * after the cursor's key; a cursor that names no item gives an empty page; `hasMore` is exact. The
 * caller has applied the filters already.
 */
export function newestFirstPage<T extends { id: string }>(
  items: readonly T[],
  query: {
    /** The listing's time of an item: `createdAt`, or `attemptedAt` for webhook attempts. */
    timeOf: (item: T) => string;
    limit: number;
    startingAfter?: string | undefined;
    cursorOf?: (id: string) => T | undefined;
  },
): Page<T> {
  const keyOf = (item: T) => `${query.timeOf(item)}#${item.id}`;
  let sorted = [...items].sort((a, b) => compare(keyOf(b), keyOf(a)));
  if (query.startingAfter !== undefined) {
    const cursor = query.cursorOf?.(query.startingAfter);
    if (!cursor) return { items: [], hasMore: false };
    const cursorKey = keyOf(cursor);
    sorted = sorted.filter((item) => keyOf(item) < cursorKey);
  }
  return { items: sorted.slice(0, query.limit), hasMore: sorted.length > query.limit };
}

/** Ascending by `{time}#{id}`: a small listing read whole (members, endpoints), as the index orders it. */
export function oldestFirst<T extends { id: string; createdAt: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compare(`${a.createdAt}#${a.id}`, `${b.createdAt}#${b.id}`));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
