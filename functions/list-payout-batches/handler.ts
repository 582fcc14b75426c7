import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { listBatchesQuery } from '../../shared/schemas/batches.js';
import { batchesFromEnvironment } from '../../shared/wiring/batches.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';

const rateLimits = rateLimitsFromEnvironment();
const batches = batchesFromEnvironment();

/** GET /v1/payout-batches — newest first. */
export const handler = apiHandler({ rateLimit: { action: 'list', limits: rateLimits } }, async (request) => {
  const query = parse(listBatchesQuery, request.queryStringParameters ?? {});
  return jsonResponse(200, await batches.list(request.principal.tenantId, query));
});
