import { BATCH_MAX_ITEMS } from '../domain/batches.js';
import { type FieldProblem, ValidationError } from '../domain/errors.js';
import * as z from '../zod.js';
import { toFieldProblems } from './common.js';
import { type CreatePayoutBody, createPayoutBody } from './payout-request.js';

/** The envelope; each item is validated on its own so that every bad index is listed. */
export const createBatchBody = z
  .strictObject({
    items: z
      .array(createPayoutBody)
      .check(
        z.minLength(1, 'must contain at least 1 item'),
        z.maxLength(BATCH_MAX_ITEMS, `must contain at most ${BATCH_MAX_ITEMS} items`),
      ),
  })
  .check(z.meta({ id: 'CreatePayoutBatchRequest' }));

const envelope = z.strictObject({
  items: z
    .array(z.unknown())
    .check(
      z.minLength(1, 'must contain at least 1 item'),
      z.maxLength(BATCH_MAX_ITEMS, `must contain at most ${BATCH_MAX_ITEMS} items`),
    ),
});

/**
 * Validates a batch: every item as `POST /v1/payouts` would, and references unique within the batch.
 * Problems name the item (`items.7.amount`); the error also lists the bad indexes (`invalid_items`).
 * A repeated reference is found from the references as written, whether or not the items are
 * otherwise valid, so it is reported in the same round as every other problem. `itemName` says how a
 * message names another item (the bulk upload file says "line 4").
 */
export function parseBatchItems(
  body: unknown,
  options: { itemName?: (index: number) => string } = {},
): CreatePayoutBody[] {
  const itemName = options.itemName ?? ((index: number) => `items.${index}`);
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
    } else items.push(result.data);
    const written = (raw as { reference?: unknown } | null)?.reference;
    if (typeof written !== 'string' || written === '') return;
    const earlier = firstWithReference.get(written);
    if (earlier !== undefined) {
      problems.push({
        param: `items.${index}.reference`,
        message: `repeats the reference of ${itemName(earlier)}; references must be unique within a batch`,
      });
      bad.add(index);
    } else firstWithReference.set(written, index);
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
