/**
 * How each connector is reached: its provider's hosts per mode and the request rate it allows. Apart
 * from the connectors so that a function needing only these (the reconciliation worker, which reads
 * statements) does not bundle every connector's payout code.
 */
export interface ConnectorProfile {
  /** The provider's API hosts per mode; a deployment may point a connector elsewhere (tests, fakes). */
  readonly baseUrls: { test: string; live: string };
  /** Requests per second the provider allows by default (the token bucket's rate, all containers together). */
  readonly defaultRatePerSecond: number;
}

export const CONNECTOR_PROFILES = {
  stripe: {
    // One host for both modes: the key's prefix (sk_test_/sk_live_) chooses test or live data.
    baseUrls: { test: 'https://api.stripe.com', live: 'https://api.stripe.com' },
    // Stripe's limit in test mode (sandboxes): 25 requests/s; live mode allows 100 read + 100 write a second.
    defaultRatePerSecond: 25,
  },
  adyen: {
    baseUrls: {
      test: 'https://balanceplatform-api-test.adyen.com/btl/v4',
      live: 'https://balanceplatform-api-live.adyen.com/btl/v4',
    },
    // Adyen publishes no request rate for the Transfers API: a conservative 10/s for all containers.
    defaultRatePerSecond: 10,
  },
  paypal: {
    baseUrls: { test: 'https://api-m.sandbox.paypal.com', live: 'https://api-m.paypal.com' },
    // PayPal publishes no rate; its Payouts test page names "400" for POST calls without a unit. Read as
    // per minute, that is under 7 a second; a payout costs one to three calls (token, create, lookup)
    // and a webhook one or two. 5 a second, for every container together, stays under it.
    defaultRatePerSecond: 5,
  },
  // No API: files through the bank files bucket. Present so that every rail has a profile.
  sepa_file: { baseUrls: { test: 'file:', live: 'file:' }, defaultRatePerSecond: 1 },
} as const satisfies Record<string, ConnectorProfile>;

/** The Stripe API version every Stripe request pins (payouts, lookups, statements). */
export const STRIPE_API_VERSION = '2025-09-30.clover';
