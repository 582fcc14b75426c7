import { BATCH_COUNT_KEYS, BATCH_STATUSES, countsOf, type PayoutBatch } from '../domain/batches.js';
import * as z from '../zod.js';
import { listOf, timestamp } from './common.js';

/**
 * 10,000 typical items are ~3 MB of JSON; Lambda's synchronous invocation payload is capped at 6 MB,
 * which is the real ceiling of one request (split larger files into several batches).
 */
export const BATCH_MAX_BODY_BYTES = 6 * 1024 * 1024 - 64 * 1024;

export const BATCH_ID_PATTERN = /^pb_[0-9A-Z]{26}$/;

export const batchIdParams = z.strictObject({
  id: z.string().check(z.regex(BATCH_ID_PATTERN, 'must be a payout batch id')),
});

export const listBatchesQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  starting_after: z.optional(
    z.string().check(z.regex(BATCH_ID_PATTERN, 'must be a payout batch id (next_cursor)')),
  ),
});

export const batchResource = z
  .object({
    id: z.string().check(z.meta({ example: 'pb_01JD7X2Q4M6N8P0R2S4T6V8W0Y' })),
    object: z.literal('payout_batch'),
    status: z.enum(BATCH_STATUSES),
    total: z.int(),
    counts: z.object(Object.fromEntries(BATCH_COUNT_KEYS.map((key) => [key, z.int()]))).check(
      z.meta({
        description:
          'Payouts per status, and `duplicate` (items whose reference already existed). Live while the batch runs; exact once it is `completed`.',
      }),
    ),
    expanded: z
      .int()
      .check(z.meta({ description: 'Items turned into payouts (or found duplicate) so far.' })),
    created_at: timestamp,
    completed_at: z.nullable(timestamp),
  })
  .check(z.meta({ id: 'PayoutBatch' }));
export type BatchResource = z.infer<typeof batchResource>;

export const batchList = listOf(batchResource, 'PayoutBatchList');

export function toBatchResource(batch: PayoutBatch): BatchResource {
  return {
    id: batch.id,
    object: 'payout_batch',
    status: batch.status,
    total: batch.total,
    counts: countsOf(batch),
    expanded: batch.created + batch.duplicate,
    created_at: batch.createdAt,
    completed_at: batch.completedAt,
  };
}
