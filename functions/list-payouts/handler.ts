import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { loadConfig } from '../../shared/config.js';
import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { listPayoutsQuery } from '../../shared/schemas/payouts.js';
import { listPayoutsUseCase } from '../../shared/use-cases/read-payouts.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';

const rateLimits = rateLimitsFromEnvironment();
const listPayouts = listPayoutsUseCase({ payouts: createDynamoPayoutRepository(tableOf(loadConfig())) });

/** GET /v1/payouts */
export const handler = apiHandler({ rateLimit: { action: 'list', limits: rateLimits } }, async (request) => {
  const query = parse(listPayoutsQuery, request.queryStringParameters ?? {});
  return jsonResponse(200, await listPayouts(request.principal.tenantId, query));
});
