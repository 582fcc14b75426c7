import type { ApprovalPolicy } from '../../../domain/approvals.js';
import { MANUAL_CATEGORIES, PAYOUT_PURPOSES, PAYOUT_SOURCES } from '../../../domain/catalog.js';
import type { ManualPayoutCriteria } from '../../../domain/manual-payouts.js';
import { type Member, ROLES } from '../../../domain/team.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey } from '../newest-first.js';
import { actionStampSchema } from './actors.js';
import { count, flag, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const role = z.enum(ROLES);
const person = z.object({ id: text, name: text });

const memberSchema = z.object({
  id: text,
  tenantId: text,
  email: text,
  name: text,
  roles: z.array(role),
  pendingRoles: z.optional(z.array(role)),
  grants: z.optional(
    z.array(
      z.object({
        role,
        grantedBy: z.nullable(person),
        grantedAt: text,
        effectiveAt: text,
        confirmedBy: z.optional(z.nullable(person)),
      }),
    ),
  ),
  status: z.enum(['active', 'deactivated']),
  mfaEnrolledAt: z.optional(text),
  invitedBy: z.nullable(text),
  createdAt: text,
  updatedAt: text,
  version: count,
  lastAction: z.optional(actionStampSchema),
});
true satisfies Exactly<z.output<typeof memberSchema>, Member>;

/** A member of a tenant's team (id: the identity provider's sub), listed per tenant on gsi1. */
export const memberMapper = {
  entity: 'member',
  toItem: (member: Member) => ({
    ...keys.member(member.tenantId, member.id),
    gsi1pk: keys.membersOfTenant(member.tenantId),
    gsi1sk: listingKey(member),
    entity: 'member',
    fmt: ITEM_FORMAT,
    ...member,
  }),
  fromItem: (raw: Record<string, unknown>): Member => parseStored('member', memberSchema, raw),
} satisfies ItemMapper<Member>;

const criteriaSchema = z.object({
  tenantId: text,
  reasonCodes: z.array(z.object({ code: text, label: text })),
  minRationaleLength: count,
  limits: z.array(z.object({ category: z.enum(MANUAL_CATEGORIES), currency: text, maxAmount: count })),
  updatedAt: text,
  version: count,
  lastAction: z.optional(actionStampSchema),
});
true satisfies Exactly<z.output<typeof criteriaSchema>, ManualPayoutCriteria>;

/** A tenant's manual payout criteria (reason codes, limits), in the tenant's partition. */
export const criteriaMapper = {
  entity: 'manual_payout_criteria',
  toItem: (criteria: ManualPayoutCriteria) => ({
    ...keys.manualPayoutCriteria(criteria.tenantId),
    entity: 'manual_payout_criteria',
    fmt: ITEM_FORMAT,
    ...criteria,
  }),
  fromItem: (raw: Record<string, unknown>): ManualPayoutCriteria =>
    parseStored('manual_payout_criteria', criteriaSchema, raw),
} satisfies ItemMapper<ManualPayoutCriteria>;

const policySchema = z.object({
  tenantId: text,
  rules: z.array(
    z.object({
      name: text,
      sources: z.optional(z.array(z.enum(PAYOUT_SOURCES))),
      purposes: z.optional(z.array(z.enum(PAYOUT_PURPOSES))),
      currency: z.optional(text),
      minAmount: z.optional(count),
      approvals: count,
    }),
  ),
  expiryHours: count,
  roleGrantDelayHours: z.optional(count),
  mfaRequiredForAll: z.optional(flag),
  updatedAt: text,
  version: count,
  lastAction: z.optional(actionStampSchema),
});
true satisfies Exactly<z.output<typeof policySchema>, ApprovalPolicy>;

/** A tenant's approval policy, in the tenant's partition. */
export const approvalPolicyMapper = {
  entity: 'approval_policy',
  toItem: (policy: ApprovalPolicy) => ({
    ...keys.approvalPolicy(policy.tenantId),
    entity: 'approval_policy',
    fmt: ITEM_FORMAT,
    ...policy,
  }),
  fromItem: (raw: Record<string, unknown>): ApprovalPolicy =>
    parseStored('approval_policy', policySchema, raw),
} satisfies ItemMapper<ApprovalPolicy>;
