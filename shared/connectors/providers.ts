import type { ConnectorRegistry } from '../use-cases/connectors.js';
import { adyenConnector } from './adyen/index.js';
import type { Connector } from './connector.js';
import { paypalConnector } from './paypal/index.js';
import { stripeConnector } from './stripe/index.js';

/**
 * The rails with a provider API: what the executor calls and what sends provider webhooks. Apart
 * from the full registry (./registry.ts, which adds SEPA files) so that the executor and the
 * provider-webhook function do not bundle the SEPA rail they never use.
 */
export const PROVIDER_REGISTRY: ConnectorRegistry = {
  stripe: stripeConnector as unknown as Connector,
  adyen: adyenConnector as unknown as Connector,
  paypal: paypalConnector as unknown as Connector,
};
