import * as z from 'zod';
import { PAYOUT_ID_PATTERN } from '../domain/ids.js';
import { MAX_AMOUNT_MINOR } from '../domain/money.js';
import {
  type ApprovalDecision,
  PAYOUT_PURPOSES,
  PAYOUT_SOURCES,
  PAYOUT_STATUSES,
  type Payout,
} from '../domain/payout.js';
import { listOf, timestamp } from './common.js';
import { currencyCode } from './currency.js';
import { reference } from './reference.js';

export { reference };

const approvalDecision = z.object({
  user_id: z.string(),
  name: z.string(),
  at: timestamp,
  comment: z.string().nullable(),
});

export const payoutResource = z
  .object({
    id: z.string().meta({ example: 'po_01JD7X2Q4M6N8P0R2S4T6V8W0Y' }),
    object: z.literal('payout'),
    status: z.enum(PAYOUT_STATUSES),
    amount: z.int(),
    currency: z.string(),
    destination: z.discriminatedUnion('type', [
      z.object({
        type: z.literal('bank_account'),
        account_holder_name: z.string(),
        iban_last4: z.string(),
        bic: z.string().optional(),
      }),
      z.object({ type: z.literal('email'), email: z.string() }),
      z.object({ type: z.literal('stripe_account'), account: z.string() }),
    ]),
    reference: z.string(),
    purpose: z.enum(PAYOUT_PURPOSES),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    source: z.enum(PAYOUT_SOURCES),
    batch_id: z.string().nullable(),
    approval: z
      .object({
        required: z.int(),
        approvals: z.array(approvalDecision),
        rejected_by: approvalDecision.nullable(),
        expires_at: timestamp,
      })
      .nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    provider_reference: z.string().nullable(),
    connector: z.string().nullable().meta({
      description:
        "The rail that carries it (`sandbox`, `stripe`, `adyen`, `paypal`), chosen by the tenant's routing rules when it is created; null only on payouts older than connectors.",
    }),
    return_code: z
      .string()
      .nullable()
      .meta({ description: 'Why the money came back (status `returned`), e.g. `account_closed`.' }),
    returned_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    paid_at: timestamp.nullable(),
    version: z.int().meta({ description: 'Incremented on every change: order events of one payout by it.' }),
  })
  .meta({ id: 'Payout' });
export type PayoutResource = z.infer<typeof payoutResource>;

export const payoutList = listOf(payoutResource, 'PayoutList');

export const listPayoutsQuery = z
  .strictObject({
    status: z.enum(PAYOUT_STATUSES).optional(),
    reference: reference.optional(),
    purpose: z.enum(PAYOUT_PURPOSES).optional(),
    source: z.enum(PAYOUT_SOURCES).optional(),
    created_gte: timestamp.optional(),
    created_lt: timestamp.optional(),
    limit: z.coerce.number().int('must be an integer').min(1).max(100).default(20),
    starting_after: z.string().regex(PAYOUT_ID_PATTERN, 'must be a payout id (next_cursor)').optional(),
    // Searches (extensions of the contract): filters on the listing, see docs/api.md "Searching payouts".
    customer_reference: z.string().trim().min(1, 'must not be empty').max(128).optional().meta({
      description:
        'Exactly the customer reference of a portal payout (or `metadata.customer_reference`), case-sensitive',
    }),
    reference_prefix: reference.optional().meta({ description: 'The reference starts with this' }),
    // Digits only: "25.00" is refused rather than read as 25 minor units (EUR 0.25).
    amount: z
      .string()
      .regex(/^\d{1,13}$/, 'must be a whole number of minor units, such as 1050 for EUR 10.50')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be more than zero').max(MAX_AMOUNT_MINOR))
      .optional()
      .meta({ description: 'Exact amount in minor units; needs `currency`' }),
    currency: currencyCode.optional(),
    iban_last4: z
      .string()
      .regex(/^[A-Za-z0-9]{4}$/, 'must be the last 4 characters of an IBAN, such as 3000')
      .transform((last4) => last4.toUpperCase())
      .optional()
      .meta({ description: "The destination IBAN's last 4 characters (bank accounts)" }),
  })
  // An amount means nothing without its currency: 1050 is EUR 10.50 but JPY 1,050.
  .refine((query) => query.amount === undefined || query.currency !== undefined, {
    message: 'is required with amount (amounts are in the currency’s minor units)',
    path: ['currency'],
  });
export type ListPayoutsQuery = z.output<typeof listPayoutsQuery>;

export const payoutIdParams = z.strictObject({ id: z.string().min(1).max(64) });

const decisionResource = (decision: ApprovalDecision) => ({
  user_id: decision.userId,
  name: decision.name,
  at: decision.at,
  comment: decision.comment,
});

/** The API's view of a payout: snake_case, destination masked (never the full IBAN). */
export function toPayoutResource(payout: Payout): PayoutResource {
  const { destination } = payout;
  return {
    id: payout.id,
    object: 'payout',
    status: payout.status,
    amount: payout.amount,
    currency: payout.currency,
    destination:
      destination.type === 'bank_account'
        ? {
            type: 'bank_account',
            account_holder_name: destination.account_holder_name,
            iban_last4: destination.iban.slice(-4),
            ...(destination.bic ? { bic: destination.bic } : {}),
          }
        : destination.type === 'email'
          ? { type: 'email', email: destination.email }
          : { type: 'stripe_account', account: destination.account },
    reference: payout.reference,
    purpose: payout.purpose,
    description: payout.description,
    metadata: payout.metadata,
    source: payout.source,
    batch_id: payout.batchId,
    approval: payout.approval && {
      required: payout.approval.required,
      approvals: payout.approval.approvals.map(decisionResource),
      rejected_by: payout.approval.rejectedBy && decisionResource(payout.approval.rejectedBy),
      expires_at: payout.approval.expiresAt,
    },
    failure_code: payout.failureCode,
    failure_message: payout.failureMessage,
    provider_reference: payout.providerReference,
    connector: payout.connector ?? null,
    return_code: payout.returnCode ?? null,
    returned_at: payout.returnedAt ?? null,
    created_at: payout.createdAt,
    updated_at: payout.updatedAt,
    paid_at: payout.paidAt,
    version: payout.version,
  };
}
