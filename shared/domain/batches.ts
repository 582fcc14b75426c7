import type { ActionStamp, Actor } from './audit.js';
import { isSettled, PAYOUT_STATUSES, type PayoutRequest, type PayoutStatus } from './payout.js';

/**
 * Payout batches: up to 10,000 payout requests accepted in one call, stored in chunks, and expanded
 * into payouts asynchronously, one chunk per worker message (D37).
 *
 *   POST ─► chunks + batch (accepted) ─► relay: one expansion message per chunk
 *        ─► worker: conditional put of each payout; chunk marked done + batch counters (one transaction)
 *        ─► relay: status deltas of the batch's payouts ─► counters ─► when they say "all terminal",
 *           an exact recount ─► completed (counts frozen) ─► payout_batch.completed
 */
export const BATCH_MAX_ITEMS = 10_000;
/** Payouts per chunk: one expansion message, one worker invocation. */
export const CHUNK_MAX_ITEMS = 100;
/** A chunk item stays well under DynamoDB's 400 KB item limit. */
export const CHUNK_MAX_BYTES = 300 * 1024;
/** Chunks are kept for the life of a batch: longer than the longest approval wait (20 days). */
export const CHUNK_TTL_DAYS = 30;

export const BATCH_STATUSES = ['accepted', 'processing', 'completed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** What `counts` reports: every payout status, and the items whose reference already existed. */
export const BATCH_COUNT_KEYS = [...PAYOUT_STATUSES, 'duplicate'] as const;
export type BatchCounts = Record<(typeof BATCH_COUNT_KEYS)[number], number>;

export interface PayoutBatch {
  id: string;
  tenantId: string;
  status: BatchStatus;
  total: number;
  chunks: number;
  /** Chunks whose payouts all exist (each counted once, in the transaction that marks it done). */
  expandedChunks: number;
  /** Payouts this batch created; `total - created - duplicate` are still to be expanded. */
  created: number;
  duplicate: number;
  /**
   * Payouts per status while the batch runs, kept by the relay from the payouts' changes. A relay
   * retry may count a change twice, so these are progress, not truth: completion is decided by an
   * exact recount, and the recounted figures replace them (`final`).
   */
  live: Record<PayoutStatus, number>;
  /** The exact counts, set when the batch completes. */
  final: BatchCounts | null;
  requestedBy: Actor;
  /**
   * How the approval policy sees the batch's payouts: a person's batch is judged as theirs (D37), a
   * payroll file dropped in the inbound bucket as a request by event (D41).
   */
  policySource: 'api' | 'portal' | 'event';
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  lastAction?: ActionStamp;
  version: number;
}

/** A stored slice of a batch's items, expanded by one worker invocation. */
export interface BatchChunk {
  tenantId: string;
  batchId: string;
  index: number;
  /** Position of the chunk's first item in the request. */
  offset: number;
  items: PayoutRequest[];
  /** Set when every item of the chunk exists as a payout (or was a duplicate). */
  doneAt: string | null;
  /** Positions (in the request) of the items whose reference another payout already had. */
  duplicates: number[];
}

export function emptyCounts(): Record<PayoutStatus, number> {
  return Object.fromEntries(PAYOUT_STATUSES.map((status) => [status, 0])) as Record<PayoutStatus, number>;
}

/**
 * Splits validated items into chunks of at most CHUNK_MAX_ITEMS items and CHUNK_MAX_BYTES of JSON.
 * A single payout request is at most ~30 KB, so every item fits in some chunk.
 */
export function chunkItems(items: readonly PayoutRequest[]): { offset: number; items: PayoutRequest[] }[] {
  const chunks: { offset: number; items: PayoutRequest[] }[] = [];
  let current: { offset: number; items: PayoutRequest[] } | undefined;
  let bytes = 0;
  items.forEach((item, position) => {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (!current || current.items.length === CHUNK_MAX_ITEMS || bytes + size > CHUNK_MAX_BYTES) {
      current = { offset: position, items: [] };
      chunks.push(current);
      bytes = 0;
    }
    current.items.push(item);
    bytes += size;
  });
  return chunks;
}

/** The counter changes one committed payout write makes to its batch (none for other writes). */
export function countDelta(
  before: PayoutStatus | undefined,
  after: PayoutStatus,
): Partial<Record<PayoutStatus, number>> {
  if (before === after) return {};
  return before ? { [before]: -1, [after]: 1 } : { [after]: 1 };
}

/** Statuses the platform's work on a payout ends in (a paid payout may still be returned later). */
const TERMINAL: readonly PayoutStatus[] = PAYOUT_STATUSES.filter(isSettled);

/**
 * Whether the live counters say every payout may be terminal: the cue for the exact recount. They can
 * only over-count (a retried change is applied twice), so the last payout to finish always gives it.
 */
export function mayBeComplete(batch: PayoutBatch): boolean {
  if (batch.status !== 'processing' || batch.expandedChunks < batch.chunks) return false;
  const terminal = TERMINAL.reduce((sum, status) => sum + (batch.live[status] ?? 0), 0);
  return terminal >= batch.created;
}

/** The exact counts of a batch from the statuses of its payouts, and whether all are terminal. */
export function recount(
  statuses: readonly PayoutStatus[],
  duplicate: number,
): { counts: BatchCounts; complete: boolean } {
  const counts: BatchCounts = { ...emptyCounts(), duplicate };
  for (const status of statuses) counts[status] += 1;
  return { counts, complete: statuses.every((status) => TERMINAL.includes(status)) };
}

/** The counts the API shows, in status order: exact once completed, the live counters (never negative) before. */
export function countsOf(batch: PayoutBatch): BatchCounts {
  const source: Partial<BatchCounts> = batch.final ?? { ...batch.live, duplicate: batch.duplicate };
  return Object.fromEntries(
    BATCH_COUNT_KEYS.map((key) => [key, Math.max(0, source[key] ?? 0)]),
  ) as BatchCounts;
}
