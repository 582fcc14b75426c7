import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoEventStore } from '../../shared/adapters/dynamodb/event-store.js';
import { loadConfig } from '../../shared/config.js';
import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { listEventsQuery } from '../../shared/schemas/events.js';
import { listEventsUseCase } from '../../shared/use-cases/read-events.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';

const rateLimits = rateLimitsFromEnvironment();
const listEvents = listEventsUseCase({ events: createDynamoEventStore(tableOf(loadConfig())) });

/** GET /v1/events */
export const handler = apiHandler({ rateLimit: { action: 'list', limits: rateLimits } }, async (request) => {
  const query = parse(listEventsQuery, request.queryStringParameters ?? {});
  return jsonResponse(200, await listEvents(request.principal.tenantId, query));
});
