import type { ConnectorName } from '../domain/connectors.js';
import type { ProviderStatement } from '../ports/reconciliation.js';
import { createAdyenStatement } from './adyen/statement.js';
import type { ConnectorRuntime } from './connector.js';
import { createPaypalStatement } from './paypal/statement.js';
import { STRIPE_API_VERSION } from './profiles.js';
import { createStripeStatement } from './stripe/statement.js';

/**
 * Each connector's statement (reconciliation, D71): the provider's own records of the tenant's account
 * for a day, and a lookup of one payout's transfer by the keys the connector sent. Apart from the
 * connectors themselves so that only the reconciliation worker bundles them: the executor and the
 * provider webhooks stay within the 200 KB budget.
 */
export const STATEMENTS: Record<
  // The sandbox and SEPA files keep their statements in the table (the sandbox's ledger, the bank's
  // statements as they arrived): adapters, not connectors.
  Exclude<ConnectorName, 'sandbox' | 'sepa_file'>,
  (credentials: Record<string, string>, runtime: ConnectorRuntime) => ProviderStatement
> = {
  stripe: (credentials, runtime) =>
    createStripeStatement(runtime, {
      Authorization: `Bearer ${credentials.secret_key}`,
      'Stripe-Version': STRIPE_API_VERSION,
    }),
  adyen: (credentials, runtime) => createAdyenStatement(credentials as never, runtime),
  paypal: (credentials, runtime) => createPaypalStatement(credentials as never, runtime),
};
