import * as z from '../../../zod.js';

/*
 * The attribute schemas every mapper uses, built once and shared: a smaller bundle (every function
 * carries every mapper) and nothing built per read.
 */
export const text = z.string();
export const maybeText = z.nullable(text);
/** An attribute added after items were first written: older items lack it. */
export const optionalText = z.optional(maybeText);
export const count = z.number();
export const maybeCount = z.nullable(count);
export const flag = z.boolean();

/** An object with a count for each name (counters per status): every name must be there. */
export function countsOf<const K extends string>(names: readonly K[]) {
  return z.object(Object.fromEntries(names.map((name) => [name, count])) as Record<K, typeof count>);
}
