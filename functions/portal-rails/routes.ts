import { standaloneEntry } from '../../shared/domain/audit.js';
import { jsonResponse, parse } from '../../shared/http/api-handler.js';
import type { PortalRoute } from '../../shared/http/portal-handler.js';
import type { AuditLog } from '../../shared/ports/team-store.js';
import { toBankFileResource } from '../../shared/schemas/bank-file-resource.js';
import type { ConnectorsUseCase } from '../../shared/use-cases/connectors.js';
import type { SepaFiles, SepaSettings } from '../../shared/use-cases/sepa-files.js';
import * as z from '../../shared/zod.js';
import { asFileBeingBuilt, nextCutOff, SepaNotSetUpError } from './sepa-files.js';

const setConnectorBody = z.strictObject({
  mode: z._default(z.enum(['test', 'live']), 'test'),
  credentials: z.record(z.string(), z.string().check(z.maxLength(4096))),
});

const routesBody = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        destination_type: z.string().check(z.maxLength(40)),
        currency: z.optional(z.nullable(z.string().check(z.maxLength(3)))),
        connector: z.string().check(z.maxLength(40)),
      }),
    )
    .check(z.maxLength(50, 'has at most 50 rules')),
  default_connector: z.optional(z.nullable(z.string().check(z.maxLength(40)))),
});

const listSepaFilesQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  starting_after: z.optional(
    z.string().check(z.regex(/^bf_\d{8}T\d{4}(\d{2})?Z$/, 'must be a SEPA file id (next_cursor)')),
  ),
});

/** What the SEPA files routes need: the use case, and the tenant's settings (its cut-off). */
export interface SepaFileRoutesDeps {
  files: Pick<SepaFiles, 'list' | 'cutOff'>;
  settingsOf: (tenantId: string) => Promise<SepaSettings | undefined>;
  /** Where the cut-off a person asks for is recorded (`sepa_file.cut_off`). */
  audit?: Pick<AuditLog, 'append'>;
  now?: () => number;
}

/**
 * The Payout rails page: a tenant's connectors (credentials write-only), routing rules, connection
 * test, and the SEPA files of the `sepa_file` rail (listed newest first, cut on demand). The tenant is
 * always the signed-in member's: another tenant's file id is a cursor that finds nothing.
 */
export function portalRailRoutes(rails: ConnectorsUseCase, sepa: SepaFileRoutesDeps): PortalRoute[] {
  const now = sepa.now ?? Date.now;
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
    {
      method: 'GET',
      path: '/payout-rails/sepa-files',
      action: 'rails.manage',
      handler: async ({ caller, query }) => {
        const { limit, starting_after } = parse(listSepaFilesQuery, query);
        const [page, settings] = await Promise.all([
          sepa.files.list(caller.tenantId, { limit, startingAfter: starting_after }),
          sepa.settingsOf(caller.tenantId),
        ]);
        return jsonResponse(200, {
          object: 'list',
          data: page.items.map(toBankFileResource),
          has_more: page.hasMore,
          next_cursor: page.hasMore ? (page.items.at(-1)?.id ?? null) : null,
          // When the schedule cuts the next file (null: the rail is not set up).
          next_cut_off_at: settings ? nextCutOff(settings.cutOff, now()) : null,
        });
      },
    },
    {
      method: 'POST',
      path: '/payout-rails/sepa-files/cut-off',
      action: 'rails.manage',
      handler: async ({ caller }) => {
        if (!(await sepa.settingsOf(caller.tenantId))) throw new SepaNotSetUpError();
        // Every payout queued so far, now; files a dead run left unfinished are finished first.
        const files = await sepa.files.cutOff(caller.tenantId, { force: true }).catch(asFileBeingBuilt);
        const due = files.at(-1);
        if (due && sepa.audit)
          await sepa.audit.append([
            standaloneEntry(
              caller,
              'sepa_file.cut_off',
              { type: 'sepa_file', id: due.id },
              {
                transfers: { before: null, after: due.count },
              },
            ),
          ]);
        return jsonResponse(200, { object: 'list', data: files.map(toBankFileResource) });
      },
    },
  ];
}
