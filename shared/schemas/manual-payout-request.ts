import { MANUAL_CATEGORIES } from '../domain/catalog.js';
import * as z from '../zod.js';
import { createPayoutBody, destinationInput } from './payout-request.js';
import { reference } from './reference.js';

/**
 * A manual payout as the portal's New manual payout form sends it (`POST /portal-api/v1/payouts`).
 * The server parses the body with it, and the portal checks the form with it before sending, so a
 * person sees every problem of the form at once and in the server's own words. Keep this module
 * pure (no AWS SDK, no node: modules): it is part of the browser bundle.
 */

const httpsOrHttpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. the ticket in your helpdesk' })
  .check(z.maxLength(2048));

export const manualPayoutBody = z.strictObject({
  category: z.enum(MANUAL_CATEGORIES),
  amount: createPayoutBody.shape.amount,
  currency: createPayoutBody.shape.currency,
  destination: destinationInput,
  customer_reference: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(128)),
  reason_code: z.string().check(z.minLength(1, 'is required'), z.maxLength(64)),
  rationale: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(4000)),
  ticket_url: httpsOrHttpUrl,
  attachment: z.optional(
    z.strictObject({
      key: z.string().check(z.minLength(1), z.maxLength(512)),
      filename: z.string().check(z.minLength(1), z.maxLength(200)),
    }),
  ),
  reference: z.optional(reference),
});
export type ManualPayoutBody = z.output<typeof manualPayoutBody>;
