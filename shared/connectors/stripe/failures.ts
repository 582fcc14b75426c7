import type { FAILURE_CODES } from '../../domain/catalog.js';
import type { TransferOutcome } from '../../domain/execution.js';
import { ProviderTimeoutError, ProviderUnavailableError } from '../../ports/payout-provider.js';
import * as z from '../../zod.js';

export type FailureCode = (typeof FAILURE_CODES)[number];

/** Stripe's error body (`{ error: { type, code, message, param } }`), as much of it as is read. */
const stripeErrorBody = z.object({
  error: z.object({
    type: z.string(),
    code: z.optional(z.string()),
    message: z.optional(z.string()),
    param: z.optional(z.string()),
  }),
});

/**
 * Stripe error codes (https://docs.stripe.com/error-codes) a transfer can be refused with, and the
 * platform's failure code for each. Any other refusal is `provider_rejected`, with Stripe's code kept
 * in the failure message.
 */
export const FAILURE_BY_STRIPE_CODE: Readonly<Record<string, FailureCode>> = {
  /** The platform's available balance cannot cover the transfer. */
  balance_insufficient: 'insufficient_funds',
  account_closed: 'account_closed',
  /** The account id is not a valid account for this request. */
  account_invalid: 'invalid_account',
  no_account: 'recipient_not_found',
  /** "No such destination: 'acct_…'" — the account does not exist or is not connected to the platform. */
  resource_missing: 'recipient_not_found',
  /** The connected account has no `transfers` capability (not onboarded, or restricted). */
  insufficient_capabilities_for_transfer: 'unsupported_destination',
  amount_too_large: 'limit_exceeded',
  amount_too_small: 'provider_rejected',
  transfers_not_allowed: 'provider_rejected',
};

/** A refusal Stripe reported, in the platform's words, with Stripe's own code in the message. */
function failureOf(error: z.infer<typeof stripeErrorBody>['error']): {
  failureCode: FailureCode;
  failureMessage: string;
} {
  const stripeCode = error.code ?? error.type;
  // `resource_missing` names the parameter that points nowhere: only the destination is the recipient.
  const mapped =
    error.code === 'resource_missing' && error.param !== 'destination'
      ? undefined
      : error.code
        ? FAILURE_BY_STRIPE_CODE[error.code]
        : undefined;
  return {
    failureCode: mapped ?? 'provider_rejected',
    failureMessage: `Stripe: ${stripeCode} — ${error.message ?? 'no message'}`,
  };
}

/**
 * What a 4xx answer to `POST /v1/transfers` means (providerCall has already turned 401/403, 429 and
 * 5xx into errors):
 *
 *   400, 402, 404 with a Stripe error     → `failed`, mapped (Stripe made nothing and will not on retry;
 *                                           the same key replays the same refusal for 24 hours)
 *   idempotency_error, 409 Conflict       → ProviderTimeoutError: the key was used before, with other
 *                                           parameters or by a request still running, so a transfer may
 *                                           exist — the executor looks it up by transfer_group
 *   anything else                         → ProviderUnavailableError: not Stripe's refusal (a proxy's
 *                                           page), nothing was made, try again later
 */
export function outcomeOfRefusal(
  response: { status: number; body: unknown; requestId: string | null },
  key: string,
): TransferOutcome {
  const parsed = stripeErrorBody.safeParse(response.body);
  if (response.status === 409 || (parsed.success && parsed.data.error.type === 'idempotency_error'))
    throw new ProviderTimeoutError(
      key,
      `Stripe answered ${response.status} (${parsed.success ? (parsed.data.error.code ?? parsed.data.error.type) : 'conflict'}) for idempotency key ${key}: an earlier request used it, look the transfer up`,
    );
  if (!parsed.success || ![400, 402, 404].includes(response.status))
    throw new ProviderUnavailableError(
      response.status,
      undefined,
      `POST /v1/transfers answered ${response.status} without a Stripe error`,
    );
  return { status: 'failed', providerReference: response.requestId ?? '', ...failureOf(parsed.data.error) };
}
