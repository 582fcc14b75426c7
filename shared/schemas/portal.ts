import { MAX_APPROVALS, MAX_EXPIRY_HOURS } from '../domain/approvals.js';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES } from '../domain/catalog.js';
import { MANUAL_CATEGORIES } from '../domain/manual-payouts.js';
import { MAX_AMOUNT_MINOR, PAYABLE_CURRENCIES } from '../domain/money.js';
import { MAX_GRANT_DELAY_HOURS, ROLES } from '../domain/team.js';
import * as z from '../zod.js';
import { timestamp } from './common.js';
import { createPayoutBody } from './payout-request.js';

const roles = z
  .array(z.enum(ROLES))
  .check(z.minLength(1, 'needs at least one role'), z.maxLength(ROLES.length));

export const inviteMemberBody = z.strictObject({
  email: z.email('must be a valid email address').check(z.maxLength(254)),
  name: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(120)),
  roles,
});

export const updateMemberBody = z
  .strictObject({
    roles: z.optional(roles),
    status: z.optional(z.enum(['active', 'deactivated'])),
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(120))),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, 'must change roles, status or name'));

export const memberIdParams = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
export const idParams = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export const createApiKeyBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(80)),
  mode: z._default(z.enum(['test', 'live']), 'test'),
});

/** The New manual payout form's body: in its own pure module, which the portal's bundle imports too. */
export { manualPayoutBody } from './manual-payout-request.js';

export const attachmentUploadBody = z.strictObject({
  filename: z.string().check(z.minLength(1, 'is required'), z.maxLength(200)),
  content_type: z.string().check(z.minLength(1), z.maxLength(100)),
  size: z.int('must be a whole number of bytes').check(z.positive('must be greater than 0')),
});

export const criteriaBody = z.strictObject({
  reason_codes: z
    .array(
      z.strictObject({
        code: z.string().check(z.regex(/^[a-z0-9_]{1,64}$/, 'must be lowercase letters, digits and _')),
        label: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
      }),
    )
    .check(z.minLength(1, 'needs at least one reason code'), z.maxLength(50)),
  min_rationale_length: z.int().check(z.gte(1), z.lte(1000)),
  limits: z
    .array(
      z.strictObject({
        category: z.enum(MANUAL_CATEGORIES),
        currency: createPayoutBody.shape.currency,
        max_amount: z.int().check(z.positive(), z.lte(MAX_AMOUNT_MINOR)),
      }),
    )
    .check(z.maxLength(MANUAL_CATEGORIES.length * PAYABLE_CURRENCIES.length)),
  version: z.int().check(z.gte(0)),
});

export const auditQuery = z.strictObject({
  action: z.optional(z.string().check(z.maxLength(64))),
  actor_id: z.optional(z.string().check(z.maxLength(64))),
  target_id: z.optional(z.string().check(z.maxLength(64))),
  created_gte: z.optional(timestamp),
  created_lt: z.optional(timestamp),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  starting_after: z.optional(
    z.string().check(z.regex(/^aud_[0-9A-Z]{26}$/, 'must be an audit entry id (next_cursor)')),
  ),
});

export const approvalPolicyBody = z.strictObject({
  rules: z
    .array(
      z
        .strictObject({
          name: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(80)),
          sources: z.optional(z.array(z.enum(PAYOUT_SOURCES)).check(z.maxLength(PAYOUT_SOURCES.length))),
          purposes: z.optional(z.array(z.enum(PAYOUT_PURPOSES)).check(z.maxLength(PAYOUT_PURPOSES.length))),
          currency: z.optional(createPayoutBody.shape.currency),
          min_amount: z.optional(z.int().check(z.positive(), z.lte(MAX_AMOUNT_MINOR))),
          approvals: z.int().check(z.gte(1), z.lte(MAX_APPROVALS)),
        })
        .check(
          z.refine((rule) => rule.min_amount === undefined || rule.currency !== undefined, {
            message: 'a minimum amount needs a currency (amounts are in its minor units)',
            path: ['currency'],
          }),
        ),
    )
    .check(z.maxLength(50)),
  expiry_hours: z.int().check(z.gte(1), z.lte(MAX_EXPIRY_HOURS)),
  /** Cooling-off of an approver or admin grant nobody confirms: at least an hour, at most a week. */
  role_grant_delay_hours: z.optional(z.int().check(z.gte(1), z.lte(MAX_GRANT_DELAY_HOURS))),
  /** Every member signs in with an authenticator code, not only approvers and admins. */
  mfa_required_for_all: z.optional(z.boolean()),
  version: z.int().check(z.gte(0)),
});

export const decisionBody = z.strictObject({
  comment: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
});

export const bulkApproveBody = z.strictObject({
  ids: z
    .array(z.string().check(z.minLength(1), z.maxLength(64)))
    .check(z.minLength(1, 'choose at least one payout'), z.maxLength(100)),
  comment: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
});

/** The portal's CSV upload: the file's text (UTF-8), checked and turned into a batch server-side. */
export const csvUploadBody = z.strictObject({
  csv: z.string().check(z.minLength(1, 'is empty: choose a CSV file with a header and one payout per row')),
});
