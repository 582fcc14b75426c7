import { PAYOUT_ID_PATTERN } from '../domain/ids.js';
import { MAX_AMOUNT_MINOR } from '../domain/money.js';
import {
  type ApprovalDecision,
  PAYOUT_PURPOSES,
  PAYOUT_SOURCES,
  PAYOUT_STATUSES,
  type Payout,
} from '../domain/payout.js';
import * as z from '../zod.js';
import { listOf, timestamp } from './common.js';
import { currencyCode } from './currency.js';
import { reference } from './reference.js';

export { reference };

const approvalDecision = z.object({
  user_id: z.string(),
  name: z.string(),
  at: timestamp,
  comment: z.nullable(z.string()),
});

export const payoutResource = z
  .object({
    id: z.string().check(z.meta({ example: 'po_01JD7X2Q4M6N8P0R2S4T6V8W0Y' })),
    object: z.literal('payout'),
    status: z.enum(PAYOUT_STATUSES),
    amount: z.int(),
    currency: z.string(),
    destination: z.discriminatedUnion('type', [
      z.object({
        type: z.literal('bank_account'),
        account_holder_name: z.string(),
        iban_last4: z.string(),
        bic: z.optional(z.string()),
      }),
      z.object({ type: z.literal('email'), email: z.string() }),
      z.object({ type: z.literal('stripe_account'), account: z.string() }),
    ]),
    reference: z.string(),
    purpose: z.enum(PAYOUT_PURPOSES),
    description: z.nullable(z.string()),
    metadata: z.record(z.string(), z.string()),
    source: z.enum(PAYOUT_SOURCES),
    batch_id: z.nullable(z.string()),
    approval: z.nullable(
      z.object({
        required: z.int(),
        approvals: z.array(approvalDecision),
        rejected_by: z.nullable(approvalDecision),
        expires_at: timestamp,
      }),
    ),
    failure_code: z.nullable(z.string()),
    failure_message: z.nullable(z.string()),
    provider_reference: z.nullable(z.string()),
    connector: z.nullable(z.string()).check(
      z.meta({
        description:
          "The rail that carries it (`sandbox`, `stripe`, `adyen`, `paypal`), chosen by the tenant's routing rules when it is created; null only on payouts older than connectors.",
      }),
    ),
    return_code: z
      .nullable(z.string())
      .check(z.meta({ description: 'Why the money came back (status `returned`), e.g. `account_closed`.' })),
    returned_at: z.nullable(timestamp),
    created_at: timestamp,
    updated_at: timestamp,
    paid_at: z.nullable(timestamp),
    version: z
      .int()
      .check(z.meta({ description: 'Incremented on every change: order events of one payout by it.' })),
  })
  .check(z.meta({ id: 'Payout' }));
export type PayoutResource = z.infer<typeof payoutResource>;

export const payoutList = listOf(payoutResource, 'PayoutList');

export const listPayoutsQuery = z
  .strictObject({
    status: z.optional(z.enum(PAYOUT_STATUSES)),
    reference: z.optional(reference),
    purpose: z.optional(z.enum(PAYOUT_PURPOSES)),
    source: z.optional(z.enum(PAYOUT_SOURCES)),
    created_gte: z.optional(timestamp),
    created_lt: z.optional(timestamp),
    limit: z._default(z.coerce.number().check(z.int('must be an integer'), z.gte(1), z.lte(100)), 20),
    starting_after: z.optional(
      z.string().check(z.regex(PAYOUT_ID_PATTERN, 'must be a payout id (next_cursor)')),
    ),
    // Searches (extensions of the contract): filters on the listing, see docs/api.md "Searching payouts".
    customer_reference: z
      .optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(128)))
      .check(
        z.meta({
          description:
            'Exactly the customer reference of a portal payout (or `metadata.customer_reference`), case-sensitive',
        }),
      ),
    reference_prefix: z.optional(reference).check(z.meta({ description: 'The reference starts with this' })),
    // Digits only: "25.00" is refused rather than read as 25 minor units (EUR 0.25).
    amount: z
      .optional(
        z.pipe(
          z.pipe(
            z
              .string()
              .check(
                z.regex(/^\d{1,13}$/, 'must be a whole number of minor units, such as 1050 for EUR 10.50'),
              ),
            z.transform(Number),
          ),
          z.number().check(z.int(), z.gte(1, 'must be more than zero'), z.lte(MAX_AMOUNT_MINOR)),
        ),
      )
      .check(z.meta({ description: 'Exact amount in minor units; needs `currency`' })),
    currency: z.optional(currencyCode),
    iban_last4: z
      .optional(
        z.pipe(
          z
            .string()
            .check(z.regex(/^[A-Za-z0-9]{4}$/, 'must be the last 4 characters of an IBAN, such as 3000')),
          z.transform((last4) => last4.toUpperCase()),
        ),
      )
      .check(z.meta({ description: "The destination IBAN's last 4 characters (bank accounts)" })),
  })
  .check(
    z.refine((query) => query.amount === undefined || query.currency !== undefined, {
      message: 'is required with amount (amounts are in the currency’s minor units)',
      path: ['currency'],
    }),
  );
export type ListPayoutsQuery = z.output<typeof listPayoutsQuery>;

export const payoutIdParams = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

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
