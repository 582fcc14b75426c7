import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoEventStore } from '../../shared/adapters/dynamodb/event-store.js';
import { loadConfig } from '../../shared/config.js';
import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { eventIdParams } from '../../shared/schemas/events.js';
import { getEventUseCase } from '../../shared/use-cases/read-events.js';

const getEvent = getEventUseCase({ events: createDynamoEventStore(tableOf(loadConfig())) });

/** GET /v1/events/{id} */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(eventIdParams, request.pathParameters);
  return jsonResponse(200, await getEvent(request.principal.tenantId, id));
});
