import type { ConnectorRegistry } from '../use-cases/connectors.js';
import { adyenConnector } from './adyen/index.js';
import type { Connector } from './connector.js';
import { paypalConnector } from './paypal/index.js';
import { sepaFileConnector } from './sepa/connector.js';
import { stripeConnector } from './stripe/index.js';

/**
 * Every connector that moves real money, by name. Only the functions that call providers import this
 * (the executor, the provider webhooks, the payout rails page and the CLI): the creating functions
 * route with the destination table in shared/domain/connectors.ts and never bundle a provider.
 */
export const CONNECTOR_REGISTRY: ConnectorRegistry = {
  stripe: stripeConnector as unknown as Connector,
  adyen: adyenConnector as unknown as Connector,
  paypal: paypalConnector as unknown as Connector,
  sepa_file: sepaFileConnector as unknown as Connector,
};
