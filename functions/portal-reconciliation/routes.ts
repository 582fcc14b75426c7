import { csvResponse, jsonResponse, parse } from '../../shared/http/api-handler.js';
import type { PortalRoute } from '../../shared/http/portal-handler.js';
import {
  createReconciliationRunBody,
  listReconciliationItemsQuery,
  listReconciliationRunsQuery,
  reconciliationItemParams,
  reconciliationItemsCsvQuery,
  reconciliationRunParams,
  resolveReconciliationItemBody,
} from '../../shared/schemas/reconciliation.js';
import type { Reconciliation } from '../../shared/use-cases/reconciliation.js';

/** The Reconciliation page: runs (newest first), a run's differences first, resolving one with a note. */
export function portalReconciliationRoutes(reconciliation: Reconciliation): PortalRoute[] {
  return [
    {
      method: 'GET',
      path: '/reconciliation-runs',
      action: 'reconciliation.manage',
      handler: async ({ caller, query }) =>
        jsonResponse(
          200,
          await reconciliation.list(caller.tenantId, parse(listReconciliationRunsQuery, query)),
        ),
    },
    {
      method: 'POST',
      path: '/reconciliation-runs',
      action: 'reconciliation.manage',
      rateLimit: 'report',
      handler: async ({ caller, json }) =>
        jsonResponse(202, await reconciliation.request(caller, parse(createReconciliationRunBody, json()))),
    },
    {
      method: 'GET',
      path: '/reconciliation-runs/connectors',
      action: 'reconciliation.manage',
      handler: async ({ caller }) =>
        jsonResponse(200, { connectors: await reconciliation.connectorsOf(caller.tenantId) }),
    },
    {
      method: 'GET',
      path: '/reconciliation-runs/{id}',
      action: 'reconciliation.manage',
      handler: async ({ caller, params }) => {
        const { id } = parse(reconciliationRunParams, params);
        return jsonResponse(200, await reconciliation.get(caller.tenantId, id));
      },
    },
    {
      method: 'GET',
      path: '/reconciliation-runs/{id}/items',
      action: 'reconciliation.manage',
      handler: async ({ caller, params, query }) => {
        const { id } = parse(reconciliationRunParams, params);
        // `format=csv`: the filter's items as they are now, resolutions included.
        if (query.format !== undefined) {
          const { outcome } = parse(reconciliationItemsCsvQuery, query);
          return csvResponse(await reconciliation.itemsCsv(caller.tenantId, id, outcome));
        }
        return jsonResponse(
          200,
          await reconciliation.items(caller.tenantId, id, parse(listReconciliationItemsQuery, query)),
        );
      },
    },
    {
      method: 'POST',
      path: '/reconciliation-runs/{id}/items/{item_id}/resolve',
      action: 'reconciliation.manage',
      handler: async ({ caller, params, json }) => {
        const { id, item_id } = parse(reconciliationItemParams, params);
        const { note } = parse(resolveReconciliationItemBody, json());
        return jsonResponse(200, await reconciliation.resolve(caller, id, item_id, note));
      },
    },
  ];
}
