import { cannotDecideReasonOf } from '../../shared/domain/approvals.js';
import { stampFor } from '../../shared/domain/audit.js';
import { auditLogFileName } from '../../shared/domain/audit-text.js';
import { NotFoundError, ValidationError } from '../../shared/domain/errors.js';
import { ACTIONS, actionsOf, PERMISSIONS, ROLE_DESCRIPTIONS, ROLES } from '../../shared/domain/team.js';
import { jsonResponse, parse, requireIdempotencyKey } from '../../shared/http/api-handler.js';
import type { PortalRoute } from '../../shared/http/portal-handler.js';
import type { AuditLog } from '../../shared/ports/team-store.js';
import { toApiKeyResource } from '../../shared/schemas/api-key-resource.js';
import { batchIdParams, listBatchesQuery } from '../../shared/schemas/batches.js';
import { idempotencyKey } from '../../shared/schemas/common.js';
import { toMemberResource } from '../../shared/schemas/member-resource.js';
import { listPayoutsQuery } from '../../shared/schemas/payouts.js';
import {
  approvalPolicyBody,
  attachmentUploadBody,
  auditQuery,
  bulkApproveBody,
  createApiKeyBody,
  criteriaBody,
  decisionBody,
  idParams,
  inviteMemberBody,
  manualPayoutBody,
  updateMemberBody,
} from '../../shared/schemas/portal.js';
import {
  createReportBody,
  listReportsQuery,
  reportFilters,
  reportIdParams,
} from '../../shared/schemas/reports.js';
import { createWebhookEndpointBody, listAttemptsQuery, recoverBody } from '../../shared/schemas/webhooks.js';
import type { approvalPolicyUseCase } from '../../shared/use-cases/approval-policy.js';
import type { approvalsUseCase } from '../../shared/use-cases/approvals.js';
import { type AuditFilter, auditLogUseCase } from '../../shared/use-cases/audit-log.js';
import type { cancelPayoutUseCase } from '../../shared/use-cases/cancel-payout.js';
import { type manualPayoutsUseCase, toPortalPayout } from '../../shared/use-cases/manual-payouts.js';
import type { PayoutBatches } from '../../shared/use-cases/payout-batches.js';
import type { listPayoutsUseCase } from '../../shared/use-cases/read-payouts.js';
import type { reportsUseCase } from '../../shared/use-cases/reports.js';
import type { teamUseCase } from '../../shared/use-cases/team.js';
import type { tenantAdministration } from '../../shared/use-cases/tenants.js';
import type { webhookEndpointsUseCase } from '../../shared/use-cases/webhook-endpoints.js';
import * as z from '../../shared/zod.js';

/** The use cases behind the portal API: the same ones the public API and the CLI use. */
export interface PortalUseCases {
  batches: Pick<PayoutBatches, 'get' | 'list'>;
  reports: ReturnType<typeof reportsUseCase>;
  approvals: ReturnType<typeof approvalsUseCase>;
  approvalPolicy: ReturnType<typeof approvalPolicyUseCase>;
  listPayouts: ReturnType<typeof listPayoutsUseCase>;
  cancelPayout: ReturnType<typeof cancelPayoutUseCase>;
  manualPayouts: ReturnType<typeof manualPayoutsUseCase>;
  team: ReturnType<typeof teamUseCase>;
  tenants: ReturnType<typeof tenantAdministration>;
  webhooks: ReturnType<typeof webhookEndpointsUseCase>;
  audit: AuditLog;
}

/** The audit log's filters as the query names them, for the use case. */
const auditFilter = (filter: {
  action?: string;
  actor_id?: string;
  target_id?: string;
  created_gte?: string;
  created_lt?: string;
}): AuditFilter => ({
  action: filter.action,
  actorId: filter.actor_id,
  targetId: filter.target_id,
  createdGte: filter.created_gte,
  createdLt: filter.created_lt,
});

const list = <T>(data: T[]) => ({ object: 'list' as const, data, has_more: false, next_cursor: null });

/**
 * Every portal API route with the permission it needs. The middleware (portalApi) checks the
 * permission before the handler runs; handlers only parse and call a use case.
 */
export function portalRoutes(use: PortalUseCases): PortalRoute[] {
  const auditLog = auditLogUseCase({
    audit: use.audit,
    members: async (tenantId) => (await use.team.list(tenantId)).data,
    apiKeys: (tenantId) => use.tenants.listApiKeys(tenantId),
  });
  /**
   * Approve (optional comment) or reject (comment required) one payout; answers the payout as the
   * portal shows it, for the page to show the decision from this answer.
   */
  const decisionRoute = (path: string, approve: boolean): PortalRoute => ({
    method: 'POST',
    path,
    action: 'payouts.approve',
    handler: async ({ caller, params, json }) => {
      const { id } = parse(idParams, params);
      const { comment } = parse(decisionBody, json() ?? {});
      await use.approvals.decide(caller, id, { approve, comment: comment ?? null });
      return jsonResponse(200, await use.manualPayouts.get(caller.tenantId, id));
    },
  });

  return [
    {
      method: 'GET',
      path: '/me',
      action: null,
      beforeMfa: true,
      handler: async ({ member, mfa }) => {
        const resource = toMemberResource(member);
        return jsonResponse(200, {
          ...resource,
          tenant_id: member.tenantId,
          permissions: actionsOf(member.roles),
          // What the portal shows first: set up an authenticator, or sign in again with a code.
          mfa: { ...resource.mfa, required: mfa.required, satisfied: mfa.satisfied },
        });
      },
    },
    {
      method: 'POST',
      path: '/me/mfa',
      action: null,
      beforeMfa: true,
      handler: async ({ caller, member }) => jsonResponse(200, await use.team.confirmMfa(caller, member)),
    },
    {
      method: 'GET',
      path: '/permissions',
      action: null,
      handler: async () =>
        jsonResponse(200, {
          object: 'permission_matrix',
          roles: ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role] })),
          actions: Object.entries(ACTIONS).map(([action, description]) => ({
            action,
            description,
            roles: PERMISSIONS[action as keyof typeof ACTIONS],
          })),
        }),
    },

    // Payouts
    {
      method: 'GET',
      path: '/payouts',
      action: 'payouts.read',
      // With each payout's documentation (`manual`): the list shows who the customer is.
      handler: async ({ member, query }) =>
        jsonResponse(
          200,
          await use.listPayouts(member.tenantId, parse(listPayoutsQuery, query), toPortalPayout),
        ),
    },
    {
      method: 'POST',
      path: '/payouts',
      action: 'payouts.create_manual',
      handler: async ({ caller, headers, json }) => {
        const key = requireIdempotencyKey({ headers }, idempotencyKey);
        const rawBody = json();
        const body = parse(manualPayoutBody, rawBody);
        const {
          statusCode,
          body: payout,
          replayed,
        } = await use.manualPayouts.create({
          caller,
          idempotencyKey: key,
          rawBody,
          body,
        });
        return jsonResponse(statusCode, payout, replayed ? { 'idempotent-replayed': 'true' } : {});
      },
    },
    {
      method: 'GET',
      path: '/payouts/{id}',
      action: 'payouts.read',
      handler: async ({ member, params }) =>
        jsonResponse(200, await use.manualPayouts.get(member.tenantId, parse(idParams, params).id)),
    },
    {
      method: 'POST',
      path: '/payouts/{id}/cancel',
      action: 'payouts.cancel',
      handler: async ({ member, caller, params }) => {
        const { id } = parse(idParams, params);
        await use.cancelPayout(caller, id, { id: member.id, admin: member.roles.includes('admin') });
        return jsonResponse(200, await use.manualPayouts.get(caller.tenantId, id));
      },
    },
    {
      method: 'GET',
      path: '/payouts/{id}/attachment',
      action: 'payouts.read',
      handler: async ({ member, params }) =>
        jsonResponse(200, await use.manualPayouts.attachmentUrl(member.tenantId, parse(idParams, params).id)),
    },
    {
      method: 'POST',
      path: '/attachments',
      action: 'attachments.upload',
      handler: async ({ caller, json }) =>
        jsonResponse(201, await use.manualPayouts.uploadUrl(caller, parse(attachmentUploadBody, json()))),
    },

    // Approvals
    {
      method: 'GET',
      path: '/approvals',
      action: 'payouts.approve',
      handler: async ({ member, query }) => {
        const page = await use.listPayouts(
          member.tenantId,
          parse(listPayoutsQuery, { ...query, status: 'pending_approval' }),
          (payout) => {
            // Why not, in a code the portal says in words (own request, already approved, expired).
            const reason = cannotDecideReasonOf(payout, member.id);
            return { ...toPortalPayout(payout), can_decide: reason === null, cannot_decide_reason: reason };
          },
        );
        // Who made each approver one, and when: an approver granted minutes before approving is news.
        const approvers = Object.fromEntries(
          (await use.team.list(member.tenantId)).data
            .filter((candidate) => candidate.grants.some((grant) => grant.role === 'approver'))
            .map((candidate) => {
              const grant = candidate.grants.find((entry) => entry.role === 'approver');
              return [
                candidate.id,
                {
                  name: candidate.name,
                  granted_at: grant?.granted_at ?? null,
                  granted_by: grant?.granted_by ?? null,
                },
              ];
            }),
        );
        return jsonResponse(200, { ...page, approvers });
      },
    },
    decisionRoute('/payouts/{id}/approve', true),
    decisionRoute('/payouts/{id}/reject', false),
    {
      method: 'POST',
      path: '/approvals/approve',
      action: 'payouts.approve',
      handler: async ({ caller, json }) => {
        const { ids, comment } = parse(bulkApproveBody, json());
        // Each payout on its own: one refusal (own payout, already decided) does not stop the others.
        const results = await use.approvals.decideEach(caller, ids, {
          approve: true,
          comment: comment ?? null,
        });
        return jsonResponse(200, {
          object: 'bulk_approval',
          results: results.map(({ decided, ...result }) =>
            'payout' in result
              ? { ...result, approved: decided, payout: toPortalPayout(result.payout) }
              : { ...result, approved: decided },
          ),
        });
      },
    },
    // Bulk reject (issue 19): as bulk approve, each on its own; the comment is required (400 naming it).
    {
      method: 'POST',
      path: '/approvals/reject',
      action: 'payouts.approve',
      handler: async ({ caller, json }) => {
        const { ids, comment } = parse(bulkApproveBody, json());
        const results = await use.approvals.decideEach(caller, ids, {
          approve: false,
          comment: comment ?? null,
        });
        return jsonResponse(200, {
          object: 'bulk_rejection',
          results: results.map(({ decided, ...result }) =>
            'payout' in result
              ? { ...result, rejected: decided, payout: toPortalPayout(result.payout) }
              : { ...result, rejected: decided },
          ),
        });
      },
    },
    // The requester's recently rejected payouts (issue 19): the portal's notice on every page.
    {
      method: 'GET',
      path: '/me/rejected-payouts',
      action: 'payouts.read',
      handler: async ({ member }) =>
        jsonResponse(
          200,
          list((await use.approvals.recentRejectionsOf(member.tenantId, member.id)).map(toPortalPayout)),
        ),
    },
    {
      method: 'GET',
      path: '/settings/approval-policy',
      action: 'payouts.read',
      handler: async ({ member }) => jsonResponse(200, await use.approvalPolicy.get(member.tenantId)),
    },
    {
      method: 'PUT',
      path: '/settings/approval-policy',
      action: 'settings.manage',
      handler: async ({ caller, json }) =>
        jsonResponse(200, await use.approvalPolicy.update(caller, parse(approvalPolicyBody, json()))),
    },

    // Batches (the CSV upload itself is the portal-batches function)
    {
      method: 'GET',
      path: '/payout-batches',
      action: 'payouts.read',
      handler: async ({ member, query }) =>
        jsonResponse(200, await use.batches.list(member.tenantId, parse(listBatchesQuery, query))),
    },
    {
      method: 'GET',
      path: '/payout-batches/{id}',
      action: 'payouts.read',
      handler: async ({ member, params }) =>
        jsonResponse(200, await use.batches.get(member.tenantId, parse(batchIdParams, params).id)),
    },

    // Reports
    {
      method: 'GET',
      path: '/reports',
      action: 'reports.manage',
      handler: async ({ member, query }) =>
        jsonResponse(200, await use.reports.list(member.tenantId, parse(listReportsQuery, query))),
    },
    {
      method: 'POST',
      path: '/reports',
      action: 'reports.manage',
      rateLimit: 'report',
      handler: async ({ caller, json }) =>
        jsonResponse(202, await use.reports.request(caller, reportFilters(parse(createReportBody, json())))),
    },
    {
      method: 'GET',
      path: '/reports/{id}',
      action: 'reports.manage',
      handler: async ({ member, params }) =>
        jsonResponse(200, await use.reports.get(member.tenantId, parse(reportIdParams, params).id)),
    },

    // Team
    {
      method: 'GET',
      path: '/members',
      action: 'members.read',
      handler: async ({ member }) => jsonResponse(200, await use.team.list(member.tenantId)),
    },
    {
      method: 'POST',
      path: '/members',
      action: 'members.manage',
      handler: async ({ caller, json }) =>
        jsonResponse(201, await use.team.invite(caller, parse(inviteMemberBody, json()))),
    },
    {
      method: 'PATCH',
      path: '/members/{id}',
      action: 'members.manage',
      handler: async ({ caller, params, json }) =>
        jsonResponse(
          200,
          await use.team.update(caller, parse(idParams, params).id, parse(updateMemberBody, json())),
        ),
    },

    {
      method: 'POST',
      path: '/members/{id}/confirm-roles',
      action: 'members.manage',
      handler: async ({ caller, params }) =>
        jsonResponse(200, await use.team.confirmRoles(caller, parse(idParams, params).id)),
    },
    {
      method: 'POST',
      path: '/members/{id}/reset-mfa',
      action: 'members.manage',
      handler: async ({ caller, params }) =>
        jsonResponse(200, await use.team.resetMfa(caller, parse(idParams, params).id)),
    },

    // API keys
    {
      method: 'GET',
      path: '/api-keys',
      action: 'api_keys.manage',
      handler: async ({ member }) =>
        jsonResponse(200, list((await use.tenants.listApiKeys(member.tenantId)).map(toApiKeyResource))),
    },
    {
      method: 'POST',
      path: '/api-keys',
      action: 'api_keys.manage',
      handler: async ({ caller, json }) => {
        const body = parse(createApiKeyBody, json());
        const { apiKey, secret } = await use.tenants.createApiKey({
          tenantId: caller.tenantId,
          name: body.name,
          mode: body.mode,
          action: stampFor(caller, 'api_key.create'),
        });
        return jsonResponse(201, { ...toApiKeyResource(apiKey), secret });
      },
    },
    {
      method: 'POST',
      path: '/api-keys/{id}/revoke',
      action: 'api_keys.manage',
      handler: async ({ caller, params }) => {
        const { id } = parse(idParams, params);
        const revoked = await use.tenants.revokeApiKey(
          caller.tenantId,
          id,
          stampFor(caller, 'api_key.revoke'),
        );
        if (!revoked) throw new NotFoundError('active API key', id);
        const key = (await use.tenants.listApiKeys(caller.tenantId)).find((candidate) => candidate.id === id);
        return jsonResponse(200, key ? toApiKeyResource(key) : { id, status: 'revoked' });
      },
    },

    // Webhook endpoints
    {
      method: 'GET',
      path: '/webhook-endpoints',
      action: 'webhooks.manage',
      handler: async ({ member }) => jsonResponse(200, await use.webhooks.list(member.tenantId)),
    },
    {
      method: 'POST',
      path: '/webhook-endpoints',
      action: 'webhooks.manage',
      handler: async ({ caller, json }) =>
        jsonResponse(201, await use.webhooks.create(caller, parse(createWebhookEndpointBody, json()))),
    },
    {
      method: 'GET',
      path: '/webhook-endpoints/{id}/attempts',
      action: 'webhooks.manage',
      handler: async ({ member, params, query }) =>
        jsonResponse(
          200,
          await use.webhooks.attempts(
            member.tenantId,
            parse(idParams, params).id,
            parse(listAttemptsQuery, query),
          ),
        ),
    },
    {
      // The same rotation as the public API's: a new secret, shown once; the old one signs for 24 h more.
      method: 'POST',
      path: '/webhook-endpoints/{id}/rotate-secret',
      action: 'webhooks.manage',
      handler: async ({ caller, params }) =>
        jsonResponse(200, await use.webhooks.rotate(caller, parse(idParams, params).id)),
    },
    {
      method: 'POST',
      path: '/webhook-endpoints/{id}/recover',
      action: 'webhooks.manage',
      handler: async ({ caller, params, json }) =>
        jsonResponse(
          202,
          await use.webhooks.recover(caller, parse(idParams, params).id, parse(recoverBody, json()).since),
        ),
    },

    // Settings
    {
      method: 'GET',
      path: '/settings/manual-payouts',
      action: 'payouts.read',
      handler: async ({ member }) => jsonResponse(200, await use.manualPayouts.criteria(member.tenantId)),
    },
    {
      method: 'PUT',
      path: '/settings/manual-payouts',
      action: 'settings.manage',
      handler: async ({ caller, json }) =>
        jsonResponse(200, await use.manualPayouts.updateCriteria(caller, parse(criteriaBody, json()))),
    },

    // Audit log: members and keys named, changes in words; `format=csv`: every entry of the filter as CSV
    {
      method: 'GET',
      path: '/audit-log',
      action: 'audit.read',
      handler: async ({ member, query }) => {
        const { format, ...rest } = query;
        if (format !== undefined && format !== 'csv')
          throw new ValidationError([{ param: 'format', message: "must be 'csv', or left out for JSON" }]);
        if (format === 'csv') {
          const filter = auditFilter(parse(z.omit(auditQuery, { limit: true, starting_after: true }), rest));
          return jsonResponse(200, await auditLog.exportCsv(member.tenantId, filter), {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${auditLogFileName(filter)}"`,
          });
        }
        const { limit, starting_after, ...filter } = parse(auditQuery, query);
        return jsonResponse(
          200,
          await auditLog.list(member.tenantId, {
            ...auditFilter(filter),
            limit,
            startingAfter: starting_after,
          }),
        );
      },
    },
  ];
}
