import * as z from 'zod';
import { MAX_APPROVALS, MAX_EXPIRY_HOURS } from '../domain/approvals.js';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES } from '../domain/catalog.js';
import { MANUAL_CATEGORIES } from '../domain/manual-payouts.js';
import { MAX_AMOUNT_MINOR, PAYABLE_CURRENCIES } from '../domain/money.js';
import { MAX_GRANT_DELAY_HOURS, ROLES } from '../domain/team.js';
import { timestamp } from './common.js';
import { createPayoutBody } from './payout-request.js';

const roles = z.array(z.enum(ROLES)).min(1, 'needs at least one role').max(ROLES.length);

export const inviteMemberBody = z.strictObject({
  email: z.email('must be a valid email address').max(254),
  name: z.string().trim().min(1, 'is required').max(120),
  roles,
});

export const updateMemberBody = z
  .strictObject({
    roles: roles.optional(),
    status: z.enum(['active', 'deactivated']).optional(),
    name: z.string().trim().min(1).max(120).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change roles, status or name');

export const memberIdParams = z.strictObject({ id: z.string().min(1).max(64) });
export const idParams = z.strictObject({ id: z.string().min(1).max(64) });

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(80),
  mode: z.enum(['test', 'live']).default('test'),
});

/** The New manual payout form's body: in its own pure module, which the portal's bundle imports too. */
export { manualPayoutBody } from './manual-payout-request.js';

export const attachmentUploadBody = z.strictObject({
  filename: z.string().min(1, 'is required').max(200),
  content_type: z.string().min(1).max(100),
  size: z.int('must be a whole number of bytes').positive('must be greater than 0'),
});

export const criteriaBody = z.strictObject({
  reason_codes: z
    .array(
      z.strictObject({
        code: z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be lowercase letters, digits and _'),
        label: z.string().trim().min(1).max(80),
      }),
    )
    .min(1, 'needs at least one reason code')
    .max(50),
  min_rationale_length: z.int().min(1).max(1000),
  limits: z
    .array(
      z.strictObject({
        category: z.enum(MANUAL_CATEGORIES),
        currency: createPayoutBody.shape.currency,
        max_amount: z.int().positive().max(MAX_AMOUNT_MINOR),
      }),
    )
    // A limit per category in every payable currency at most.
    .max(MANUAL_CATEGORIES.length * PAYABLE_CURRENCIES.length),
  version: z.int().min(0),
});

export const auditQuery = z.strictObject({
  action: z.string().max(64).optional(),
  actor_id: z.string().max(64).optional(),
  target_id: z.string().max(64).optional(),
  created_gte: timestamp.optional(),
  created_lt: timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  starting_after: z
    .string()
    .regex(/^aud_[0-9A-Z]{26}$/, 'must be an audit entry id (next_cursor)')
    .optional(),
});

export const approvalPolicyBody = z.strictObject({
  rules: z
    .array(
      z
        .strictObject({
          name: z.string().trim().min(1, 'is required').max(80),
          sources: z.array(z.enum(PAYOUT_SOURCES)).max(PAYOUT_SOURCES.length).optional(),
          purposes: z.array(z.enum(PAYOUT_PURPOSES)).max(PAYOUT_PURPOSES.length).optional(),
          currency: createPayoutBody.shape.currency.optional(),
          min_amount: z.int().positive().max(MAX_AMOUNT_MINOR).optional(),
          approvals: z.int().min(1).max(MAX_APPROVALS),
        })
        .refine((rule) => rule.min_amount === undefined || rule.currency !== undefined, {
          message: 'a minimum amount needs a currency (amounts are in its minor units)',
          path: ['currency'],
        }),
    )
    .max(50),
  expiry_hours: z.int().min(1).max(MAX_EXPIRY_HOURS),
  /** Cooling-off of an approver or admin grant nobody confirms: at least an hour, at most a week. */
  role_grant_delay_hours: z.int().min(1).max(MAX_GRANT_DELAY_HOURS).optional(),
  /** Every member signs in with an authenticator code, not only approvers and admins. */
  mfa_required_for_all: z.boolean().optional(),
  version: z.int().min(0),
});

export const decisionBody = z.strictObject({
  comment: z.string().trim().max(1000).optional(),
});

export const bulkApproveBody = z.strictObject({
  ids: z.array(z.string().min(1).max(64)).min(1, 'choose at least one payout').max(100),
  comment: z.string().trim().max(1000).optional(),
});

/** The portal's CSV upload: the file's text (UTF-8), checked and turned into a batch server-side. */
export const csvUploadBody = z.strictObject({
  csv: z.string().min(1, 'is empty: choose a CSV file with a header and one payout per row'),
});
