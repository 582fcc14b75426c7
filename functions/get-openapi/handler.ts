import document from '../../docs/openapi.json' with { type: 'json' };
import { apiHandler, jsonResponse } from '../../shared/http/api-handler.js';

const body = JSON.stringify(document);

/**
 * GET /v1/openapi.json (no auth). The document is generated from the zod schemas that validate
 * requests (`npm run openapi`; a test fails when it is stale) and bundled as JSON: no zod here.
 */
export const handler = apiHandler({ auth: false }, async () => jsonResponse(200, body));
