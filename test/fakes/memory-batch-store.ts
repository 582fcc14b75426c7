import type { BatchChunk, BatchCounts, PayoutBatch } from '../../shared/domain/batches.js';
import { IdempotencyKeyTakenError, WriteConflictError } from '../../shared/domain/errors.js';
import type { PayoutStatus } from '../../shared/domain/payout.js';
import type { BatchStore } from '../../shared/ports/batch-store.js';
import type { IdempotencyRecord, Page } from '../../shared/ports/payout-repository.js';
import { MemoryIdempotencyStore } from './memory-idempotency.js';
import { newestFirstPage } from './newest-first.js';
import { InFlightTransactions } from './transactions.js';

/**
 * {@link BatchStore} in memory (shared/adapters/dynamodb/batch-store.ts):
 * - `create` writes the chunks first, then the idempotency record and the batch in one transaction:
 *   a live key throws IdempotencyKeyTakenError with the stored record, any other refusal (a
 *   transaction in flight on the key) WriteConflictError; the chunks stay behind, unreferenced.
 * - `finishChunk` marks a chunk done and adds its figures to the batch at once (status `processing`),
 *   false when the chunk is missing or done already;
 * - `addLive` adds deltas to the live counters (zero deltas write nothing);
 * - `complete` only from `processing` with every chunk expanded, else false.
 * Writes to a batch that does not exist fail as the adapter's (a raw condition failure).
 */
export class MemoryBatchStore implements BatchStore {
  private readonly batches = new Map<string, PayoutBatch>();
  private readonly chunkItems = new Map<string, BatchChunk>();

  constructor(
    readonly idempotency: MemoryIdempotencyStore = new MemoryIdempotencyStore(),
    private readonly transactions: InFlightTransactions = new InFlightTransactions(),
  ) {}

  async create(input: { batch: PayoutBatch; chunks: BatchChunk[]; idempotency: IdempotencyRecord }) {
    const { batch, chunks, idempotency } = input;
    for (const chunk of chunks)
      this.chunkItems.set(chunkSlot(chunk.tenantId, chunk.batchId, chunk.index), structuredClone(chunk));
    const batchItem = `batch:${slot(batch.tenantId, batch.id)}`;
    await this.transactions.run([MemoryIdempotencyStore.itemOf(idempotency), batchItem], () => {
      const liveKey = this.idempotency.blocking(idempotency, batch.createdAt);
      if (liveKey) throw new IdempotencyKeyTakenError(liveKey);
      if (this.batches.has(slot(batch.tenantId, batch.id))) throw new WriteConflictError();
      this.idempotency.put(idempotency);
      this.batches.set(slot(batch.tenantId, batch.id), structuredClone(batch));
    });
  }

  async get(tenantId: string, batchId: string): Promise<PayoutBatch | undefined> {
    const batch = this.batches.get(slot(tenantId, batchId));
    return batch && structuredClone(batch);
  }

  async list(tenantId: string, query: { limit: number; startingAfter?: string }): Promise<Page<PayoutBatch>> {
    const ofTenant = [...this.batches.values()].filter((batch) => batch.tenantId === tenantId);
    return newestFirstPage(structuredClone(ofTenant), {
      timeOf: (batch) => batch.createdAt,
      limit: query.limit,
      startingAfter: query.startingAfter,
      cursorOf: (id) => this.batches.get(slot(tenantId, id)),
    });
  }

  async getChunk(tenantId: string, batchId: string, index: number): Promise<BatchChunk | undefined> {
    const chunk = this.chunkItems.get(chunkSlot(tenantId, batchId, index));
    return chunk && structuredClone(chunk);
  }

  async chunks(tenantId: string, batchId: string): Promise<BatchChunk[]> {
    return [...this.chunkItems.values()]
      .filter((chunk) => chunk.tenantId === tenantId && chunk.batchId === batchId)
      .sort((a, b) => a.index - b.index)
      .map((chunk) => structuredClone(chunk));
  }

  async finishChunk(input: {
    tenantId: string;
    batchId: string;
    index: number;
    created: number;
    duplicates: number[];
    now: string;
  }): Promise<boolean> {
    const chunk = this.chunkItems.get(chunkSlot(input.tenantId, input.batchId, input.index));
    if (!chunk || chunk.doneAt !== null) return false;
    const batch = this.existing(input.tenantId, input.batchId);
    chunk.doneAt = input.now;
    chunk.duplicates = [...input.duplicates];
    Object.assign(batch, {
      status: 'processing',
      updatedAt: input.now,
      expandedChunks: batch.expandedChunks + 1,
      created: batch.created + input.created,
      duplicate: batch.duplicate + input.duplicates.length,
      version: batch.version + 1,
    });
    return true;
  }

  async addLive(
    tenantId: string,
    batchId: string,
    delta: Partial<Record<PayoutStatus, number>>,
    now: string,
  ): Promise<void> {
    const entries = Object.entries(delta).filter(([, value]) => value !== 0) as [PayoutStatus, number][];
    if (entries.length === 0) return;
    const batch = this.existing(tenantId, batchId);
    for (const [status, value] of entries) batch.live[status] = (batch.live[status] ?? 0) + value;
    batch.updatedAt = now;
    batch.version += 1;
  }

  async complete(input: { tenantId: string; batchId: string; counts: BatchCounts; now: string }) {
    const batch = this.batches.get(slot(input.tenantId, input.batchId));
    if (batch?.status !== 'processing' || batch.expandedChunks !== batch.chunks) return false;
    Object.assign(batch, {
      status: 'completed',
      final: structuredClone(input.counts),
      completedAt: input.now,
      updatedAt: input.now,
      version: batch.version + 1,
    });
    return true;
  }

  private existing(tenantId: string, batchId: string): PayoutBatch {
    const batch = this.batches.get(slot(tenantId, batchId));
    if (!batch) {
      const error = new Error('The conditional request failed');
      error.name = 'ConditionalCheckFailedException';
      throw error;
    }
    return batch;
  }
}

const slot = (tenantId: string, batchId: string) => `${tenantId}#${batchId}`;
const chunkSlot = (tenantId: string, batchId: string, index: number) => `${tenantId}#${batchId}#${index}`;
