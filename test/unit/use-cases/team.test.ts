import { describe, expect, it } from 'vitest';
import { SYSTEM } from '../../../shared/domain/audit.js';
import { type Member, newMember, type Role } from '../../../shared/domain/team.js';
import { teamUseCase } from '../../../shared/use-cases/team.js';
import { HOUR, testClock } from '../../fakes/clock.js';
import { memoryPorts } from '../../fakes/memory-ports.js';
import { callerOf, member, racing, refusal, TENANT } from './given.js';

const START = '2026-12-01T09:00:00.000Z';

type MemberPatch = { roles?: Role[]; status?: Member['status'] };
const grace = member('u-grace', 'Grace');
const linus = member('u-linus', 'Linus');
const operators = callerOf(SYSTEM);

function memberWith(actor: { id: string; name: string; email: string }, roles: Role[]): Member {
  return newMember({
    id: actor.id,
    tenantId: TENANT,
    email: actor.email,
    name: actor.name,
    roles,
    invitedBy: null,
    at: START,
  });
}

function setUp(admins: Role[][] = [['admin']]) {
  const ports = memoryPorts();
  const clock = testClock(START);
  ports.team.seed(memberWith(grace, admins[0] ?? []), ...(admins[1] ? [memberWith(linus, admins[1])] : []));
  for (const person of [grace, linus])
    ports.directory.users.set(person.email, {
      userId: person.id,
      name: person.name,
      tenantId: TENANT,
      enabled: true,
      mfa: false,
    });
  const team = teamUseCase({ team: ports.team, directory: ports.directory, now: clock.now });
  return { ...ports, store: ports.team, clock, team };
}

describe('inviting a member', () => {
  it('creates the sign-in, then the member: plain roles at once, approver waiting 24 hours for a second admin', async () => {
    const { team, store } = setUp();

    const invited = await team.invite(callerOf(grace), {
      email: 'Ada@Example.com',
      name: 'Ada',
      roles: ['requester', 'approver'],
    });

    expect(invited).toMatchObject({
      id: 'user-1',
      email: 'ada@example.com',
      temporary_password: 'Temporary-Passw0rd!',
    });
    // Read back through the list, which judges grants at the use case's clock (the invite's own answer
    // judges them at the wall clock's time).
    const listed = (await team.list(TENANT)).data.find((entry) => entry.id === 'user-1');
    expect(listed).toEqual({
      id: 'user-1',
      object: 'member',
      email: 'ada@example.com',
      name: 'Ada',
      roles: ['requester'],
      pending_roles: [
        {
          role: 'approver',
          granted_by: { id: 'u-grace', name: 'Grace' },
          granted_at: START,
          effective_at: '2026-12-02T09:00:00.000Z',
          confirmed_by: null,
        },
      ],
      grants: [],
      status: 'active',
      mfa: { enabled: false, enrolled_at: null },
      created_at: START,
      updated_at: START,
    });
    expect(await store.getMember(TENANT, 'user-1')).toMatchObject({ invitedBy: 'u-grace', version: 1 });
  });

  it('refuses an email that already has a sign-in, whatever its case: 409 member_exists', async () => {
    const { team, store } = setUp();
    await team.invite(callerOf(grace), { email: 'ada@example.com', name: 'Ada', roles: ['viewer'] });

    const error = await refusal(
      team.invite(callerOf(grace), { email: 'ADA@example.com', name: 'Ada 2', roles: [] }),
    );

    expect([error.statusCode, error.code, error.param]).toEqual([409, 'member_exists', 'email']);
    expect(await store.listMembers(TENANT)).toHaveLength(2);
  });

  it('lets the tenant’s cooling-off decide when an unconfirmed grant takes effect', async () => {
    const { team, store, clock } = setUp();
    await store.saveApprovalPolicy(
      { tenantId: TENANT, rules: [], expiryHours: 72, roleGrantDelayHours: 2, updatedAt: START, version: 1 },
      0,
    );
    await team.invite(callerOf(grace), { email: 'ada@example.com', name: 'Ada', roles: ['approver'] });
    const rolesOfAda = async () =>
      (await team.list(TENANT)).data.find((entry) => entry.id === 'user-1')?.roles;

    clock.advance(2 * HOUR - 1);
    expect(await rolesOfAda()).toEqual([]);
    clock.advance(1);
    expect(await rolesOfAda()).toEqual(['approver']);
  });

  it('grants guarded roles at once when the operators’ CLI invites (it acts as the tenant’s owner)', async () => {
    const { team } = setUp();

    const invited = await team.invite(operators, { email: 'ada@example.com', name: 'Ada', roles: ['admin'] });

    expect([invited.roles, invited.pending_roles]).toEqual([['admin'], []]);
    expect(invited.grants).toEqual([
      { role: 'admin', granted_by: null, granted_at: START, effective_at: START, confirmed_by: null },
    ]);
  });
});

describe('confirming a role grant (four eyes)', () => {
  async function withPendingApprover() {
    const given = setUp([['admin'], ['admin']]);
    await given.team.invite(callerOf(grace), { email: 'ada@example.com', name: 'Ada', roles: ['approver'] });
    return given;
  }

  it('takes effect at once when a second admin confirms it', async () => {
    const { team, clock } = await withPendingApprover();
    clock.advance(HOUR);

    const confirmed = await team.confirmRoles(callerOf(linus), 'user-1');

    expect([confirmed.roles, confirmed.pending_roles]).toEqual([['approver'], []]);
    expect(confirmed.grants[0]).toMatchObject({
      effective_at: '2026-12-01T10:00:00.000Z',
      confirmed_by: { id: 'u-linus', name: 'Linus' },
    });
  });

  it.each([
    ['the admin who granted it', () => callerOf(grace), 403, 'cannot_confirm_own_grant'],
    ['the member it was granted to', () => callerOf(member('user-1', 'Ada')), 403, 'cannot_confirm_self'],
  ])('is refused to %s', async (_, caller, status, code) => {
    const { team, store } = await withPendingApprover();

    const error = await refusal(team.confirmRoles(caller(), 'user-1'));

    expect([error.statusCode, error.code]).toEqual([status, code]);
    expect((await store.getMember(TENANT, 'user-1'))?.roles).toEqual([]);
  });

  it('has nothing to confirm once the grant is in effect (409)', async () => {
    const { team } = await withPendingApprover();
    await team.confirmRoles(callerOf(linus), 'user-1');

    expect((await refusal(team.confirmRoles(callerOf(linus), 'user-1'))).code).toBe('nothing_to_confirm');
  });
});

describe('changing a member', () => {
  it.each<[string, MemberPatch, number, string]>([
    ['deactivate themselves', { status: 'deactivated' }, 400, 'cannot_deactivate_self'],
    ['remove their own admin role', { roles: ['viewer'] }, 400, 'cannot_remove_own_admin'],
    ['give themselves a role', { roles: ['admin', 'approver'] }, 403, 'cannot_grant_self'],
  ])('nobody may %s', async (_, patch, status, code) => {
    const { team, store } = setUp([['admin'], ['admin']]);

    const error = await refusal(team.update(callerOf(grace), 'u-grace', patch));

    expect([error.statusCode, error.code]).toEqual([status, code]);
    expect(await store.getMember(TENANT, 'u-grace')).toMatchObject({
      roles: ['admin'],
      status: 'active',
      version: 1,
    });
  });

  it('deactivates a member in the table and switches their sign-in off; reactivating switches it on', async () => {
    const { team, directory, store } = setUp([['admin'], ['finance']]);

    const deactivated = await team.update(callerOf(grace), 'u-linus', { status: 'deactivated' });
    expect(deactivated.status).toBe('deactivated');
    expect(directory.users.get(linus.email)?.enabled).toBe(false);
    expect((await store.getMember(TENANT, 'u-linus'))?.lastAction?.action).toBe('member.deactivate');

    await team.update(callerOf(grace), 'u-linus', { status: 'active' });
    expect(directory.users.get(linus.email)?.enabled).toBe(true);
    expect((await store.getMember(TENANT, 'u-linus'))?.lastAction?.action).toBe('member.reactivate');
  });

  it.each<[string, MemberPatch, string]>([
    ['deactivated', { status: 'deactivated' }, 'status'],
    ['demoted', { roles: ['viewer'] }, 'roles'],
  ])(
    'refuses to leave the tenant without an active admin: the last one cannot be %s',
    async (_, patch, param) => {
      const { team, store } = setUp([['admin'], ['finance']]);

      const error = await refusal(team.update(operators, 'u-grace', patch));

      expect([error.statusCode, error.code, error.param]).toEqual([409, 'last_admin', param]);
      expect(error.message).toBe('Grace is the last active admin: make someone else an admin first.');
      expect(await store.getMember(TENANT, 'u-grace')).toMatchObject({ roles: ['admin'], status: 'active' });
    },
  );

  it('lets one of two admins demote the other', async () => {
    const { team } = setUp([['admin'], ['admin']]);

    expect((await team.update(callerOf(grace), 'u-linus', { roles: ['finance'] })).roles).toEqual([
      'finance',
    ]);
  });

  it('keeps an admin when two admins demote each other at the same moment: the second demotion is refused', async () => {
    const { store, clock } = setUp([['admin'], ['admin']]);
    const linusDemotesGrace = async () => {
      await teamUseCase({ team: store, directory: setUp().directory, now: clock.now }).update(
        callerOf(linus),
        'u-grace',
        { roles: ['viewer'] },
      );
    };
    const graceSide = teamUseCase({
      team: racing(store, 'saveMember', [linusDemotesGrace]),
      directory: setUp().directory,
      now: clock.now,
    });

    const error = await refusal(graceSide.update(callerOf(grace), 'u-linus', { roles: ['viewer'] }));

    expect(error.code).toBe('last_admin');
    expect((await store.getMember(TENANT, 'u-grace'))?.roles).toEqual(['viewer']);
    expect((await store.getMember(TENANT, 'u-linus'))?.roles).toEqual(['admin']);
  });
});

describe('two-step sign-in', () => {
  it('enrols a member only once the directory has their authenticator', async () => {
    const { team, directory, store, clock } = setUp([['admin'], ['viewer']]);
    const linusNow = async () => (await store.getMember(TENANT, 'u-linus')) as Member;

    const error = await refusal(team.confirmMfa(callerOf(linus), await linusNow()));
    expect([error.statusCode, error.code]).toEqual([409, 'mfa_not_set_up']);

    (directory.users.get(linus.email) as { mfa: boolean }).mfa = true;
    clock.advance(HOUR);
    expect((await team.confirmMfa(callerOf(linus), await linusNow())).mfa).toEqual({
      enabled: true,
      enrolled_at: '2026-12-01T10:00:00.000Z',
    });
  });

  it('is reset by another admin, never by the member themselves', async () => {
    const { team, directory } = setUp([['admin'], ['admin']]);
    (directory.users.get(linus.email) as { mfa: boolean }).mfa = true;

    expect((await refusal(team.resetMfa(callerOf(linus), 'u-linus'))).code).toBe('cannot_reset_own_mfa');
    expect(directory.users.get(linus.email)?.mfa).toBe(true);

    expect((await team.resetMfa(callerOf(grace), 'u-linus')).mfa).toEqual({
      enabled: false,
      enrolled_at: null,
    });
    expect(directory.users.get(linus.email)?.mfa).toBe(false);
  });
});
