import type { Connector, ConnectorRuntime } from '../connectors/connector.js';
import { remittanceOf, sepaPayoutProblems } from '../connectors/sepa/payout-problems.js';
import { actorLabel, type Caller, stampFor } from '../domain/audit.js';
import type { AuditAction } from '../domain/catalog.js';
import {
  CONNECTOR_DESTINATIONS,
  type ConfiguredConnector,
  type ConnectorName,
  DESTINATION_TYPES,
  type DestinationType,
  emptyConnectors,
  isConnectorName,
  type RoutedPayout,
  type RoutingRule,
  routePayout,
  type TenantConnectors,
} from '../domain/connectors.js';
import { AppError, ConcurrentModificationError, ValidationError } from '../domain/errors.js';
import type { Destination } from '../domain/payout.js';
import type { ConnectorStore } from '../ports/connector-store.js';
import type { SecretSealer } from '../ports/secret-sealer.js';
import { toFieldProblems } from '../schemas/common.js';
import { toConnectorsResource } from '../schemas/connectors-resource.js';

/** The connectors that move real money, by name (the sandbox is built in: it has no credentials). */
export type ConnectorRegistry = Readonly<Partial<Record<ConnectorName, Connector>>>;

/** 400 `unsupported_destination`: none of the tenant's rails carries this destination. */
/** The most a KMS Encrypt seals at once (its plaintext limit). */
const MAX_SEALED_BYTES = 4096;

export function unsupportedDestination(type: string, currency: string): AppError {
  return new AppError(
    'invalid_request_error',
    'unsupported_destination',
    `No payout rail configured for this account accepts '${type}' destinations in ${currency}. ` +
      'An admin can add one (a connector and a routing rule) under Payout rails.',
    { param: 'destination.type' },
  );
}

/**
 * Chooses each new payout's rail from its tenant's routing rules (one read of the tenant's rails per
 * payout). Creation refuses a payout no rail accepts: a payout is never stored that cannot be paid.
 */
export function connectorRouting(deps: { store: Pick<ConnectorStore, 'get'>; sandboxAvailable: boolean }) {
  return async function route(
    tenantId: string,
    payout: RoutedPayout & { amount?: number; reference?: string; description?: string | null },
    keyMode?: 'test' | 'live',
  ): Promise<ConnectorName> {
    const config = await deps.store.get(tenantId);
    const name = routePayout(config, payout, { sandboxAvailable: deps.sandboxAvailable, keyMode });
    if (!name) throw unsupportedDestination(payout.destination.type, payout.currency);
    // A SEPA file carries what the EPC's rules allow: refused now, never a file the bank rejects.
    if (name === 'sepa_file' && payout.destination.type === 'bank_account') {
      const destination = payout.destination as Extract<Destination, { type: 'bank_account' }>;
      const problems = sepaPayoutProblems({
        currency: payout.currency,
        iban: destination.iban,
        bic: destination.bic ?? null,
        accountHolderName: destination.account_holder_name,
        remittance: remittanceOf(payout.reference ?? '', payout.description),
        ...(payout.amount === undefined ? {} : { amountMinor: payout.amount }),
      });
      if (problems.length > 0) throw new ValidationError(problems);
    }
    return name;
  };
}
export type ConnectorRouter = ReturnType<typeof connectorRouting>;

/** The sealing context of a tenant's credentials for one connector (bound to the ciphertext). */
const sealContext = (tenantId: string, connector: string) => ({ tenant_id: tenantId, connector });

/** Opens the credentials of a connector a tenant configured (already read from the table). */
export async function openCredentials(
  sealer: SecretSealer,
  tenantId: string,
  configured: ConfiguredConnector,
): Promise<{ credentials: Record<string, string>; mode: 'test' | 'live' }> {
  const opened = await sealer.open(configured.sealedCredentials, sealContext(tenantId, configured.name));
  return { credentials: JSON.parse(opened) as Record<string, string>, mode: configured.mode };
}

/** Reads and opens a tenant's credentials for a connector (the provider webhooks' and the tests' path). */
export function connectorCredentials(deps: { store: Pick<ConnectorStore, 'get'>; sealer: SecretSealer }) {
  return async function credentialsOf(
    tenantId: string,
    name: string,
  ): Promise<{ credentials: Record<string, string>; mode: 'test' | 'live' } | undefined> {
    if (!isConnectorName(name)) return undefined;
    const configured = (await deps.store.get(tenantId))?.connectors[name];
    return configured ? openCredentials(deps.sealer, tenantId, configured) : undefined;
  };
}

/**
 * A tenant's payout rails: admins set a connector's credentials (sealed at once, never shown again),
 * remove one, set the routing rules, and test a connection with one harmless authenticated call.
 */
export function connectorsUseCase(deps: {
  store: ConnectorStore;
  sealer: SecretSealer;
  registry: ConnectorRegistry;
  sandboxAvailable: boolean;
  /** How a connector reaches its provider (base URL by mode, timeout, rate limiter). */
  runtimeFor: (name: ConnectorName, mode: 'test' | 'live', tenantId?: string) => ConnectorRuntime;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const resource = (config: TenantConnectors) =>
    toConnectorsResource(config, deps.registry, deps.sandboxAvailable);
  const read = async (tenantId: string) => (await deps.store.get(tenantId)) ?? emptyConnectors(tenantId);

  function definition(name: string, param = 'connector'): Connector & { name: ConnectorName } {
    const connector = isConnectorName(name) ? deps.registry[name] : undefined;
    if (!connector)
      throw new ValidationError([
        {
          param,
          message: `must be one of ${Object.keys(deps.registry).join(', ')} (the sandbox needs no configuration)`,
        },
      ]);
    return connector as Connector & { name: ConnectorName };
  }

  /** Read, change, write if unchanged; a change made meanwhile by someone else is re-read and re-applied. */
  async function update(
    caller: Caller,
    action: AuditAction,
    change: (current: TenantConnectors, at: string) => TenantConnectors,
  ) {
    for (let race = 0; race < 3; race++) {
      const current = await read(caller.tenantId);
      const time = now();
      const next = { ...change(current, new Date(time).toISOString()), version: current.version + 1 };
      try {
        await deps.store.save({ ...next, lastAction: stampFor(caller, action, time) }, current.version);
        return resource(next);
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
      }
    }
    throw new ConcurrentModificationError('The payout rails kept changing: try again.');
  }

  return {
    async list(tenantId: string) {
      return resource(await read(tenantId));
    },

    /** Sets (or replaces) a connector's credentials; they are sealed before they are stored. */
    async set(caller: Caller, input: { connector: string; mode?: string; credentials: unknown }) {
      const connector = definition(input.connector);
      const mode = input.mode ?? 'test';
      if (mode !== 'test' && mode !== 'live')
        throw new ValidationError([{ param: 'mode', message: "must be 'test' or 'live'" }]);
      const parsed = connector.credentials.safeParse(input.credentials ?? {});
      if (!parsed.success) throw new ValidationError(toFieldProblems(parsed.error, 'credentials'));
      const credentials = parsed.data;
      const plaintext = JSON.stringify(credentials);
      // KMS encrypts at most 4,096 bytes at once: longer credentials would fail to seal (a 5xx).
      if (Buffer.byteLength(plaintext) > MAX_SEALED_BYTES)
        throw new ValidationError([
          {
            param: 'credentials',
            message: `are too long: at most ${MAX_SEALED_BYTES.toLocaleString('en')} bytes together`,
          },
        ]);
      const sealed = await deps.sealer.seal(plaintext, sealContext(caller.tenantId, connector.name));
      const publicFields = Object.fromEntries(
        connector.publicFields.map((field) => [field, String(credentials[field] ?? '')]),
      );
      return update(caller, 'connector.update', (current, at) => ({
        ...current,
        connectors: {
          ...current.connectors,
          [connector.name]: {
            name: connector.name,
            mode,
            sealedCredentials: sealed,
            publicFields,
            updatedAt: at,
            updatedBy: actorLabel(caller.actor),
          },
        },
      }));
    },

    /** Removes a connector; its routing rules go with it. Payouts already routed to it fail or wait. */
    async remove(caller: Caller, name: string) {
      const connector = definition(name);
      return update(caller, 'connector.remove', (current) => {
        if (!current.connectors[connector.name])
          throw new AppError(
            'not_found_error',
            'resource_missing',
            `No such connector configured: '${name}'`,
            {
              param: 'connector',
            },
          );
        const { [connector.name]: _removed, ...rest } = current.connectors;
        return {
          ...current,
          connectors: rest,
          rules: current.rules.filter((rule) => rule.connector !== connector.name),
          defaultConnector: current.defaultConnector === connector.name ? null : current.defaultConnector,
        };
      });
    },

    /** Replaces the routing rules and the default rail; each must name a rail that can carry it. */
    async route(
      caller: Caller,
      input: {
        rules: { destination_type: string; currency?: string | null; connector: string }[];
        default_connector?: string | null;
      },
    ) {
      // Checked against the rails the write replaces (re-read on a retry): a connector removed meanwhile
      // must not be left named by a rule or as the default.
      return update(caller, 'connector_routes.update', (current) => {
        const usable = (name: string): name is ConnectorName =>
          isConnectorName(name) &&
          ((name === 'sandbox' && deps.sandboxAvailable) || current.connectors[name] !== undefined);
        const problems: { param: string; message: string }[] = [];
        const rules: RoutingRule[] = [];
        input.rules.forEach((rule, index) => {
          const at = `rules.${index}`;
          const type = rule.destination_type as DestinationType;
          if (!DESTINATION_TYPES.includes(type))
            problems.push({
              param: `${at}.destination_type`,
              message: "must be 'bank_account', 'email' or 'stripe_account'",
            });
          else if (!usable(rule.connector))
            problems.push({
              param: `${at}.connector`,
              message: `'${rule.connector}' is not configured for this account`,
            });
          else if (!CONNECTOR_DESTINATIONS[rule.connector].includes(type))
            problems.push({
              param: `${at}.connector`,
              message: `${rule.connector} cannot carry '${type}' destinations`,
            });
          else if (rule.currency != null && !/^[A-Z]{3}$/.test(rule.currency))
            problems.push({
              param: `${at}.currency`,
              message: 'must be a three-letter currency code, or empty for every currency',
            });
          else
            rules.push({ destinationType: type, currency: rule.currency ?? null, connector: rule.connector });
        });
        const fallback = input.default_connector ?? null;
        if (fallback !== null && !usable(fallback))
          problems.push({
            param: 'default_connector',
            message: `'${fallback}' is not configured for this account`,
          });
        if (problems.length) throw new ValidationError(problems);
        return {
          ...current,
          // Most specific first: a currency rule wins over a rule for every currency, whatever the order given.
          rules: [
            ...rules.filter((rule) => rule.currency !== null),
            ...rules.filter((rule) => rule.currency === null),
          ],
          defaultConnector: fallback as ConnectorName | null,
        };
      });
    },

    /** One harmless authenticated call with the stored credentials: do they work? */
    async testConnection(tenantId: string, name: string) {
      const connector = definition(name);
      const configured = await connectorCredentials(deps)(tenantId, connector.name);
      if (!configured)
        throw new AppError('not_found_error', 'resource_missing', `No such connector configured: '${name}'`, {
          param: 'connector',
        });
      const provider = connector.provider(
        configured.credentials,
        deps.runtimeFor(connector.name, configured.mode, tenantId),
      );
      try {
        const result = await provider.testConnection();
        return {
          object: 'connection_test' as const,
          connector: connector.name,
          ok: true,
          detail: result.detail,
        };
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return { object: 'connection_test' as const, connector: connector.name, ok: false, detail: why };
      }
    },
  };
}
export type ConnectorsUseCase = ReturnType<typeof connectorsUseCase>;
