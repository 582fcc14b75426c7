import { createBankStatement } from '../adapters/bank-statement.js';
import { createDynamoBankFileStore } from '../adapters/dynamodb/bank-file-store.js';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { createKmsSecretSealer } from '../adapters/kms-secret-sealer.js';
import { createS3ReportFiles } from '../adapters/s3-report-files.js';
import { createSandboxStatement } from '../adapters/sandbox-statement.js';
import type { Config } from '../config.js';
import { CONNECTOR_PROFILES } from '../connectors/profiles.js';
import { STATEMENTS } from '../connectors/statements.js';
import type { StatementResolver } from '../ports/reconciliation.js';
import { openCredentials } from '../use-cases/connectors.js';
import { connectorRuntimes } from './connectors.js';
import {
  type ReconciliationStores,
  reconciliationFromEnvironment,
  StatementUnavailableError,
} from './reconciliation.js';

/**
 * Each rail's statement for a tenant: the sandbox's own ledger where the deployment offers the
 * sandbox, else the connector's statement opened with the tenant's sealed credentials (KMS).
 */
function statementResolver(deps: { config: Config; adapters: ReconciliationStores }): StatementResolver {
  const { config, adapters } = deps;
  const client = createDocumentClient();
  const runtimeFor = connectorRuntimes(config, CONNECTOR_PROFILES, { containers: 1 });
  const sealer = createKmsSecretSealer({ keyId: config.PAYOUTS_CONNECTOR_KEY_ID });
  return async (tenantId, name) => {
    if (name === 'sandbox') {
      if (config.PAYOUTS_SANDBOX_RAIL !== 'on')
        throw new StatementUnavailableError(name, 'is not offered by this deployment');
      return createSandboxStatement({ client, table: config.PAYOUTS_TABLE_NAME, tenantId });
    }
    const configured = (await adapters.connectors.get(tenantId))?.connectors[name];
    if (!configured) throw new StatementUnavailableError(name, 'is not set up for this account');
    if (name === 'sepa_file')
      return createBankStatement({
        files: createDynamoBankFileStore({ client, table: config.PAYOUTS_TABLE_NAME }),
        tenantId,
      });
    const opened = await openCredentials(sealer, tenantId, configured);
    return STATEMENTS[name](opened.credentials, runtimeFor(name, opened.mode, tenantId));
  };
}

/**
 * The reconciliation worker's use case: the request-side wiring plus every rail's statement, and the
 * items files' S3 client built at cold start (every run uploads its items file; D82).
 */
export const reconciliationWorkerFromEnvironment = () =>
  reconciliationFromEnvironment({
    statements: statementResolver,
    files: (bucket) => createS3ReportFiles({ bucket }),
  });
