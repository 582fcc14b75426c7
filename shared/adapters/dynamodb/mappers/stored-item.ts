import type * as z from '../../../zod.js';

/**
 * The format of the items this code writes, stored on each as `fmt`. An item written before the
 * attribute existed has none and is read as format 1. A change of an item's shape raises the number
 * and teaches its mapper to read the previous format: a migration, never a surprise.
 */
export const ITEM_FORMAT = 1;

/** The key of a stored item as a message names it. */
function keyOf(raw: Record<string, unknown>): { pk: string; sk: string } {
  return { pk: String(raw.pk ?? '(no pk)'), sk: String(raw.sk ?? '(no sk)') };
}

/**
 * A stored item that is not what its entity's schema says: a bug in a writer, an item edited by hand
 * or a format this code does not know. It names the entity, the item's key and the offending fields.
 */
export class StoredItemError extends Error {
  override readonly name = 'StoredItemError';
  readonly pk: string;
  readonly sk: string;

  constructor(
    readonly entity: string,
    raw: Record<string, unknown>,
    /** The offending attributes, as paths (`destination.iban`, `history.0.at`). */
    readonly fields: readonly string[],
    problems: string,
    options?: { cause?: unknown },
  ) {
    const { pk, sk } = keyOf(raw);
    super(`Stored ${entity} item (pk ${pk}, sk ${sk}) is malformed: ${problems}`, options);
    this.pk = pk;
    this.sk = sk;
  }
}

/** Maps one entity between its domain value and its stored item. */
export interface ItemMapper<T> {
  /** The item's `entity` attribute. */
  readonly entity: string;
  /** The item to write: keys, index keys, `entity`, `fmt` and the value's attributes. */
  toItem(value: T): Record<string, unknown>;
  /** The value of a stored item, checked against the schema; throws a {@link StoredItemError}. */
  fromItem(raw: Record<string, unknown>): T;
}

/**
 * Reads a stored item with `schema` (compiled once, at module level, by the caller): keys, index keys
 * and other attributes the schema does not name are left out of the value.
 */
export function parseStored<S extends z.ZodMiniType>(
  entity: string,
  schema: S,
  raw: Record<string, unknown>,
): z.output<S> {
  const format = raw.fmt;
  if (format !== undefined && format !== ITEM_FORMAT) {
    throw new StoredItemError(
      entity,
      raw,
      ['fmt'],
      `fmt: format ${String(format)} is unknown here (this code reads format ${ITEM_FORMAT})`,
    );
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issue.path.join('.') || '(item)');
  const problems = result.error.issues.map((issue, index) => `${fields[index]}: ${issue.message}`);
  throw new StoredItemError(entity, raw, fields, problems.join('; '), { cause: result.error });
}

/**
 * `true` only when A and B are assignable both ways: a stored schema must produce exactly its domain
 * type, so a field added to the domain and not to the schema (or the reverse) fails to compile.
 */
export type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
