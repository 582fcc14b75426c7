import type { BatchChunk, BatchCounts, PayoutBatch } from '../domain/batches.js';
import type { PayoutStatus } from '../domain/payout.js';
import type { IdempotencyRecord, Page } from './payout-repository.js';

/** Payout batches and their chunks. Every change is conditional or an atomic counter. */
export interface BatchStore {
  /**
   * Writes the chunks, then the idempotency record and the batch in one transaction: until that
   * commits, the chunks are unreferenced (and expire).
   * @throws IdempotencyKeyTakenError, WriteConflictError
   */
  create(input: { batch: PayoutBatch; chunks: BatchChunk[]; idempotency: IdempotencyRecord }): Promise<void>;
  get(tenantId: string, batchId: string): Promise<PayoutBatch | undefined>;
  list(tenantId: string, query: { limit: number; startingAfter?: string }): Promise<Page<PayoutBatch>>;
  getChunk(tenantId: string, batchId: string, index: number): Promise<BatchChunk | undefined>;
  chunks(tenantId: string, batchId: string): Promise<BatchChunk[]>;
  /**
   * Marks a chunk done and adds its figures to the batch, in one transaction: a chunk is counted once
   * however often it is expanded. Returns false when it was already done.
   */
  finishChunk(input: {
    tenantId: string;
    batchId: string;
    index: number;
    created: number;
    duplicates: number[];
    now: string;
  }): Promise<boolean>;
  /** Adds status deltas to the batch's live counters (one atomic update). */
  addLive(
    tenantId: string,
    batchId: string,
    delta: Partial<Record<PayoutStatus, number>>,
    now: string,
  ): Promise<void>;
  /** `processing` → `completed` with the exact counts; false when another writer completed it. */
  complete(input: { tenantId: string; batchId: string; counts: BatchCounts; now: string }): Promise<boolean>;
}
