import { type Caller, stampFor } from '../domain/audit.js';
import type { AuditAction } from '../domain/catalog.js';
import { AppError, ConcurrentModificationError, NotFoundError } from '../domain/errors.js';
import {
  activeRoles,
  DEFAULT_GRANT_DELAY_HOURS,
  GUARDED_ROLES,
  type Member,
  newMember,
  type Role,
  type RoleGrant,
} from '../domain/team.js';
import { type Directory, MemberExistsError } from '../ports/portal.js';
import type { TeamStore } from '../ports/team-store.js';
import { toMemberResource } from '../schemas/member-resource.js';

/** Read–decide–write rounds of a team change before it gives up (each lost to a concurrent change). */
const MAX_ATTEMPTS = 5;

/**
 * Inviting members, changing roles, deactivating: admins' work (the portal route checks the role).
 * Guarded roles (approver, admin) granted by a person take effect when a second admin confirms them
 * or after the tenant's cooling-off; nobody grants themselves anything; the last active admin
 * cannot be demoted or deactivated, even by two admins at once (D52).
 */
export function teamUseCase(deps: { team: TeamStore; directory: Directory; now?: () => number }) {
  const now = deps.now ?? Date.now;

  async function existing(tenantId: string, id: string): Promise<Member> {
    const member = await deps.team.getMember(tenantId, id);
    if (!member) throw new NotFoundError('member', id);
    return member;
  }

  async function grantDelayMs(tenantId: string): Promise<number> {
    const policy = await deps.team.getApprovalPolicy(tenantId);
    return (policy?.roleGrantDelayHours ?? DEFAULT_GRANT_DELAY_HOURS) * 3600_000;
  }

  /**
   * `roles` as they may be given by `caller` at `time`: the ones the member has or awaits stay as they
   * are, new non-guarded ones take effect now, new guarded ones wait (granted by a person; the
   * operators' CLI acts as the tenant's owner and grants at once).
   */
  function withRoles(
    member: Pick<Member, 'roles' | 'pendingRoles' | 'grants'>,
    roles: Role[],
    caller: Caller,
    time: number,
    delayMs: number,
  ): Pick<Member, 'roles' | 'pendingRoles' | 'grants'> {
    const at = new Date(time).toISOString();
    const active = activeRoles(member, at);
    const pending = (member.pendingRoles ?? []).filter((role) => !active.includes(role));
    const grantor = caller.actor.type === 'member' ? { id: caller.actor.id, name: caller.actor.name } : null;
    const nextRoles: Role[] = [];
    const nextPending: Role[] = [];
    let grants = (member.grants ?? []).filter((grant) => roles.includes(grant.role));
    const record = (grant: RoleGrant) => {
      grants = [...grants.filter((other) => other.role !== grant.role), grant];
    };
    for (const role of roles) {
      if (active.includes(role)) nextRoles.push(role);
      else if (pending.includes(role)) nextPending.push(role);
      else if (!GUARDED_ROLES.includes(role) || !grantor) {
        nextRoles.push(role);
        if (GUARDED_ROLES.includes(role)) record({ role, grantedBy: null, grantedAt: at, effectiveAt: at });
      } else {
        nextPending.push(role);
        record({
          role,
          grantedBy: grantor,
          grantedAt: at,
          effectiveAt: new Date(time + delayMs).toISOString(),
        });
      }
    }
    return { roles: nextRoles, pendingRoles: nextPending, grants };
  }

  /** Another active admin of the tenant than `id`, to stay when `id` stops being one; or none. */
  async function otherAdmin(tenantId: string, id: string, at: string): Promise<Member | undefined> {
    const members = await deps.team.listMembers(tenantId);
    return members.find(
      (member) => member.id !== id && member.status === 'active' && activeRoles(member, at).includes('admin'),
    );
  }

  /** Writes `change` of member `id` with a conditional write, rereading on a concurrent change. */
  async function changeMember(
    caller: Caller,
    id: string,
    action: AuditAction,
    change: (current: Member, at: string) => Partial<Member>,
  ): Promise<Member> {
    for (let attempt = 1; ; attempt++) {
      const current = await existing(caller.tenantId, id);
      const time = now();
      const at = new Date(time).toISOString();
      const next: Member = {
        ...current,
        ...change(current, at),
        updatedAt: at,
        version: current.version + 1,
        lastAction: stampFor(caller, action, time),
      };
      try {
        await deps.team.saveMember({ current, next });
        return next;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  return {
    /**
     * A member says they set up their authenticator: the directory must agree (a verified TOTP,
     * switched on). From now on only sessions signed in with a code count as two-step (D53).
     */
    async confirmMfa(caller: Caller, member: Member) {
      if (!(await deps.directory.mfaEnabled(member.email)))
        throw new AppError(
          'conflict_error',
          'mfa_not_set_up',
          'Your authenticator app is not set up yet: add the key to the app and enter the code it shows first.',
        );
      // Already enrolled: nothing changes (a new enrolment time would end the session it came from);
      // decided on the member as re-read, so two confirmations at once enrol once.
      if (member.mfaEnrolledAt) return toMemberResource(member);
      const next = await changeMember(caller, member.id, 'member.mfa_enable', (current, at) => ({
        mfaEnrolledAt: current.mfaEnrolledAt ?? at,
      }));
      return toMemberResource(next);
    },

    /**
     * An admin switches a member's two-step sign-in off (a lost phone): the member sets up a new
     * authenticator at their next sign-in. Nobody resets their own.
     */
    async resetMfa(caller: Caller, id: string) {
      if (caller.actor.type === 'member' && caller.actor.id === id)
        throw new AppError(
          'permission_error',
          'cannot_reset_own_mfa',
          'You cannot reset your own two-step verification: ask another admin.',
          { statusCode: 403 },
        );
      // The table first: from this write on, no session of theirs counts as two-step, whatever Cognito
      // answers next; a failure after it leaves TOTP on in Cognito, which a retried reset turns off.
      const next = await changeMember(caller, id, 'member.mfa_reset', () => ({ mfaEnrolledAt: undefined }));
      await deps.directory.resetMfa(next.email);
      return toMemberResource(next);
    },

    async list(tenantId: string) {
      const members = await deps.team.listMembers(tenantId);
      const at = new Date(now()).toISOString();
      return {
        object: 'list' as const,
        data: members.map((member) => toMemberResource(member, at)),
        has_more: false,
        next_cursor: null,
      };
    },

    /**
     * Invites a member: a sign-in in the directory, then the member in the table. If the second step
     * fails, inviting again finds the sign-in and answers 409; an admin then sees no member and the
     * directory user can sign in to nothing (no member record = no access).
     */
    async invite(caller: Caller, input: { email: string; name: string; roles: Role[] }) {
      const email = input.email.toLowerCase();
      let created: Awaited<ReturnType<Directory['createUser']>>;
      try {
        created = await deps.directory.createUser({ email, name: input.name, tenantId: caller.tenantId });
      } catch (error) {
        if (error instanceof MemberExistsError) {
          throw new AppError('conflict_error', 'member_exists', `${email} already has a sign-in.`, {
            param: 'email',
          });
        }
        throw error;
      }
      const time = now();
      const member = newMember({
        id: created.userId,
        tenantId: caller.tenantId,
        email,
        name: input.name,
        roles: [],
        invitedBy: caller.actor.type === 'member' ? caller.actor.id : null,
        at: new Date(time).toISOString(),
        lastAction: stampFor(caller, 'member.invite', time),
      });
      const invited = {
        ...member,
        ...withRoles(member, input.roles, caller, time, await grantDelayMs(caller.tenantId)),
      };
      await deps.team.addMember(invited);
      return { ...toMemberResource(invited), temporary_password: created.temporaryPassword };
    },

    /**
     * Changes roles and/or status. Nobody grants themselves a role, and an admin cannot lock
     * themselves out (no self-demotion); the tenant always keeps an active admin.
     */
    async update(
      caller: Caller,
      id: string,
      patch: { roles?: Role[]; status?: Member['status']; name?: string },
    ) {
      const self = caller.actor.type === 'member' && caller.actor.id === id;
      if (self && patch.status === 'deactivated') {
        throw new AppError(
          'invalid_request_error',
          'cannot_deactivate_self',
          'You cannot deactivate yourself.',
          {
            param: 'status',
          },
        );
      }
      const delayMs = await grantDelayMs(caller.tenantId);
      for (let attempt = 1; ; attempt++) {
        const current = await existing(caller.tenantId, id);
        const time = now();
        const at = new Date(time).toISOString();
        const before = activeRoles(current, at);
        if (patch.roles && self) {
          if (!patch.roles.includes('admin') && before.includes('admin'))
            throw new AppError(
              'invalid_request_error',
              'cannot_remove_own_admin',
              'You cannot remove your own admin role: ask another admin.',
              { param: 'roles' },
            );
          if (
            patch.roles.some((role) => !before.includes(role) && !(current.pendingRoles ?? []).includes(role))
          )
            throw new AppError(
              'permission_error',
              'cannot_grant_self',
              'You cannot give yourself a role: ask another admin.',
              { param: 'roles', statusCode: 403 },
            );
        }
        const action =
          patch.status && patch.status !== current.status
            ? patch.status === 'deactivated'
              ? 'member.deactivate'
              : 'member.reactivate'
            : 'member.update';
        const next: Member = {
          ...current,
          ...(patch.roles ? withRoles(current, patch.roles, caller, time, delayMs) : {}),
          status: patch.status ?? current.status,
          name: patch.name ?? current.name,
          updatedAt: at,
          version: current.version + 1,
          lastAction: stampFor(caller, action, time),
        };
        const wasAdmin = current.status === 'active' && before.includes('admin');
        const staysAdmin = next.status === 'active' && activeRoles(next, at).includes('admin');
        const keeper = wasAdmin && !staysAdmin ? await otherAdmin(caller.tenantId, id, at) : undefined;
        if (wasAdmin && !staysAdmin && !keeper)
          throw new AppError(
            'conflict_error',
            'last_admin',
            `${current.name} is the last active admin: make someone else an admin first.`,
            { param: patch.roles ? 'roles' : 'status' },
          );
        try {
          await deps.team.saveMember({ current, next, ...(keeper ? { otherAdmin: keeper } : {}) });
        } catch (error) {
          if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
          continue;
        }
        // The table's status locks the member out at once; disabling the sign-in follows.
        if (next.status !== current.status)
          await deps.directory.setEnabled(current.email, next.status === 'active');
        return toMemberResource(next, at);
      }
    },

    /**
     * A second admin confirms a member's pending approver or admin grant: it takes effect now. Neither
     * the member nor whoever granted it may confirm it.
     */
    async confirmRoles(caller: Caller, id: string) {
      const confirmer =
        caller.actor.type === 'member' ? { id: caller.actor.id, name: caller.actor.name } : null;
      for (let attempt = 1; ; attempt++) {
        const current = await existing(caller.tenantId, id);
        const time = now();
        const at = new Date(time).toISOString();
        const active = activeRoles(current, at);
        const pending = (current.pendingRoles ?? []).filter((role) => !active.includes(role));
        if (pending.length === 0)
          throw new AppError(
            'conflict_error',
            'nothing_to_confirm',
            `${current.name} has no role grant waiting.`,
          );
        if (confirmer?.id === id)
          throw new AppError(
            'permission_error',
            'cannot_confirm_self',
            'You cannot confirm a role given to you.',
            {
              statusCode: 403,
            },
          );
        const grants = current.grants ?? [];
        if (
          pending.some((role) => grants.find((grant) => grant.role === role)?.grantedBy?.id === confirmer?.id)
        )
          throw new AppError(
            'permission_error',
            'cannot_confirm_own_grant',
            'You granted this role: a second admin has to confirm it (four eyes).',
            { statusCode: 403 },
          );
        const next: Member = {
          ...current,
          roles: [...new Set([...active, ...pending])],
          pendingRoles: [],
          grants: grants.map((grant) =>
            pending.includes(grant.role) ? { ...grant, effectiveAt: at, confirmedBy: confirmer } : grant,
          ),
          updatedAt: at,
          version: current.version + 1,
          lastAction: stampFor(caller, 'member.confirm_roles', time),
        };
        try {
          await deps.team.saveMember({ current, next });
        } catch (error) {
          if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
          continue;
        }
        return toMemberResource(next, at);
      }
    },
  };
}
