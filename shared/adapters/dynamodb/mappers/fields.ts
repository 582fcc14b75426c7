import * as z from 'zod';

/*
 * The attribute schemas every mapper uses, built once and shared: a smaller bundle (every function
 * carries every mapper) and nothing built per read.
 */
export const text = z.string();
export const maybeText = text.nullable();
/** An attribute added after items were first written: older items lack it. */
export const optionalText = maybeText.optional();
export const count = z.number();
export const maybeCount = count.nullable();
export const flag = z.boolean();

/** An object with a count for each name (counters per status): every name must be there. */
export function countsOf<const K extends string>(names: readonly K[]) {
  return z.object(Object.fromEntries(names.map((name) => [name, count])) as Record<K, typeof count>);
}
