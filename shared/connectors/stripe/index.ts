import type { TransferOutcome } from '../../domain/execution.js';
import {
  type ConnectorProvider,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type TransferRequest,
} from '../../ports/payout-provider.js';
import * as z from '../../zod.js';
import type { ConnectorRuntime, ProviderRail } from '../connector.js';
import { providerCall } from '../http.js';
import { CONNECTOR_PROFILES, STRIPE_API_VERSION } from '../profiles.js';
import { stripeAmount } from './amounts.js';
import { outcomeOfRefusal } from './failures.js';
import { outcomeOfTransfer, type StripeTransfer, stripeTransfer, stripeTransferList } from './transfer.js';

/**
 * The Stripe API version every call is pinned to (`Stripe-Version`), so that a change of the
 * account's default version cannot change what the connector reads: Stripe's newest version when the
 * vendored API document the contract tests use was taken (test/contracts/stripe.openapi.json,
 * October 2025; the version list is in the `stripe` package's changelog). The Transfer fields the
 * connector reads are the same in every version since 2017-04-06.
 */
export { STRIPE_API_VERSION };

/** What a tenant configures: a secret or restricted key, and its webhook endpoint's signing secret. */
export const stripeCredentials = z.object({
  /** `sk_test_…`/`sk_live_…`, or a restricted key `rk_…` with Transfers (write) and Balance (read). */
  secret_key: z
    .string()
    .check(
      z.regex(
        /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
        "must be a Stripe secret or restricted key ('sk_test_…', 'rk_live_…')",
      ),
    ),
  /** The signing secret of the webhook endpoint that points at the platform (`whsec_…`). */
  webhook_secret: z
    .string()
    .check(z.regex(/^whsec_\S+$/, "must be a Stripe webhook signing secret ('whsec_…')")),
});
export type StripeCredentials = z.infer<typeof stripeCredentials>;

/** The key's mode: Stripe has one host, the key decides between test and live data. */
function modeOf(secretKey: string): 'test' | 'live' {
  return /^(sk|rk)_test_/.test(secretKey) ? 'test' : 'live';
}

/**
 * Stripe Connect transfers (https://docs.stripe.com/api/transfers/create): moves money from the
 * tenant's platform balance to a connected account (`acct_…`). The payout id is the Idempotency-Key,
 * the `transfer_group` and `metadata[payout_id]`; the transfer group is what a later attempt looks the
 * transfer up by (Stripe forgets idempotency keys after 24 hours, a transfer group never).
 */
function createStripeProvider(credentials: StripeCredentials, runtime: ConnectorRuntime): ConnectorProvider {
  const now = runtime.now ?? Date.now;
  const headers = {
    Authorization: `Bearer ${credentials.secret_key}`,
    'Stripe-Version': STRIPE_API_VERSION,
  };

  /** An answer that is not the documented one (nothing was made by a read): asked again later. */
  function unreadable(status: number, what: string): ProviderUnavailableError {
    return new ProviderUnavailableError(status, undefined, `Stripe answered ${status} without ${what}`);
  }

  async function findTransfer(
    idempotencyKey: string,
    request?: TransferRequest,
  ): Promise<TransferOutcome | undefined> {
    const payoutId = request?.payoutId ?? idempotencyKey;
    // A list by transfer_group reads Stripe's records directly (the Search API would lag behind).
    const query = new URLSearchParams({ transfer_group: payoutId, limit: '10' });
    const response = await providerCall(runtime, {
      method: 'GET',
      path: `/v1/transfers?${query}`,
      headers,
      key: idempotencyKey,
    });
    const list = stripeTransferList.safeParse(response.body);
    if (response.status !== 200 || !list.success)
      throw unreadable(response.status, 'a readable transfer list');
    const transfers: StripeTransfer[] = [];
    for (const item of list.data.data) {
      const transfer = stripeTransfer.safeParse(item);
      if (!transfer.success) throw unreadable(response.status, 'readable transfers');
      transfers.push(transfer.data);
    }
    // Any transfer in the group counts (it carries the payout's id): the lookup never reports
    // "nothing made" while something was. Ours carries metadata[payout_id] too, preferred if several.
    const ours = transfers.find((transfer) => transfer.metadata?.payout_id === payoutId) ?? transfers.at(-1);
    return ours ? outcomeOfTransfer(ours, now()) : undefined;
  }

  async function createTransfer(request: TransferRequest): Promise<TransferOutcome> {
    if (request.destination.type !== 'stripe_account')
      return {
        status: 'failed',
        providerReference: '',
        failureCode: 'unsupported_destination',
        failureMessage: `Stripe connector: unsupported_destination — Stripe carries only 'stripe_account' destinations, not '${request.destination.type}'`,
      };
    const amount = stripeAmount(request.amount, request.currency);
    if (!amount.ok)
      return {
        status: 'failed',
        providerReference: '',
        failureCode: 'unsupported_destination',
        failureMessage: `Stripe connector: amount_not_exact — ${amount.reason}`,
      };
    const body = new URLSearchParams({
      amount: String(amount.amount),
      currency: amount.currency,
      destination: request.destination.account,
      transfer_group: request.payoutId,
      'metadata[payout_id]': request.payoutId,
      'metadata[reference]': request.reference,
    });
    const response = await providerCall(runtime, {
      method: 'POST',
      path: '/v1/transfers',
      headers: {
        ...headers,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': request.idempotencyKey,
      },
      body: body.toString(),
      mayCreate: true,
      key: request.idempotencyKey,
    });
    if (response.status === 200) {
      const transfer = stripeTransfer.safeParse(response.body);
      // Stripe said yes but the answer cannot be read: the transfer exists, its id is looked up.
      if (!transfer.success)
        throw new ProviderTimeoutError(
          request.idempotencyKey,
          'Stripe made the transfer but its answer is unreadable',
        );
      return outcomeOfTransfer(transfer.data, now());
    }
    return outcomeOfRefusal(
      { status: response.status, body: response.body, requestId: response.headers.get('request-id') },
      request.idempotencyKey,
    );
  }

  return {
    name: 'stripe',
    createTransfer,
    findTransfer,
    async testConnection() {
      const response = await providerCall(runtime, {
        method: 'GET',
        path: '/v1/balance',
        headers,
        key: 'balance',
      });
      const balance = z
        .object({ object: z.literal('balance'), available: z.array(z.object({ currency: z.string() })) })
        .safeParse(response.body);
      if (response.status !== 200 || !balance.success)
        throw unreadable(response.status, 'a readable balance');
      const currencies = balance.data.available.map((entry) => entry.currency.toUpperCase()).join(', ');
      return {
        ok: true,
        detail: `Stripe ${modeOf(credentials.secret_key)}-mode key accepted; available balance in ${currencies || 'no currency yet'}`,
      };
    },
  };
}

/** The Stripe rail: Stripe Connect transfers to connected accounts. */
export const stripeRail: ProviderRail<StripeCredentials> = {
  name: 'stripe',
  label: 'Stripe Connect',
  destinationTypes: ['stripe_account'],
  credentials: stripeCredentials,
  publicFields: [],
  ...CONNECTOR_PROFILES.stripe,
  provider: createStripeProvider,
};
