import type { Connector } from '../connectors/connector.js';
import { CONNECTOR_DESTINATIONS, type ConnectorName, type TenantConnectors } from '../domain/connectors.js';

/** The rails this deployment offers (the use case's `ConnectorRegistry`). */
type Registry = Readonly<Partial<Record<ConnectorName, Connector>>>;

/** The API's (and the portal's and the CLI's) view of a tenant's rails: never a credential. */
export function toConnectorsResource(
  config: TenantConnectors,
  registry: Registry,
  sandboxAvailable: boolean,
) {
  return {
    object: 'payout_rails' as const,
    connectors: Object.values(config.connectors).map((connector) => ({
      name: connector.name,
      label: registry[connector.name]?.label ?? connector.name,
      mode: connector.mode,
      destination_types: CONNECTOR_DESTINATIONS[connector.name],
      public_fields: connector.publicFields,
      updated_at: connector.updatedAt,
      updated_by: connector.updatedBy,
    })),
    available: [
      ...(sandboxAvailable
        ? [{ name: 'sandbox', label: 'Sandbox (test outcomes)', fields: [] as string[] }]
        : []),
      ...Object.values(registry).map((connector) => ({
        name: connector.name,
        label: connector.label,
        destination_types: connector.destinationTypes,
        fields: Object.keys((connector.credentials as unknown as { shape?: object }).shape ?? {}),
        public_fields: connector.publicFields,
      })),
    ],
    sandbox_available: sandboxAvailable,
    rules: config.rules.map((rule) => ({
      destination_type: rule.destinationType,
      currency: rule.currency,
      connector: rule.connector,
    })),
    default_connector: config.defaultConnector,
    version: config.version,
  };
}
export type ConnectorsResource = ReturnType<typeof toConnectorsResource>;
