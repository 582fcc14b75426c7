import { activeRoles, type Member, type Role, type RoleGrant } from '../domain/team.js';

interface GrantResource {
  role: Role;
  granted_by: { id: string; name: string } | null;
  granted_at: string;
  effective_at: string;
  confirmed_by: { id: string; name: string } | null;
}

export interface MemberResource {
  id: string;
  object: 'member';
  email: string;
  name: string;
  /** Roles in effect now. */
  roles: Role[];
  /** Approver or admin grants waiting for a second admin's confirmation or their cooling-off. */
  pending_roles: GrantResource[];
  /** Who granted each guarded role in effect, and when (the approval inbox shows it). */
  grants: GrantResource[];
  status: Member['status'];
  /** Two-step sign-in: whether the member set up an authenticator, and when. */
  mfa: { enabled: boolean; enrolled_at: string | null };
  created_at: string;
  updated_at: string;
}

const toGrantResource = (grant: RoleGrant): GrantResource => ({
  role: grant.role,
  granted_by: grant.grantedBy,
  granted_at: grant.grantedAt,
  effective_at: grant.effectiveAt,
  confirmed_by: grant.confirmedBy ?? null,
});

export function toMemberResource(member: Member, at = new Date().toISOString()): MemberResource {
  const roles = activeRoles(member, at);
  const grants = member.grants ?? [];
  return {
    id: member.id,
    object: 'member',
    email: member.email,
    name: member.name,
    roles,
    pending_roles: grants
      .filter((grant) => !roles.includes(grant.role) && (member.pendingRoles ?? []).includes(grant.role))
      .map(toGrantResource),
    grants: grants.filter((grant) => roles.includes(grant.role)).map(toGrantResource),
    status: member.status,
    mfa: { enabled: Boolean(member.mfaEnrolledAt), enrolled_at: member.mfaEnrolledAt ?? null },
    created_at: member.createdAt,
    updated_at: member.updatedAt,
  };
}
