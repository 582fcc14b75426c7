import { builtOnFirstCall } from '../../shared/adapters/built-on-first-call.js';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { binding, loadConfig } from '../../shared/config.js';
import { portalApi } from '../../shared/http/portal-handler.js';
import { approvalPolicyUseCase } from '../../shared/use-cases/approval-policy.js';
import { cancelPayoutUseCase } from '../../shared/use-cases/cancel-payout.js';
import { connectorRouting } from '../../shared/use-cases/connectors.js';
import { createPayoutUseCase } from '../../shared/use-cases/create-payout.js';
import { manualPayoutsUseCase } from '../../shared/use-cases/manual-payouts.js';
import { listPayoutsUseCase } from '../../shared/use-cases/read-payouts.js';
import { teamUseCase } from '../../shared/use-cases/team.js';
import { tenantAdministration } from '../../shared/use-cases/tenants.js';
import { approvalsFromEnvironment } from '../../shared/wiring/approvals.js';
import { batchesFromEnvironment } from '../../shared/wiring/batches.js';
import { directoryFromEnvironment } from '../../shared/wiring/directory.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';
import { reportsFromEnvironment } from '../../shared/wiring/reports.js';
import { routingFromEnvironment } from '../../shared/wiring/routing.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';
import { portalRoutes } from './routes.js';

const config = loadConfig();
const adapters = createDynamoAdapters(config);
// Cognito emails temporary passwords; the local identity provider hands them to the inviting admin.
const directory = directoryFromEnvironment(config, { handOverPassword: config.PAYOUTS_STAGE === 'local' });

const approvals = approvalsFromEnvironment(adapters);
// New payouts are routed to the tenant's rails (400 unsupported_destination when none accepts one).
const routing = routingFromEnvironment({ store: adapters.connectors });
// Attachments and report files load the S3 client on first use (issue 23): most portal requests
// never touch a bucket.
const attachmentsBucket = binding(config, 'PAYOUTS_ATTACHMENTS_BUCKET');

/** ANY /portal-api/{proxy+}: the Business Portal's API, behind the HTTP API's JWT authorizer. */
export const handler = portalApi(
  portalRoutes({
    approvals,
    batches: batchesFromEnvironment({ ...adapters, routing }),
    reports: reportsFromEnvironment({ adapters }),
    approvalPolicy: approvalPolicyUseCase({ team: adapters.team }),
    listPayouts: listPayoutsUseCase(adapters),
    cancelPayout: cancelPayoutUseCase({ ...adapters, afterCancel: approvals.afterCancel }),
    manualPayouts: manualPayoutsUseCase({
      ...adapters,
      attachments: builtOnFirstCall({ uploadUrl: true, describe: true, downloadUrl: true }, () =>
        import('../../shared/adapters/s3-attachments.js').then((store) =>
          store.createS3AttachmentStore({ bucket: attachmentsBucket }),
        ),
      ),
      createPayout: createPayoutUseCase({ ...adapters, route: connectorRouting(routing) }),
    }),
    team: teamUseCase({ team: adapters.team, directory }),
    tenants: tenantAdministration(adapters),
    webhooks: webhookEndpointsFromEnvironment(adapters),
    audit: adapters.audit,
  }),
  { team: adapters.team, directory, audit: adapters.audit, rateLimits: rateLimitsFromEnvironment() },
);
