import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { endpointIdParams, listAttemptsQuery } from '../../shared/schemas/webhooks.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';

const endpoints = webhookEndpointsFromEnvironment();

/** GET /v1/webhook-endpoints/{id}/deliveries — every attempt, newest first. */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(endpointIdParams, request.pathParameters);
  const query = parse(listAttemptsQuery, request.queryStringParameters ?? {});
  return jsonResponse(200, await endpoints.attempts(request.principal.tenantId, id, query));
});
