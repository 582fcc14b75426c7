import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { PAYOUT_PURPOSES } from '../domain/catalog.js';
import { MAX_AMOUNT_MINOR } from '../domain/money.js';
import * as z from '../zod.js';
import { idempotencyKey } from './common.js';
import { currencyCode } from './currency.js';
import { reference } from './reference.js';

/**
 * What a caller sends to create a payout (API, batches, portal, files). Apart from the payout resource
 * (./payouts.ts) so that functions which only read payouts do not bundle the IBAN and currency tables.
 * Pure (zod, ibantools and the pure domain modules only): the portal's browser bundle checks its
 * forms with these same schemas.
 */

const holderName = z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(140));

const bankAccountDestination = z
  .strictObject({
    type: z.literal('bank_account'),
    account_holder_name: holderName,
    iban: z.string().check(
      z.maxLength(64),
      z.overwrite((value) => electronicFormatIBAN(value) ?? value),
      z.refine((value) => isValidIBAN(value), 'must be a valid IBAN (country, length and checksum)'),
    ),
    bic: z.optional(
      z.string().check(
        z.overwrite((value) => value.toUpperCase()),
        z.refine((value) => isValidBIC(value), 'must be a valid BIC (8 or 11 characters)'),
      ),
    ),
  })
  .check(z.meta({ id: 'BankAccountDestination' }));

const emailDestination = z
  .strictObject({
    type: z.literal('email'),
    email: z.email('must be a valid email address').check(z.maxLength(254)),
  })
  .check(z.meta({ id: 'EmailDestination' }));

const stripeAccountDestination = z
  .strictObject({
    type: z.literal('stripe_account'),
    account: z
      .string()
      .check(
        z.maxLength(255),
        z.regex(/^acct_[A-Za-z0-9_]{1,250}$/, "must be a Stripe connected account id ('acct_…')"),
      ),
  })
  .check(z.meta({ id: 'StripeAccountDestination' }));

export const destinationInput = z.discriminatedUnion(
  'type',
  [bankAccountDestination, emailDestination, stripeAccountDestination],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? "must have type 'bank_account', 'email' or 'stripe_account'"
        : undefined,
  },
);

export const metadata = z
  .record(
    z.string().check(z.minLength(1), z.maxLength(40, 'keys are at most 40 characters')),
    z.string().check(z.maxLength(500, 'values are at most 500 characters')),
  )
  .check(
    z.refine((value) => Object.keys(value).length <= 50, 'has at most 50 keys'),
    z.meta({
      description: 'Up to 50 keys of at most 40 characters, string values of at most 500 characters.',
    }),
  );

/**
 * The create body's fields, untagged: with `zod/mini` a schema's metadata is one of its checks and
 * travels with `z.extend` (D84), so the inbound request extends these, not the documented body.
 */
const createPayoutFields = z.strictObject({
  amount: z
    .int('must be an integer amount in minor units (cents)')
    .check(
      z.positive('must be greater than 0'),
      z.lte(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR}`),
    ),
  currency: currencyCode,
  destination: destinationInput,
  reference,
  purpose: z._default(z.enum(PAYOUT_PURPOSES), 'other'),
  description: z.optional(z.nullable(z.string().check(z.maxLength(1000)))),
  metadata: z.optional(metadata),
});

export const createPayoutBody = createPayoutFields.check(z.meta({ id: 'CreatePayoutRequest' }));
export type CreatePayoutBody = z.output<typeof createPayoutBody>;

/** A payout requested by an event or a queue message: the API's create body plus its idempotency key. */
export const inboundPayoutRequest = z.extend(createPayoutFields, { idempotency_key: idempotencyKey });
