import {
  apiHandler,
  callerOf,
  csvResponse,
  jsonResponse,
  parse,
  readJsonBody,
} from '../../shared/http/api-handler.js';
import {
  createReconciliationRunBody,
  listReconciliationItemsQuery,
  listReconciliationRunsQuery,
  reconciliationItemParams,
  reconciliationItemsCsvQuery,
  reconciliationRunParams,
  resolveReconciliationItemBody,
} from '../../shared/schemas/reconciliation.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';
import { reconciliationFromEnvironment } from '../../shared/wiring/reconciliation.js';

const reconciliation = reconciliationFromEnvironment();
const limits = rateLimitsFromEnvironment();

/**
 * The public reconciliation API, one function for its five routes (they share everything they load):
 *
 *   POST /v1/reconciliation-runs                                  → 202, the run (status running)
 *   GET  /v1/reconciliation-runs                                  → newest first
 *   GET  /v1/reconciliation-runs/{id}                             → counts, totals, items_csv_url
 *   GET  /v1/reconciliation-runs/{id}/items?outcome=              → differences first
 *   POST /v1/reconciliation-runs/{id}/items/{item_id}/resolve     → the item with its resolution
 */
export const handler = apiHandler({}, async (request) => {
  const tenantId = request.principal.tenantId;
  const creating = request.routeKey === 'POST /v1/reconciliation-runs';
  // A run reads a whole day at a provider: counted like a report request; reads like listings.
  await limits.take(tenantId, creating ? 'report' : 'list');
  switch (request.routeKey) {
    case 'POST /v1/reconciliation-runs': {
      const body = parse(createReconciliationRunBody, readJsonBody(request));
      return jsonResponse(202, await reconciliation.request(callerOf(request), body));
    }
    case 'GET /v1/reconciliation-runs':
      return jsonResponse(
        200,
        await reconciliation.list(
          tenantId,
          parse(listReconciliationRunsQuery, request.queryStringParameters ?? {}),
        ),
      );
    case 'GET /v1/reconciliation-runs/{id}': {
      const { id } = parse(reconciliationRunParams, request.pathParameters);
      return jsonResponse(200, await reconciliation.get(tenantId, id));
    }
    case 'GET /v1/reconciliation-runs/{id}/items': {
      const { id } = parse(reconciliationRunParams, request.pathParameters);
      const parameters = request.queryStringParameters ?? {};
      if (parameters.format !== undefined) {
        const { outcome } = parse(reconciliationItemsCsvQuery, parameters);
        return csvResponse(await reconciliation.itemsCsv(tenantId, id, outcome));
      }
      const query = parse(listReconciliationItemsQuery, parameters);
      return jsonResponse(200, await reconciliation.items(tenantId, id, query));
    }
    default: {
      const { id, item_id } = parse(reconciliationItemParams, request.pathParameters);
      const { note } = parse(resolveReconciliationItemBody, readJsonBody(request));
      return jsonResponse(200, await reconciliation.resolve(callerOf(request), id, item_id, note));
    }
  }
});
