import * as z from '../zod.js';

/**
 * A payout's reference as callers write it. On its own, with no imports but zod, so that the
 * request schemas the portal's browser bundle validates with (./manual-payout-request.ts) carry no
 * server-only module.
 */
export const reference = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[A-Za-z0-9._:/-]+$/, 'may contain only letters, digits and . _ : / -'),
  );
