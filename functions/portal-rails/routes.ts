import * as z from 'zod';
import { jsonResponse, parse } from '../../shared/http/api-handler.js';
import type { PortalRoute } from '../../shared/http/portal-handler.js';
import type { ConnectorsUseCase } from '../../shared/use-cases/connectors.js';

const setConnectorBody = z.strictObject({
  mode: z.enum(['test', 'live']).default('test'),
  credentials: z.record(z.string(), z.string().max(4096)),
});

const routesBody = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        destination_type: z.string().max(40),
        currency: z.string().max(3).nullable().optional(),
        connector: z.string().max(40),
      }),
    )
    .max(50, 'has at most 50 rules'),
  default_connector: z.string().max(40).nullable().optional(),
});

/** The Payout rails page: a tenant's connectors (credentials write-only), routing rules, connection test. */
export function portalRailRoutes(rails: ConnectorsUseCase): PortalRoute[] {
  return [
    {
      method: 'GET',
      path: '/payout-rails',
      action: 'rails.manage',
      handler: async ({ caller }) => jsonResponse(200, await rails.list(caller.tenantId)),
    },
    {
      method: 'PUT',
      path: '/payout-rails/connectors/{name}',
      action: 'rails.manage',
      handler: async ({ caller, params, json }) => {
        const body = parse(setConnectorBody, json());
        return jsonResponse(
          200,
          await rails.set(caller, {
            connector: params.name ?? '',
            mode: body.mode,
            credentials: body.credentials,
          }),
        );
      },
    },
    {
      method: 'DELETE',
      path: '/payout-rails/connectors/{name}',
      action: 'rails.manage',
      handler: async ({ caller, params }) => jsonResponse(200, await rails.remove(caller, params.name ?? '')),
    },
    {
      method: 'POST',
      path: '/payout-rails/connectors/{name}/test',
      action: 'rails.manage',
      handler: async ({ caller, params }) =>
        jsonResponse(200, await rails.testConnection(caller.tenantId, params.name ?? '')),
    },
    {
      method: 'PUT',
      path: '/payout-rails/routes',
      action: 'rails.manage',
      handler: async ({ caller, json }) =>
        jsonResponse(200, await rails.route(caller, parse(routesBody, json()))),
    },
  ];
}
