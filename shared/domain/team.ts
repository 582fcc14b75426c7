import type { ActionStamp } from './audit.js';

/**
 * Team roles and the permission matrix of the Business Portal: written once here, enforced on every
 * portal API route (each route names its action) and shown on the portal's help page (served from
 * this table by `GET /portal-api/v1/permissions`). Roles live in the table, not in tokens, so a role
 * change or a deactivation applies to the very next request.
 */
export const ROLES = ['admin', 'approver', 'requester', 'finance', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  admin: 'Runs the workspace: the team and its roles, API keys, webhook endpoints and payout criteria.',
  approver: 'Reviews manual payouts that need approval and approves or rejects them (never their own).',
  requester: 'Creates manual payouts (support credits, one-time refunds) with a rationale and documentation.',
  finance: 'Reconciles: reads every payout, the audit log and the reports.',
  viewer: 'Reads payouts and their timelines; changes nothing.',
};

/** Every action a person can take in the portal. */
export const ACTIONS = {
  'payouts.read': 'See payouts, their details and timelines',
  'payouts.create_manual': 'Create a manual payout (support credit, one-time refund)',
  'payouts.create_batch': 'Upload a CSV file of payouts as one batch (payroll, many refunds)',
  'payouts.cancel': 'Cancel a payout that has not started executing',
  'payouts.approve': 'Approve or reject payouts requested by someone else',
  'attachments.upload': 'Upload documentation for a manual payout',
  'members.read': 'See the team',
  'members.manage': 'Invite members, change their roles, deactivate them',
  'api_keys.manage': 'Create and revoke API keys',
  'webhooks.manage': 'Create webhook endpoints, see delivery attempts, recover deliveries',
  'settings.manage': 'Change the manual payout criteria (reason codes, limits)',
  'rails.manage': 'Configure payout rails: provider credentials, routing rules, test a connection',
  'audit.read': 'Read the audit log',
  'reports.manage': 'Request and download payout reports',
  'reconciliation.manage': 'Run reconciliation against the providers and resolve differences with a note',
} as const;
export type Action = keyof typeof ACTIONS;

/** The matrix: which roles may take each action. A member holding several roles gets the union. */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'payouts.read': ['admin', 'approver', 'requester', 'finance', 'viewer'],
  'payouts.create_manual': ['admin', 'requester'],
  'payouts.create_batch': ['admin', 'requester'],
  'payouts.cancel': ['admin', 'requester'],
  'payouts.approve': ['approver'],
  'attachments.upload': ['admin', 'requester'],
  'members.read': ['admin'],
  'members.manage': ['admin'],
  'api_keys.manage': ['admin'],
  'webhooks.manage': ['admin'],
  'settings.manage': ['admin'],
  'rails.manage': ['admin'],
  'audit.read': ['admin', 'finance'],
  'reports.manage': ['admin', 'finance'],
  'reconciliation.manage': ['admin', 'finance'],
};

export function can(roles: readonly Role[], action: Action): boolean {
  return PERMISSIONS[action].some((role) => roles.includes(role));
}

export function actionsOf(roles: readonly Role[]): Action[] {
  return (Object.keys(PERMISSIONS) as Action[]).filter((action) => can(roles, action));
}

export type MemberStatus = 'active' | 'deactivated';

/**
 * Roles that move money or hand out power: granted in the portal, they take effect only when a second
 * admin confirms the grant, or after the tenant's cooling-off period (D52). One person alone cannot
 * make themselves (or a second account of theirs) an approver and approve.
 */
export const GUARDED_ROLES: readonly Role[] = ['admin', 'approver'];

/**
 * Whether a member with these roles in effect must sign in with two steps (TOTP): approvers and
 * admins always, everyone when the tenant's policy says so (D53).
 */
export const mfaRequiredFor = (roles: readonly Role[], requiredForAll: boolean) =>
  requiredForAll || roles.some((role) => GUARDED_ROLES.includes(role));

/** Who granted a guarded role, when, and when it takes (or took) effect. */
export interface RoleGrant {
  role: Role;
  grantedBy: { id: string; name: string } | null;
  grantedAt: string;
  /** When it takes effect if nobody confirms it sooner. */
  effectiveAt: string;
  /** The second admin who confirmed it (then it took effect at once). */
  confirmedBy?: { id: string; name: string } | null;
}

/** A person of a tenant's team. Keyed by the identity provider's `sub`. */
export interface Member {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  /** Roles in effect (see `activeRoles` for guarded grants that come into effect by time). */
  roles: Role[];
  /** Guarded roles granted but not yet in effect: each has its grant in `grants`. */
  pendingRoles?: Role[];
  /** The latest grant of each guarded role the member holds or awaits. */
  grants?: RoleGrant[];
  status: MemberStatus;
  /**
   * When the member confirmed a verified TOTP authenticator in the portal. Sessions signed in before
   * it do not count as two-step (D53); unset again when an admin resets it.
   */
  mfaEnrolledAt?: string;
  invitedBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  lastAction?: ActionStamp;
}

/** The roles a member has at `at`: theirs, plus pending guarded grants whose cooling-off has passed. */
export function activeRoles(member: Pick<Member, 'roles' | 'pendingRoles' | 'grants'>, at: string): Role[] {
  const due = (member.pendingRoles ?? []).filter((role) => {
    const grant = member.grants?.find((candidate) => candidate.role === role);
    return grant !== undefined && grant.effectiveAt <= at;
  });
  return [...new Set([...member.roles, ...due])];
}

/** The default cooling-off of a guarded grant nobody confirms (a tenant setting, 1–168 hours). */
export const DEFAULT_GRANT_DELAY_HOURS = 24;
export const MAX_GRANT_DELAY_HOURS = 168;

/** A new, active member (an invitation, or a tenant's first members). */
export function newMember(input: {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  roles: Role[];
  invitedBy: string | null;
  at: string;
  lastAction?: ActionStamp;
}): Member {
  return {
    id: input.id,
    tenantId: input.tenantId,
    email: input.email.toLowerCase(),
    name: input.name,
    roles: input.roles,
    status: 'active',
    invitedBy: input.invitedBy,
    createdAt: input.at,
    updatedAt: input.at,
    version: 1,
    ...(input.lastAction ? { lastAction: input.lastAction } : {}),
  };
}
