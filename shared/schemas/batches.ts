import * as z from 'zod';
import {
  BATCH_COUNT_KEYS,
  BATCH_MAX_ITEMS,
  BATCH_STATUSES,
  countsOf,
  type PayoutBatch,
} from '../domain/batches.js';
import { type FieldProblem, ValidationError } from '../domain/errors.js';
import { listOf, timestamp, toFieldProblems } from './common.js';
import { type CreatePayoutBody, createPayoutBody } from './payouts.js';

/**
 * 10,000 typical items are ~3 MB of JSON; Lambda's synchronous invocation payload is capped at 6 MB,
 * which is the real ceiling of one request (split larger files into several batches).
 */
export const BATCH_MAX_BODY_BYTES = 6 * 1024 * 1024 - 64 * 1024;

export const BATCH_ID_PATTERN = /^pb_[0-9A-Z]{26}$/;

/** The envelope; each item is validated on its own so that every bad index is listed. */
export const createBatchBody = z
  .strictObject({
    items: z
      .array(createPayoutBody)
      .min(1, 'must contain at least 1 item')
      .max(BATCH_MAX_ITEMS, `must contain at most ${BATCH_MAX_ITEMS} items`),
  })
  .meta({ id: 'CreatePayoutBatchRequest' });

const envelope = z.strictObject({
  items: z
    .array(z.unknown())
    .min(1, 'must contain at least 1 item')
    .max(BATCH_MAX_ITEMS, `must contain at most ${BATCH_MAX_ITEMS} items`),
});

/**
 * Validates a batch: every item as `POST /v1/payouts` would, and references unique within the batch.
 * Problems name the item (`items.7.amount`); the error also lists the bad indexes (`invalid_items`).
 */
export function parseBatchItems(body: unknown): CreatePayoutBody[] {
  const outer = envelope.safeParse(body ?? {});
  if (!outer.success) throw new ValidationError(toFieldProblems(outer.error));
  const problems: FieldProblem[] = [];
  const bad = new Set<number>();
  const items: CreatePayoutBody[] = [];
  const firstWithReference = new Map<string, number>();
  outer.data.items.forEach((raw, index) => {
    const result = createPayoutBody.safeParse(raw);
    if (!result.success) {
      problems.push(...toFieldProblems(result.error, `items.${index}`));
      bad.add(index);
      return;
    }
    const earlier = firstWithReference.get(result.data.reference);
    if (earlier !== undefined) {
      problems.push({
        param: `items.${index}.reference`,
        message: `repeats the reference of items.${earlier}; references must be unique within a batch`,
      });
      bad.add(index);
    } else firstWithReference.set(result.data.reference, index);
    items.push(result.data);
  });
  if (problems.length > 0) {
    const indexes = [...bad].sort((a, b) => a - b);
    throw new ValidationError(problems, {
      message: `${indexes.length} of ${outer.data.items.length} items are invalid (items ${preview(indexes)}); nothing was created.`,
      extra: { invalid_items: indexes },
    });
  }
  return items;
}

const preview = (indexes: number[]) =>
  indexes.length > 20
    ? `${indexes.slice(0, 20).join(', ')} and ${indexes.length - 20} more`
    : indexes.join(', ');

export const batchIdParams = z.strictObject({
  id: z.string().regex(BATCH_ID_PATTERN, 'must be a payout batch id'),
});

export const listBatchesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().regex(BATCH_ID_PATTERN, 'must be a payout batch id (next_cursor)').optional(),
});

export const batchResource = z
  .object({
    id: z.string().meta({ example: 'pb_01JD7X2Q4M6N8P0R2S4T6V8W0Y' }),
    object: z.literal('payout_batch'),
    status: z.enum(BATCH_STATUSES),
    total: z.int(),
    counts: z.object(Object.fromEntries(BATCH_COUNT_KEYS.map((key) => [key, z.int()]))).meta({
      description:
        'Payouts per status, and `duplicate` (items whose reference already existed). Live while the batch runs; exact once it is `completed`.',
    }),
    expanded: z.int().meta({ description: 'Items turned into payouts (or found duplicate) so far.' }),
    created_at: timestamp,
    completed_at: timestamp.nullable(),
  })
  .meta({ id: 'PayoutBatch' });
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
