import { apiHandler, jsonResponse } from '../../shared/http/api-handler.js';
import { openApiDocument } from '../../shared/schemas/openapi.js';

const document = JSON.stringify(openApiDocument());

/** GET /v1/openapi.json (no auth): generated from the zod schemas that validate requests. */
export const handler = apiHandler({ auth: false }, async () => jsonResponse(200, document));
