import { apiHandler, callerOf, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { createWebhookEndpointBody } from '../../shared/schemas/webhooks.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';

const endpoints = webhookEndpointsFromEnvironment();

/** POST /v1/webhook-endpoints — the signing secret is in this response only. */
export const handler = apiHandler({ body: {} }, async (request) => {
  const body = parse(createWebhookEndpointBody, request.json);
  return jsonResponse(201, await endpoints.create(callerOf(request), body));
});
