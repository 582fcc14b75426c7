import { createDynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoTeamStore } from '../../shared/adapters/dynamodb/team-store.js';
import { loadConfig } from '../../shared/config.js';
import { portalApi } from '../../shared/http/portal-handler.js';
import { directoryFromEnvironment } from '../../shared/wiring/directory.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';
import { reconciliationFromEnvironment, reconciliationStores } from '../../shared/wiring/reconciliation.js';
import { portalReconciliationRoutes } from './routes.js';

const config = loadConfig();
const table = tableOf(config);

/** /portal-api/v1/reconciliation-runs[/…]: the Reconciliation page, with the same member checks as portal-api. */
export const handler = portalApi(
  portalReconciliationRoutes(
    reconciliationFromEnvironment({ adapters: reconciliationStores(table), config }),
  ),
  {
    team: createDynamoTeamStore(table),
    audit: createDynamoAuditLog(table),
    rateLimits: rateLimitsFromEnvironment(),
    directory: directoryFromEnvironment(config),
  },
);
