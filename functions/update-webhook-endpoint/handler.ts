import { apiHandler, callerOf, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { endpointIdParams, updateWebhookEndpointBody } from '../../shared/schemas/webhooks.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';

const endpoints = webhookEndpointsFromEnvironment();

/** PATCH /v1/webhook-endpoints/{id} */
export const handler = apiHandler({ body: {} }, async (request) => {
  const { id } = parse(endpointIdParams, request.pathParameters);
  const patch = parse(updateWebhookEndpointBody, request.json);
  return jsonResponse(200, await endpoints.update(callerOf(request), id, patch));
});
