import type { ConnectorRegistry } from '../use-cases/connectors.js';
import type { Connector } from './connector.js';
import { PROVIDER_REGISTRY } from './providers.js';
import { sepaFileConnector } from './sepa/connector.js';

/**
 * Every connector that moves real money, by name: the provider APIs (./providers.ts) and SEPA files.
 * Only the functions that configure rails import this (the payout rails page and the CLI); the
 * executor and the provider webhooks take PROVIDER_REGISTRY, and the creating functions route with
 * the destination table in shared/domain/connectors.ts and never bundle a provider.
 */
export const CONNECTOR_REGISTRY: ConnectorRegistry = {
  ...PROVIDER_REGISTRY,
  sepa_file: sepaFileConnector as unknown as Connector,
};
