import { createHash } from 'node:crypto';
import { decodeTime, monotonicFactory } from 'ulid';

let factoryTime = Number.NaN;
let factory = monotonicFactory();

/** Prefixed, time-sortable ids (`ten_01J…`): sorting by id sorts by creation time. */
export type IdPrefix = 'evt' | 'ten' | 'ak' | 'we' | 'act' | 'aud' | 'rep' | 'pb' | 'rr';

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

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 26 Crockford base-32 characters (130 bits) of SHA-256 over `parts`: stable, opaque ids. */
export function stableId(parts: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  let out = '';
  let value = 0;
  let bits = 0;
  for (const byte of digest) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 26) break;
  }
  return out;
}

/**
 * A payout's id is derived from its tenant and reference: `po_` and 26 Crockford base-32 characters
 * (130 bits) of SHA-256. References are unique per tenant, so the payout item's own
 * `attribute_not_exists` condition is the reference guard (no separate guard item), and every path
 * that creates a payout for a reference (API, batches, event triggers) lands on the same item.
 */
export function payoutIdFor(tenantId: string, reference: string): string {
  return `po_${stableId([tenantId, reference])}`;
}

export const PAYOUT_ID_PATTERN = /^po_[0-9A-HJKMNP-TV-Z]{26}$/;
