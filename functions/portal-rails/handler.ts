import { createDynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoConnectorStore } from '../../shared/adapters/dynamodb/connector-store.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { createDynamoTeamStore } from '../../shared/adapters/dynamodb/team-store.js';
import { createKmsSecretSealer } from '../../shared/adapters/kms-secret-sealer.js';
import { loadConfig } from '../../shared/config.js';
import { CONNECTOR_REGISTRY } from '../../shared/connectors/registry.js';
import { portalApi } from '../../shared/http/portal-handler.js';
import { connectorsUseCase } from '../../shared/use-cases/connectors.js';
import { connectorRuntimes } from '../../shared/wiring/connectors.js';
import { directoryFromEnvironment } from '../../shared/wiring/directory.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';
import { sepaFilesFromEnvironment, sepaSettingsOf } from '../../shared/wiring/sepa.js';
import { portalRailRoutes } from './routes.js';

const config = loadConfig();
// Only the stores this function uses: it stays within the bundle budget.
const deps = { client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME };
const adapters = {
  connectors: createDynamoConnectorStore(deps),
  team: createDynamoTeamStore(deps),
  audit: createDynamoAuditLog(deps),
};
// The SEPA files of the `sepa_file` rail: listed, and cut on demand into the bank files bucket (its
// S3 client loaded on the first cut: most requests of this function configure rails).
const sepaFiles = sepaFilesFromEnvironment({
  adapters: { payouts: createDynamoPayoutRepository(deps), connectors: adapters.connectors },
  config,
});

/**
 * /portal-api/v1/payout-rails[/…]: the Payout rails page (and its SEPA files), with the same member
 * checks as portal-api.
 */
export const handler = portalApi(
  portalRailRoutes(
    connectorsUseCase({
      store: adapters.connectors,
      sealer: createKmsSecretSealer({ keyId: config.PAYOUTS_CONNECTOR_KEY_ID }),
      registry: CONNECTOR_REGISTRY,
      sandboxAvailable: config.PAYOUTS_SANDBOX_RAIL === 'on',
      runtimeFor: connectorRuntimes(config, CONNECTOR_REGISTRY, { containers: 1 }),
    }),
    { files: sepaFiles, settingsOf: (tenantId) => sepaSettingsOf(adapters, tenantId), audit: adapters.audit },
  ),
  {
    team: adapters.team,
    audit: adapters.audit,
    rateLimits: rateLimitsFromEnvironment(),
    directory: directoryFromEnvironment(config),
  },
);
