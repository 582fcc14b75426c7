import { CONNECTOR_NAMES, DESTINATION_TYPES } from './catalog.js';
import type { Destination } from './payout.js';
import { isSepaCountryIban } from './sepa-iban.js';

export type ConnectorName = (typeof CONNECTOR_NAMES)[number];
export type DestinationType = (typeof DESTINATION_TYPES)[number];
export { CONNECTOR_NAMES, DESTINATION_TYPES };

/** The destination types each rail can carry (the connectors' own `destinationTypes`, for routing). */
export const CONNECTOR_DESTINATIONS: Readonly<Record<ConnectorName, readonly DestinationType[]>> = {
  sandbox: ['bank_account', 'email', 'stripe_account'],
  stripe: ['stripe_account'],
  adyen: ['bank_account'],
  paypal: ['email'],
  sepa_file: ['bank_account'],
};

/**
 * What a rail carries beyond the destination type, where it is narrower: SEPA files carry euros to
 * IBANs of the SEPA scheme's countries (ibantools' country list, in ./sepa-iban.ts), nothing else.
 */
const CONNECTOR_ACCEPTS: Readonly<Partial<Record<ConnectorName, (payout: RoutedPayout) => boolean>>> = {
  sepa_file: (payout) =>
    payout.currency === 'EUR' &&
    payout.destination.type === 'bank_account' &&
    isSepaCountryIban(payout.destination.iban),
};

/** What routing reads of a payout: its destination and currency. */
export interface RoutedPayout {
  destination: Pick<Destination, 'type'> & { iban?: string };
  currency: string;
}

export function isConnectorName(value: string): value is ConnectorName {
  return (CONNECTOR_NAMES as readonly string[]).includes(value);
}

/** One connector a tenant configured. Its credentials are sealed (KMS); only `publicFields` are readable. */
export interface ConfiguredConnector {
  name: ConnectorName;
  /** Test credentials talk to the provider's test host, live ones to its live host. */
  mode: 'test' | 'live';
  /** The credentials as one sealed JSON object: opened only by the functions that call the provider. */
  sealedCredentials: string;
  /** Credential fields safe to show (account ids), never keys or secrets. */
  publicFields: Record<string, string>;
  updatedAt: string;
  updatedBy: string;
}

/** A routing rule: payouts of this destination type (and currency, when set) leave through `connector`. */
export interface RoutingRule {
  destinationType: DestinationType;
  /** ISO 4217 code, or null for every currency. */
  currency: string | null;
  connector: ConnectorName;
}

/** A tenant's payout rails: its connectors and the rules that choose among them. */
export interface TenantConnectors {
  tenantId: string;
  connectors: Partial<Record<ConnectorName, ConfiguredConnector>>;
  /** Tried in order: the first rule that matches the payout wins (a currency rule before a general one). */
  rules: RoutingRule[];
  /** Where a payout goes when no rule matches (if that rail accepts its destination). */
  defaultConnector: ConnectorName | null;
  /** Incremented on every change; every write is conditioned on the version it read. */
  version: number;
}

export function emptyConnectors(tenantId: string): TenantConnectors {
  return { tenantId, connectors: {}, rules: [], defaultConnector: null, version: 0 };
}

/**
 * The rail a payout leaves through, or undefined when none of the tenant's rails accepts it (the
 * request is refused: `unsupported_destination`). The sandbox counts as configured when the
 * deployment offers it (`sandboxAvailable`, local and test deployments): it is then every tenant's
 * rail of last resort, so a tenant that configured nothing can still try the platform.
 *
 *   1. the first rule for the destination's type whose currency matches (or is every currency)
 *   2. the tenant's default rail, if it carries this destination type
 *   3. the sandbox, where the deployment offers it
 */
export function routePayout(
  config: TenantConnectors | undefined,
  payout: RoutedPayout,
  options: {
    sandboxAvailable: boolean;
    /**
     * The mode of the API key that asked (none: a person in the portal, a file, an event): a test key
     * only reaches test connectors and the sandbox, a live key only live connectors. A test key never
     * moves real money.
     */
    keyMode?: 'test' | 'live';
  },
): ConnectorName | undefined {
  const type = payout.destination.type;
  const { keyMode } = options;
  const usable = (name: ConnectorName) =>
    CONNECTOR_DESTINATIONS[name].includes(type) &&
    (CONNECTOR_ACCEPTS[name]?.(payout) ?? true) &&
    (name === 'sandbox'
      ? options.sandboxAvailable && keyMode !== 'live'
      : config?.connectors[name] !== undefined &&
        (keyMode === undefined || config.connectors[name]?.mode === keyMode));
  for (const rule of config?.rules ?? []) {
    if (rule.destinationType !== type) continue;
    if (rule.currency !== null && rule.currency !== payout.currency) continue;
    if (usable(rule.connector)) return rule.connector;
  }
  if (config?.defaultConnector && usable(config.defaultConnector)) return config.defaultConnector;
  return usable('sandbox') ? 'sandbox' : undefined;
}
