import { batchesFromEnvironment } from '../../shared/adapters/batch-wiring.js';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { loadConfig } from '../../shared/config.js';
import { portalApi } from '../../shared/http/portal-handler.js';
import { portalBatchRoutes } from './routes.js';

const adapters = createDynamoAdapters(loadConfig());

/** POST /portal-api/v1/payout-batches[/check]: the CSV upload, with the same member checks as portal-api. */
export const handler = portalApi(portalBatchRoutes(batchesFromEnvironment(adapters)), {
  team: adapters.team,
});
