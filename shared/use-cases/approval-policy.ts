import { type ApprovalPolicy, type ApprovalRule, defaultApprovalPolicy } from '../domain/approvals.js';
import { type Caller, stampFor } from '../domain/audit.js';
import { ConcurrentModificationError } from '../domain/errors.js';
import type { PayoutPurpose, PayoutSource } from '../domain/payout.js';
import { DEFAULT_GRANT_DELAY_HOURS } from '../domain/team.js';
import type { TeamStore } from '../ports/team-store.js';

export interface ApprovalRuleBody {
  name: string;
  sources?: PayoutSource[] | undefined;
  purposes?: PayoutPurpose[] | undefined;
  currency?: string | undefined;
  min_amount?: number | undefined;
  approvals: number;
}

function toResource(policy: ApprovalPolicy) {
  return {
    object: 'approval_policy' as const,
    rules: policy.rules.map((rule) => ({
      name: rule.name,
      sources: rule.sources ?? null,
      purposes: rule.purposes ?? null,
      currency: rule.currency ?? null,
      min_amount: rule.minAmount ?? null,
      approvals: rule.approvals,
    })),
    expiry_hours: policy.expiryHours,
    role_grant_delay_hours: policy.roleGrantDelayHours ?? DEFAULT_GRANT_DELAY_HOURS,
    mfa_required_for_all: policy.mfaRequiredForAll ?? false,
    updated_at: policy.updatedAt,
    version: policy.version,
  };
}

/** A tenant's approval policy: read by everyone in the portal, changed by admins (audited). */
export function approvalPolicyUseCase(deps: { team: TeamStore; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const current = async (tenantId: string) =>
    (await deps.team.getApprovalPolicy(tenantId)) ??
    defaultApprovalPolicy(tenantId, new Date(0).toISOString());

  return {
    get: async (tenantId: string) => toResource(await current(tenantId)),

    async update(
      caller: Caller,
      body: {
        rules: ApprovalRuleBody[];
        expiry_hours: number;
        role_grant_delay_hours?: number;
        mfa_required_for_all?: boolean;
        version: number;
      },
    ) {
      const stored = await current(caller.tenantId);
      if (body.version !== stored.version)
        throw new ConcurrentModificationError(
          'The policy was changed by someone else since you loaded it: reload and apply your change again.',
        );
      const time = now();
      const rules: ApprovalRule[] = body.rules.map((rule) => ({
        name: rule.name,
        approvals: rule.approvals,
        ...(rule.sources?.length ? { sources: rule.sources } : {}),
        ...(rule.purposes?.length ? { purposes: rule.purposes } : {}),
        ...(rule.currency ? { currency: rule.currency } : {}),
        ...(rule.min_amount !== undefined ? { minAmount: rule.min_amount } : {}),
      }));
      const next: ApprovalPolicy = {
        tenantId: caller.tenantId,
        rules,
        expiryHours: body.expiry_hours,
        roleGrantDelayHours:
          body.role_grant_delay_hours ?? stored.roleGrantDelayHours ?? DEFAULT_GRANT_DELAY_HOURS,
        mfaRequiredForAll: body.mfa_required_for_all ?? stored.mfaRequiredForAll ?? false,
        updatedAt: new Date(time).toISOString(),
        version: stored.version + 1,
        lastAction: stampFor(caller, 'approval_policy.update', time),
      };
      await deps.team.saveApprovalPolicy(next, stored.version);
      return toResource(next);
    },
  };
}
