import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { listReportsQuery } from '../../shared/schemas/reports.js';
import { reportsFromEnvironment } from '../../shared/wiring/reports.js';

const reports = reportsFromEnvironment();

/** GET /v1/reports — newest first. */
export const handler = apiHandler({}, async (request) => {
  const query = parse(listReportsQuery, request.queryStringParameters ?? {});
  return jsonResponse(200, await reports.list(request.principal.tenantId, query));
});
