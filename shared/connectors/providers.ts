import type { ConnectorRegistry } from '../use-cases/connectors.js';
import { adyenConnector } from './adyen/connector.js';
import type { Connector } from './connector.js';
import { paypalConnector } from './paypal/connector.js';
import { stripeConnector } from './stripe/connector.js';

/**
 * The connectors with a provider API (each rail with its webhook verification): what the
 * provider-webhook function reads. Apart from the full registry (./registry.ts, which adds SEPA
 * files) so that it does not bundle the SEPA rail; the executor takes the rails alone
 * (./provider-rails.ts).
 */
export const PROVIDER_REGISTRY: ConnectorRegistry = {
  stripe: stripeConnector as unknown as Connector,
  adyen: adyenConnector as unknown as Connector,
  paypal: paypalConnector as unknown as Connector,
};
