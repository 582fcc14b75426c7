import type { ConnectorName } from '../domain/connectors.js';
import { adyenRail } from './adyen/index.js';
import type { ProviderRail } from './connector.js';
import { paypalRail } from './paypal/index.js';
import { stripeRail } from './stripe/index.js';

/** The rails with a provider API, keyed by name: what a registry of rails without webhooks holds. */
export type ProviderRailRegistry = Readonly<Partial<Record<ConnectorName, ProviderRail>>>;

/**
 * The rails with a provider API, without their webhook verification: what the executor calls. The
 * provider-webhook function takes the connectors (./providers.ts); the executor never reads a
 * provider's webhook, and its bundle leaves that code out (~7 KB; issue 23).
 */
export const PROVIDER_RAILS: ProviderRailRegistry = {
  stripe: stripeRail as unknown as ProviderRail,
  adyen: adyenRail as unknown as ProviderRail,
  paypal: paypalRail as unknown as ProviderRail,
};
