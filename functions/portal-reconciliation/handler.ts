import { createCognitoDirectory } from '../../shared/adapters/cognito-directory.js';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { rateLimitsFromEnvironment } from '../../shared/adapters/rate-limit-wiring.js';
import { reconciliationFromEnvironment } from '../../shared/adapters/reconciliation-wiring.js';
import { binding, loadConfig } from '../../shared/config.js';
import { portalApi } from '../../shared/http/portal-handler.js';
import { portalReconciliationRoutes } from './routes.js';

const config = loadConfig();
const adapters = createDynamoAdapters(config);

/** /portal-api/v1/reconciliation-runs[/…]: the Reconciliation page, with the same member checks as portal-api. */
export const handler = portalApi(
  portalReconciliationRoutes(reconciliationFromEnvironment({ adapters, config })),
  {
    team: adapters.team,
    audit: adapters.audit,
    rateLimits: rateLimitsFromEnvironment(),
    directory: createCognitoDirectory({
      userPoolId: binding(config, 'PAYOUTS_USER_POOL_ID'),
      handOverPassword: false,
    }),
  },
);
