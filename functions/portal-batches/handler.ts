import { batchesFromEnvironment } from '../../shared/adapters/batch-wiring.js';
import { createCognitoDirectory } from '../../shared/adapters/cognito-directory.js';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { rateLimitsFromEnvironment } from '../../shared/adapters/rate-limit-wiring.js';
import { routingFromEnvironment } from '../../shared/adapters/routing-wiring.js';
import { binding, loadConfig } from '../../shared/config.js';
import { portalApi } from '../../shared/http/portal-handler.js';
import { portalBatchRoutes } from './routes.js';

const config = loadConfig();
const adapters = createDynamoAdapters(config);

/** POST /portal-api/v1/payout-batches[/check]: the CSV upload, with the same member checks as portal-api. */
const routing = routingFromEnvironment({ store: adapters.connectors });
export const handler = portalApi(portalBatchRoutes(batchesFromEnvironment({ ...adapters, routing })), {
  team: adapters.team,
  audit: adapters.audit,
  rateLimits: rateLimitsFromEnvironment(),
  // Only to ask whether a member's TOTP is on (two-step sign-in, D53).
  directory: createCognitoDirectory({
    userPoolId: binding(config, 'PAYOUTS_USER_POOL_ID'),
    handOverPassword: false,
  }),
});
