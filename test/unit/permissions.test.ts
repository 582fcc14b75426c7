import { describe, expect, it } from 'vitest';
import { ACTIONS, actionsOf, can, PERMISSIONS, ROLES } from '../../shared/domain/team.js';

describe('the permission matrix', () => {
  it('names a role for every action, and only known roles', () => {
    for (const action of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
      expect(PERMISSIONS[action].length).toBeGreaterThan(0);
      for (const role of PERMISSIONS[action]) expect(ROLES).toContain(role);
    }
  });

  it.each([
    ['viewer', 'payouts.read', true],
    ['viewer', 'payouts.create_manual', false],
    ['viewer', 'audit.read', false],
    ['requester', 'payouts.create_manual', true],
    ['requester', 'attachments.upload', true],
    ['requester', 'members.manage', false],
    ['requester', 'payouts.approve', false],
    ['approver', 'payouts.approve', true],
    ['approver', 'payouts.create_manual', false],
    ['finance', 'audit.read', true],
    ['finance', 'reports.manage', true],
    ['finance', 'payouts.cancel', false],
    ['admin', 'members.manage', true],
    ['admin', 'api_keys.manage', true],
    // Four eyes: approving is the approver's job only, even an admin does not get it by default.
    ['admin', 'payouts.approve', false],
  ] as const)('%s → %s: %s', (role, action, allowed) => {
    expect(can([role], action)).toBe(allowed);
  });

  it('gives a member with several roles the union of their permissions', () => {
    const both = actionsOf(['requester', 'finance']);

    expect(both).toEqual(expect.arrayContaining([...actionsOf(['requester']), ...actionsOf(['finance'])]));
    expect(both).not.toContain('members.manage');
    expect(actionsOf([])).toEqual([]);
  });
});
