import { AppError } from '../../shared/domain/errors.js';
import { apiHandler } from '../../shared/http/api-handler.js';

/** The HTTP API's `$default` route: an unknown path gets the API's own 404 body. */
export const handler = apiHandler({ auth: false }, async (request) => {
  throw new AppError(
    'not_found_error',
    'route_not_found',
    `No route ${request.requestContext.http.method} ${request.rawPath}. See GET /v1/openapi.json.`,
  );
});
