import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoConnectorStore } from '../adapters/dynamodb/connector-store.js';
import { createKmsSecretSealer } from '../adapters/kms-secret-sealer.js';
import { SimulatedCrashError } from '../adapters/sandbox-provider.js';
import type { Config } from '../config.js';
import type { ConnectorRuntime } from '../connectors/connector.js';
import type { ConnectorProfile } from '../connectors/profiles.js';
import type { ProviderRailRegistry } from '../connectors/provider-rails.js';
import { createTokenBucket, type RequestLimiter, rateForContainers } from '../connectors/token-bucket.js';
import type { ConnectorName } from '../domain/connectors.js';
import type { Payout } from '../domain/payout.js';
import { EXECUTOR_RESERVED_CONCURRENCY } from '../execution-limits.js';
import type { PayoutProvider } from '../ports/payout-provider.js';
import { openCredentials } from '../use-cases/connectors.js';
import {
  ConnectorAccountChangedError,
  ConnectorNotConfiguredError,
  type ProviderResolver,
} from '../use-cases/execute-payout.js';

/** How many executor containers may call a provider at once: each gets its share of the provider's rate. */
const EXECUTOR_CONTAINERS = EXECUTOR_RESERVED_CONCURRENCY;

/**
 * How each connector reaches its provider in this deployment: the provider's test or live host (as the
 * tenant's connector mode says) unless the deployment points the connector elsewhere (local fakes),
 * the call timeout, and one token bucket per connector per container, sized so that all executor
 * containers together stay within the provider's rate.
 */
export function connectorRuntimes(
  config: Pick<Config, 'PAYOUTS_CONNECTOR_BASE_URLS' | 'PAYOUTS_CONNECTOR_TIMEOUT_MS'>,
  registry: Readonly<Partial<Record<ConnectorName, ConnectorProfile>>>,
  options: { containers?: number; fetch?: typeof fetch } = {},
) {
  const limiters = new Map<string, RequestLimiter>();
  /** `tenantId`: each tenant's provider account has its own rate (one tenant's backlog never starves another's). */
  return function runtimeFor(name: ConnectorName, mode: 'test' | 'live', tenantId = ''): ConnectorRuntime {
    const connector = registry[name] as ConnectorProfile;
    let limiter = limiters.get(`${name}/${tenantId}`);
    if (!limiter) {
      limiter = createTokenBucket({
        ratePerSecond: rateForContainers(
          connector.defaultRatePerSecond,
          options.containers ?? EXECUTOR_CONTAINERS,
        ),
      });
      limiters.set(`${name}/${tenantId}`, limiter);
    }
    return {
      baseUrl: config.PAYOUTS_CONNECTOR_BASE_URLS?.[name] ?? connector.baseUrls[mode],
      timeoutMs: config.PAYOUTS_CONNECTOR_TIMEOUT_MS,
      limiter,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
  };
}

/** Chaos runs only: the executor "dies" right after the provider accepted a transfer (any rail). */
export function withCrashAfterTransfer(provider: PayoutProvider, rate: number): PayoutProvider {
  if (rate <= 0) return provider;
  return {
    name: provider.name,
    findTransfer: (key, request) => provider.findTransfer(key, request),
    async createTransfer(request) {
      const outcome = await provider.createTransfer(request);
      if (Math.random() < rate) throw new SimulatedCrashError(request.idempotencyKey);
      return outcome;
    },
  };
}

/**
 * The provider of each payout: its own rail (`connector`, chosen at creation; none means the sandbox,
 * for payouts older than connectors), built with its tenant's credentials, opened from KMS once per
 * container and kept while they are unchanged (a connector's access token is reused too).
 */
export function providerResolver(deps: {
  client: DynamoDBDocumentClient;
  table: string;
  config: Config;
  /** The rails the executor calls: their webhook verification is not needed here. */
  registry: ProviderRailRegistry;
  sandbox: PayoutProvider;
}): ProviderResolver {
  const store = createDynamoConnectorStore({ client: deps.client, table: deps.table });
  const sealer = createKmsSecretSealer({ keyId: deps.config.PAYOUTS_CONNECTOR_KEY_ID });
  // Locally every "container" is this one process: it gets the provider's whole rate.
  const runtimeFor = connectorRuntimes(deps.config, deps.registry, {
    containers: deps.config.PAYOUTS_STAGE === 'local' ? 1 : EXECUTOR_CONTAINERS,
  });
  const crashRate = deps.config.PAYOUTS_SANDBOX_CHAOS_CRASH_RATE;
  const built = new Map<string, PayoutProvider>();
  return async function providerFor(payout: Payout): Promise<PayoutProvider> {
    const name = (payout.connector ?? 'sandbox') as ConnectorName;
    if (name === 'sandbox') {
      // A deployment without the sandbox never marks a payout paid that no provider carried.
      if (deps.config.PAYOUTS_SANDBOX_RAIL !== 'on')
        throw new ConnectorNotConfiguredError(payout.tenantId, name);
      return deps.sandbox;
    }
    const connector = deps.registry[name];
    const config = await store.get(payout.tenantId);
    const configured = config?.connectors[name];
    if (!connector || !configured) throw new ConnectorNotConfiguredError(payout.tenantId, name);
    const account = `${configured.mode}:${JSON.stringify(configured.publicFields)}`;
    if (payout.connectorAccount && payout.connectorAccount !== account)
      throw new ConnectorAccountChangedError(payout.id, name);
    const cacheKey = `${payout.tenantId}/${name}/${configured.mode}/${configured.sealedCredentials}`;
    let provider = built.get(cacheKey);
    if (!provider) {
      const opened = await openCredentials(sealer, payout.tenantId, configured);
      const inner = withCrashAfterTransfer(
        connector.provider(opened.credentials, runtimeFor(name, opened.mode, payout.tenantId)),
        crashRate,
      );
      provider = {
        name: inner.name,
        account,
        createTransfer: (request) => inner.createTransfer(request),
        findTransfer: (key, request) => inner.findTransfer(key, request),
      };
      built.set(cacheKey, provider);
    }
    return provider;
  };
}
