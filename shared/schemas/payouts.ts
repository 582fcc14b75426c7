import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import * as z from 'zod';
import { PAYOUT_ID_PATTERN } from '../domain/ids.js';
import { isKnownCurrency, MAX_AMOUNT_MINOR } from '../domain/money.js';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES, type Payout } from '../domain/payout.js';
import { listOf, timestamp } from './common.js';

const holderName = z.string().trim().min(1, 'is required').max(140);

const bankAccountDestination = z
  .strictObject({
    type: z.literal('bank_account'),
    account_holder_name: holderName,
    iban: z
      .string()
      .max(64)
      .overwrite((value) => electronicFormatIBAN(value) ?? value)
      .refine((value) => isValidIBAN(value), 'must be a valid IBAN (country, length and checksum)'),
    bic: z
      .string()
      .overwrite((value) => value.toUpperCase())
      .refine((value) => isValidBIC(value), 'must be a valid BIC (8 or 11 characters)')
      .optional(),
  })
  .meta({ id: 'BankAccountDestination' });

const emailDestination = z
  .strictObject({
    type: z.literal('email'),
    email: z.email('must be a valid email address').max(254),
  })
  .meta({ id: 'EmailDestination' });

export const destinationInput = z.discriminatedUnion('type', [bankAccountDestination, emailDestination], {
  error: (issue) => (issue.code === 'invalid_union' ? "must have type 'bank_account' or 'email'" : undefined),
});

export const metadata = z
  .record(
    z.string().min(1).max(40, 'keys are at most 40 characters'),
    z.string().max(500, 'values are at most 500 characters'),
  )
  .refine((value) => Object.keys(value).length <= 50, 'has at most 50 keys')
  .meta({ description: 'Up to 50 keys of at most 40 characters, string values of at most 500 characters.' });

export const reference = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'may contain only letters, digits and . _ : / -');

export const createPayoutBody = z
  .strictObject({
    amount: z
      .int('must be an integer amount in minor units (cents)')
      .positive('must be greater than 0')
      .max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR}`),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an uppercase ISO 4217 code such as EUR')
      .refine(isKnownCurrency, 'is not a known ISO 4217 currency'),
    destination: destinationInput,
    reference,
    purpose: z.enum(PAYOUT_PURPOSES).default('other'),
    description: z.string().max(1000).nullable().optional(),
    metadata: metadata.optional(),
  })
  .meta({ id: 'CreatePayoutRequest' });
export type CreatePayoutBody = z.output<typeof createPayoutBody>;

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
    created_at: timestamp,
    updated_at: timestamp,
    paid_at: timestamp.nullable(),
    version: z.int().meta({ description: 'Incremented on every change: order events of one payout by it.' }),
  })
  .meta({ id: 'Payout' });
export type PayoutResource = z.infer<typeof payoutResource>;

export const payoutList = listOf(payoutResource, 'PayoutList');

export const listPayoutsQuery = z.strictObject({
  status: z.enum(PAYOUT_STATUSES).optional(),
  reference: reference.optional(),
  purpose: z.enum(PAYOUT_PURPOSES).optional(),
  source: z.enum(PAYOUT_SOURCES).optional(),
  created_gte: timestamp.optional(),
  created_lt: timestamp.optional(),
  limit: z.coerce.number().int('must be an integer').min(1).max(100).default(20),
  starting_after: z.string().regex(PAYOUT_ID_PATTERN, 'must be a payout id (next_cursor)').optional(),
});
export type ListPayoutsQuery = z.output<typeof listPayoutsQuery>;

export const payoutIdParams = z.strictObject({ id: z.string().min(1).max(64) });

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
        : { type: 'email', email: destination.email },
    reference: payout.reference,
    purpose: payout.purpose,
    description: payout.description,
    metadata: payout.metadata,
    source: payout.source,
    batch_id: payout.batchId,
    approval: payout.approval,
    failure_code: payout.failureCode,
    failure_message: payout.failureMessage,
    provider_reference: payout.providerReference,
    created_at: payout.createdAt,
    updated_at: payout.updatedAt,
    paid_at: payout.paidAt,
    version: payout.version,
  };
}
