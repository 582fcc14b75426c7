import { apiHandler, jsonResponse } from '../../shared/http/api-handler.js';

/** GET /v1/health (no auth). */
export const handler = apiHandler({ auth: false }, async () => jsonResponse(200, { status: 'ok' }));
