/**
 * `npm run openapi`: writes docs/openapi.json from the zod schemas that validate requests. The
 * `get-openapi` function serves that file (a small bundle, no zod at cold start); a unit test fails
 * when the file and the schemas disagree, and says to run this.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../shared/schemas/openapi.js';

export const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url);

writeFileSync(OPENAPI_FILE, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${OPENAPI_FILE.pathname}`);
