import { apiHandler, callerOf, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { endpointIdParams } from '../../shared/schemas/webhooks.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';

const endpoints = webhookEndpointsFromEnvironment();

/** DELETE /v1/webhook-endpoints/{id} */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(endpointIdParams, request.pathParameters);
  return jsonResponse(200, await endpoints.remove(callerOf(request), id));
});
