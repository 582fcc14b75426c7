import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { loadConfig } from '../../shared/config.js';
import { apiHandler, callerOf, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { payoutIdParams } from '../../shared/schemas/payouts.js';
import { cancelPayoutUseCase } from '../../shared/use-cases/cancel-payout.js';
import { approvalsFromEnvironment } from '../../shared/wiring/approvals.js';

const payouts = createDynamoPayoutRepository(tableOf(loadConfig()));
const cancelPayout = cancelPayoutUseCase({
  payouts,
  afterCancel: approvalsFromEnvironment({ payouts }).afterCancel,
});

/** POST /v1/payouts/{id}/cancel */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(payoutIdParams, request.pathParameters);
  return jsonResponse(200, await cancelPayout(callerOf(request), id));
});
