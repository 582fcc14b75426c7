import { apiHandler, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { reportIdParams } from '../../shared/schemas/reports.js';
import { reportsFromEnvironment } from '../../shared/wiring/reports.js';

const reports = reportsFromEnvironment();

/** GET /v1/reports/{id} — with `download_url` (5 minutes) once ready. */
export const handler = apiHandler({}, async (request) => {
  const { id } = parse(reportIdParams, request.pathParameters);
  return jsonResponse(200, await reports.get(request.principal.tenantId, id));
});
