import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { batchIdParams } from '../../shared/schemas/batches.js';
import { batchesFromEnvironment } from '../../shared/wiring/batches.js';

const batches = batchesFromEnvironment();

/** GET /v1/payout-batches/{id} — the batch with its counts per status. */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(batchIdParams, request.pathParameters);
  return jsonResponse(200, await batches.get(request.principal.tenantId, id));
});
