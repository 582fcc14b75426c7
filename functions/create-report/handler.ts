import { apiHandler, callerOf, jsonResponse, parse } from '../../shared/http/api-handler.js';
import { createReportBody, reportFilters } from '../../shared/schemas/reports.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';
import { reportsFromEnvironment } from '../../shared/wiring/reports.js';

const reports = reportsFromEnvironment();

/** POST /v1/reports — 202: the export runs asynchronously; poll GET /v1/reports/{id}. */
export const handler = apiHandler(
  { body: {}, rateLimit: { action: 'report', limits: rateLimitsFromEnvironment() } },
  async (request) => {
    const body = parse(createReportBody, request.json);
    return jsonResponse(202, await reports.request(callerOf(request), reportFilters(body)));
  },
);
