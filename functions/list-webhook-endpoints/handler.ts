import { apiHandler, jsonResponse } from '../../shared/http/api-handler.js';
import { webhookEndpointsFromEnvironment } from '../../shared/wiring/webhook-endpoints.js';

const endpoints = webhookEndpointsFromEnvironment();

/** GET /v1/webhook-endpoints */
export const handler = apiHandler({}, async (request) =>
  jsonResponse(200, await endpoints.list(request.principal.tenantId)),
);
