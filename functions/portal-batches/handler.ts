import { createDynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { loadConfig } from '../../shared/config.js';
import { portalApi } from '../../shared/http/portal-handler.js';
import { batchesFromEnvironment, batchStores } from '../../shared/wiring/batches.js';
import { directoryFromEnvironment } from '../../shared/wiring/directory.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';
import { portalBatchRoutes } from './routes.js';

const config = loadConfig();
const table = tableOf(config);
const stores = batchStores(table);

/** POST /portal-api/v1/payout-batches[/check]: the CSV upload, with the same member checks as portal-api. */
export const handler = portalApi(portalBatchRoutes(batchesFromEnvironment(stores)), {
  team: stores.team,
  audit: createDynamoAuditLog(table),
  rateLimits: rateLimitsFromEnvironment(),
  // Only to ask whether a member's TOTP is on (two-step sign-in, D53).
  directory: directoryFromEnvironment(config),
});
