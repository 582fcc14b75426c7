import {
  BATCH_COUNT_KEYS,
  BATCH_STATUSES,
  type BatchChunk,
  type PayoutBatch,
} from '../../../domain/batches.js';
import { PAYOUT_PURPOSES, PAYOUT_STATUSES } from '../../../domain/payout.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey } from '../newest-first.js';
import { actionStampSchema, actorSchema } from './actors.js';
import { count, countsOf, maybeText, text } from './fields.js';
import { destinationSchema } from './payout.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const batchSchema = z.object({
  id: text,
  tenantId: text,
  status: z.enum(BATCH_STATUSES),
  total: count,
  chunks: count,
  expandedChunks: count,
  created: count,
  duplicate: count,
  live: countsOf(PAYOUT_STATUSES),
  final: z.nullable(countsOf(BATCH_COUNT_KEYS)),
  requestedBy: actorSchema,
  policySource: z.enum(['api', 'portal', 'event']),
  createdAt: text,
  updatedAt: text,
  completedAt: maybeText,
  lastAction: z.optional(actionStampSchema),
  version: count,
});
true satisfies Exactly<z.output<typeof batchSchema>, PayoutBatch>;

/** A payout batch with its live counters, listed per tenant newest first on gsi1. */
export const batchMapper = {
  entity: 'payout_batch',
  toItem: (batch: PayoutBatch) => ({
    ...keys.batch(batch.tenantId, batch.id),
    gsi1pk: keys.batchesOfTenant(batch.tenantId),
    gsi1sk: listingKey(batch),
    entity: 'payout_batch',
    fmt: ITEM_FORMAT,
    ...batch,
  }),
  fromItem: (raw: Record<string, unknown>): PayoutBatch => parseStored('payout_batch', batchSchema, raw),
} satisfies ItemMapper<PayoutBatch>;

const chunkSchema = z.object({
  tenantId: text,
  batchId: text,
  index: count,
  offset: count,
  items: z.array(
    z.object({
      amount: count,
      currency: text,
      destination: destinationSchema,
      reference: text,
      purpose: z.enum(PAYOUT_PURPOSES),
      description: z.optional(maybeText),
      metadata: z.optional(z.catchall(z.object({}), text)),
      connector: z.optional(text),
    }),
  ),
  doneAt: maybeText,
  duplicates: z.array(count),
});
true satisfies Exactly<z.output<typeof chunkSchema>, BatchChunk>;

/**
 * A chunk of a batch's items (≤100), in the batch's partition. It expires (`expires_at`, epoch
 * seconds, the table's TTL attribute) after the life of a batch: the writer says when.
 */
export const batchChunkMapper = {
  entity: 'payout_batch_chunk',
  toItem: (chunk: BatchChunk, expiresAt: number) => ({
    ...keys.batchChunk(chunk.tenantId, chunk.batchId, chunk.index),
    entity: 'payout_batch_chunk',
    fmt: ITEM_FORMAT,
    ...chunk,
    expires_at: expiresAt,
  }),
  fromItem: (raw: Record<string, unknown>): BatchChunk => parseStored('payout_batch_chunk', chunkSchema, raw),
};
