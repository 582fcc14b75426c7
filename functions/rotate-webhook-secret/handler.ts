import { apiHandler, callerOf, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { endpointIdParams } from '../../shared/schemas/webhooks.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';

const endpoints = webhookEndpointsFromEnvironment();

/** POST /v1/webhook-endpoints/{id}/rotate-secret — the old secret keeps signing for 24 h. */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(endpointIdParams, request.pathParameters);
  return jsonResponse(200, await endpoints.rotate(callerOf(request), id));
});
