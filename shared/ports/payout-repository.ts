import type { Payout, PayoutStatus } from '../domain/payout.js';
import type { PayoutSearch } from '../domain/payout-search.js';

/** A response kept with an idempotency key, replayed byte for byte on a retry. */
export interface StoredResponse {
  statusCode: number;
  body: string;
}

export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  /** sha256 of the operation and the canonical request body. */
  fingerprint: string;
  response: StoredResponse;
  createdAt: string;
  /** Epoch seconds; the record is void after this even if DynamoDB TTL has not removed it yet. */
  expiresAt: number;
}

/** A page of a payout listing: the search (every given field must match), its size and cursor. */
export interface ListPayoutsFilter extends PayoutSearch {
  limit: number;
  /** Id of the last payout of the previous page. */
  startingAfter?: string;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/**
 * Payout storage. Every write is conditional; lost races surface as typed errors. The stream record
 * of each payout write is the event it causes (the outbox): callers never publish events themselves.
 */
export interface PayoutRepository {
  /**
   * Writes the idempotency record and the payout in one transaction. The payout id is derived from
   * the reference, so the payout's own condition guards the reference.
   * @throws IdempotencyKeyTakenError, ReferenceTakenError, WriteConflictError
   */
  create(input: { payout: Payout; idempotency: IdempotencyRecord }): Promise<void>;
  /**
   * Writes a payout unless its id (its reference) exists: the batch path, where the batch's own
   * idempotency key covers the request. Returns the existing payout's batch when there is one.
   */
  createIfAbsent(payout: Payout): Promise<{ created: true } | { created: false; batchId: string | null }>;
  /** The statuses of many payouts (strongly consistent); unknown ids are left out. */
  statusesOf(tenantId: string, payoutIds: readonly string[]): Promise<PayoutStatus[]>;
  /** Which of these payouts exist, each with its batch (null for one not made by a batch). */
  batchesOf(tenantId: string, payoutIds: readonly string[]): Promise<Map<string, string | null>>;
  /** Strongly consistent; another tenant's payout is simply not found. */
  get(tenantId: string, payoutId: string): Promise<Payout | undefined>;
  /** Many payouts by id (strongly consistent, BatchGetItem); unknown ids and other tenants' are left out. */
  getMany(tenantId: string, payoutIds: readonly string[]): Promise<Payout[]>;
  /**
   * Newest first (created_at, then id). The search fields beyond status, purpose and source are
   * filters on the tenant's listing: a page reads the listing until `limit + 1` matches (or the
   * range's end), so `hasMore` stays exact and the read cost grows with the payouts examined.
   */
  list(tenantId: string, filter: ListPayoutsFilter): Promise<Page<Payout>>;
  /**
   * Every payout of a time range (and filters), newest first, page after page of the listing index:
   * for exports, which must not hold the whole range in memory.
   */
  stream(tenantId: string, filter: Omit<ListPayoutsFilter, 'limit' | 'startingAfter'>): AsyncIterable<Payout>;
  /**
   * Replaces `current` with `next` if the stored payout still has `current`'s status and version.
   * @throws ConcurrentModificationError
   */
  transition(input: { current: Payout; next: Payout }): Promise<void>;
  /**
   * Every payout that is not final and was created before `createdBefore`, across tenants, page by
   * page, oldest first within each of the index's shards: what the outbox sweeper walks.
   */
  openPayouts(createdBefore: string): AsyncIterable<{ tenantId: string; payoutId: string }[]>;
  /**
   * Adds open payouts written before the open payouts index existed to it (a scan: run once after
   * upgrading, `npm run payouts -- outbox index-open-payouts`); how many it added.
   */
  indexOpenPayouts(): Promise<number>;
}

export interface IdempotencyStore {
  /** Strongly consistent read of the base table; an expired record reads as undefined. */
  get(tenantId: string, key: string, nowSeconds: number): Promise<IdempotencyRecord | undefined>;
}
