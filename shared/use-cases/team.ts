import { type Caller, stampFor } from '../domain/audit.js';
import { AppError, NotFoundError } from '../domain/errors.js';
import { type Member, newMember, type Role } from '../domain/team.js';
import { type Directory, MemberExistsError } from '../ports/portal.js';
import type { TeamStore } from '../ports/team-store.js';

export interface MemberResource {
  id: string;
  object: 'member';
  email: string;
  name: string;
  roles: Role[];
  status: Member['status'];
  created_at: string;
  updated_at: string;
}

export function toMemberResource(member: Member): MemberResource {
  return {
    id: member.id,
    object: 'member',
    email: member.email,
    name: member.name,
    roles: member.roles,
    status: member.status,
    created_at: member.createdAt,
    updated_at: member.updatedAt,
  };
}

/** Inviting members, changing roles, deactivating: admins' work (the portal route checks the role). */
export function teamUseCase(deps: { team: TeamStore; directory: Directory; now?: () => number }) {
  const now = deps.now ?? Date.now;

  async function existing(tenantId: string, id: string): Promise<Member> {
    const member = await deps.team.getMember(tenantId, id);
    if (!member) throw new NotFoundError('member', id);
    return member;
  }

  return {
    async list(tenantId: string) {
      const members = await deps.team.listMembers(tenantId);
      return {
        object: 'list' as const,
        data: members.map(toMemberResource),
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
        roles: input.roles,
        invitedBy: caller.actor.type === 'member' ? caller.actor.id : null,
        at: new Date(time).toISOString(),
        lastAction: stampFor(caller, 'member.invite', time),
      });
      await deps.team.addMember(member);
      return { ...toMemberResource(member), temporary_password: created.temporaryPassword };
    },

    /** Changes roles and/or status. An admin cannot lock themselves out (no self-demotion). */
    async update(
      caller: Caller,
      id: string,
      patch: { roles?: Role[]; status?: Member['status']; name?: string },
    ) {
      const current = await existing(caller.tenantId, id);
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
      if (self && patch.roles && !patch.roles.includes('admin') && current.roles.includes('admin')) {
        throw new AppError(
          'invalid_request_error',
          'cannot_remove_own_admin',
          'You cannot remove your own admin role: ask another admin.',
          { param: 'roles' },
        );
      }
      const time = now();
      const action =
        patch.status && patch.status !== current.status
          ? patch.status === 'deactivated'
            ? 'member.deactivate'
            : 'member.reactivate'
          : 'member.update';
      const next: Member = {
        ...current,
        roles: patch.roles ?? current.roles,
        status: patch.status ?? current.status,
        name: patch.name ?? current.name,
        updatedAt: new Date(time).toISOString(),
        version: current.version + 1,
        lastAction: stampFor(caller, action, time),
      };
      await deps.team.saveMember({ current, next });
      // The table's status locks the member out at once; disabling the sign-in follows.
      if (next.status !== current.status)
        await deps.directory.setEnabled(current.email, next.status === 'active');
      return toMemberResource(next);
    },
  };
}
