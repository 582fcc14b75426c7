import { apiHandler, callerOf, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { endpointIdParams, recoverBody } from '../../shared/schemas/webhooks.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';

const endpoints = webhookEndpointsFromEnvironment();

/** POST /v1/webhook-endpoints/{id}/recover — redeliver what failed since a time. */
export const handler = apiHandler({ body: {} }, async (request) => {
  const { id } = parse(endpointIdParams, request.pathParameters);
  const { since } = parse(recoverBody, request.json);
  return jsonResponse(202, await endpoints.recover(callerOf(request), id, since));
});
