import { type Config, loadConfig } from '../config.js';
import type { Connector } from '../connectors/connector.js';
import { CONNECTOR_REGISTRY } from '../connectors/registry.js';
import type { ConnectorName } from '../domain/connectors.js';
import { AppError } from '../domain/errors.js';
import type { StatementResolver } from '../ports/reconciliation.js';
import { openCredentials } from '../use-cases/connectors.js';
import { reconciliationUseCase } from '../use-cases/reconciliation.js';
import { connectorRuntimes } from './connector-wiring.js';
import { createDocumentClient } from './dynamodb/client.js';
import { createDynamoAdapters } from './dynamodb/index.js';
import { createKmsSecretSealer } from './kms-secret-sealer.js';
import { createS3ReportFiles } from './s3-report-files.js';
import { createSandboxStatement } from './sandbox-provider.js';

/** The connector cannot be reconciled for this tenant (not set up, or no statement API). */
export class StatementUnavailableError extends AppError {
  constructor(connector: string, why: string) {
    super('invalid_request_error', 'connector_not_configured', `The ${connector} rail ${why}.`, {
      param: 'connector',
    });
    this.name = 'StatementUnavailableError';
  }
}

/**
 * The reconciliation use case as its functions wire it: the run store, the payouts, and each
 * connector's statement opened with the tenant's credentials (the sandbox's own ledger where the
 * deployment offers the sandbox rail).
 */
export function reconciliationFromEnvironment(
  shared: {
    adapters?: ReturnType<typeof createDynamoAdapters>;
    config?: Config;
    /** The worker reads statements; the API functions only request, list and resolve. */
    statements?: boolean;
  } = {},
) {
  const config = shared.config ?? loadConfig();
  const adapters = shared.adapters ?? createDynamoAdapters(config);
  const client = createDocumentClient();
  const table = config.PAYOUTS_TABLE_NAME;
  const connectorStore = adapters.connectors;
  const sandboxOffered = config.PAYOUTS_SANDBOX_RAIL === 'on';
  const runtimeFor = connectorRuntimes(config, CONNECTOR_REGISTRY, { containers: 1 });

  const statements: StatementResolver = async (tenantId, name) => {
    if (name === 'sandbox') {
      if (!sandboxOffered) throw new StatementUnavailableError(name, 'is not offered by this deployment');
      return createSandboxStatement({ client, table, tenantId });
    }
    const connector = CONNECTOR_REGISTRY[name] as Connector | undefined;
    const configured = (await connectorStore.get(tenantId))?.connectors[name];
    if (!connector || !configured)
      throw new StatementUnavailableError(name, 'is not set up for this account');
    if (!connector.statement)
      throw new StatementUnavailableError(name, 'has no statement to reconcile against');
    const sealer = createKmsSecretSealer({ keyId: config.PAYOUTS_CONNECTOR_KEY_ID });
    const opened = await openCredentials(sealer, tenantId, configured);
    return connector.statement(opened.credentials, runtimeFor(name, opened.mode, tenantId));
  };

  return reconciliationUseCase({
    runs: adapters.reconciliation,
    payouts: adapters.payouts,
    ...(shared.statements ? { statements } : {}),
    ...(config.PAYOUTS_REPORTS_BUCKET
      ? { files: createS3ReportFiles({ bucket: config.PAYOUTS_REPORTS_BUCKET }) }
      : {}),
    async connectorsOf(tenantId) {
      const configured = Object.keys(
        (await connectorStore.get(tenantId))?.connectors ?? {},
      ) as ConnectorName[];
      return sandboxOffered ? ['sandbox', ...configured] : configured;
    },
  });
}
