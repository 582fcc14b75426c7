import { decodeTime, encodeTime, monotonicFactory } from 'ulid';

let factoryTime = Number.NaN;
let factory = monotonicFactory();

/** Prefixed, time-sortable ids (`po_01J…`): sorting by id sorts by creation time. */
export type IdPrefix = 'po' | 'evt' | 'ten' | 'ak';

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  // Monotonic within one millisecond (ids minted in a burst keep their order), but never carried
  // forward: ulid's factory would stamp an earlier time with the latest time it has seen.
  if (now !== factoryTime) {
    factory = monotonicFactory();
    factoryTime = now;
  }
  return `${prefix}_${factory(now)}`;
}

/** The creation time encoded in a prefixed ULID. */
export function idTime(id: string): number {
  return decodeTime(id.slice(id.indexOf('_') + 1));
}

/**
 * A key bound for time filters: the id prefix for `time` alone (a ULID's first 10 characters are its
 * time). Every id minted at `time` or later sorts above it, every earlier one below, and no real id
 * equals it.
 */
export function idTimeBound(prefix: IdPrefix, time: number): string {
  return `${prefix}_${encodeTime(Math.max(0, Math.floor(time)), 10)}`;
}
