import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { loadConfig } from '../../shared/config.js';
import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { payoutIdParams } from '../../shared/schemas/payouts.js';
import { getPayoutUseCase } from '../../shared/use-cases/read-payouts.js';

const getPayout = getPayoutUseCase({ payouts: createDynamoPayoutRepository(tableOf(loadConfig())) });

/** GET /v1/payouts/{id} */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(payoutIdParams, request.pathParameters);
  return jsonResponse(200, await getPayout(request.principal.tenantId, id));
});
