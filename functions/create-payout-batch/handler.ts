import { apiHandler, callerOf, jsonResponse, requireIdempotencyKey } from '../../shared/http/api-handler.js';
import { parseBatchItems } from '../../shared/schemas/batch-request.js';
import { BATCH_MAX_BODY_BYTES } from '../../shared/schemas/batches.js';
import { idempotencyKey } from '../../shared/schemas/common.js';
import { batchesFromEnvironment } from '../../shared/wiring/batches.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';

const rateLimits = rateLimitsFromEnvironment();
const batches = batchesFromEnvironment();

/** POST /v1/payout-batches — 202: the items are expanded into payouts asynchronously. */
export const handler = apiHandler(
  { body: { maxBytes: BATCH_MAX_BODY_BYTES }, rateLimit: { action: 'create', limits: rateLimits } },
  async (request) => {
    const key = requireIdempotencyKey(request, idempotencyKey);
    const items = parseBatchItems(request.json);
    const { response, replayed } = await batches.create({
      caller: callerOf(request),
      idempotencyKey: key,
      rawBody: request.json,
      items,
      keyMode: request.principal.mode,
    });
    return jsonResponse(
      response.statusCode,
      response.body,
      replayed ? { 'idempotent-replayed': 'true' } : {},
    );
  },
);
