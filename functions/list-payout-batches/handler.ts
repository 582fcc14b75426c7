import { batchesFromEnvironment } from '../../shared/adapters/batch-wiring.js';
import { rateLimitsFromEnvironment } from '../../shared/adapters/rate-limit-wiring.js';
import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { listBatchesQuery } from '../../shared/schemas/batches.js';

const rateLimits = rateLimitsFromEnvironment();
const batches = batchesFromEnvironment();

/** GET /v1/payout-batches — newest first. */
export const handler = apiHandler({ rateLimit: { action: 'list', limits: rateLimits } }, async (request) => {
  const query = parse(listBatchesQuery, request.queryStringParameters ?? {});
  return jsonResponse(200, await batches.list(request.principal.tenantId, query));
});
