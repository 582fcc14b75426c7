import { describe, expect, it } from 'vitest';
import { auditEntryFor, changedFields, stamp } from '../../shared/domain/audit.js';

const admin = { type: 'member' as const, id: 'u1', name: 'Ada', email: 'ada@example.com' };

describe('audit entries from item images', () => {
  it('lists the changed fields with before and after, masking account numbers and secrets', () => {
    const changes = changedFields(
      {
        roles: ['viewer'],
        destination: { type: 'bank_account', iban: 'DE89370400440532013000' },
        version: 1,
      },
      {
        roles: ['finance'],
        destination: { type: 'bank_account', iban: 'FR1420041010050500013M02606' },
        hash: 'abc',
        secrets: ['whsec_x'],
        version: 2,
      },
    );

    expect(changes).toEqual({
      roles: { before: ['viewer'], after: ['finance'] },
      destination: {
        before: { type: 'bank_account', iban: '••••3000' },
        after: { type: 'bank_account', iban: '••••2606' },
      },
      hash: { before: null, after: '[redacted]' },
      secrets: { before: null, after: '[redacted]' },
    });
  });

  it('treats absent and null alike, so a new item lists only the fields it sets', () => {
    expect(changedFields(undefined, { name: 'Ada', failureCode: null, paidAt: undefined })).toEqual({
      name: { before: null, after: 'Ada' },
    });
  });

  it('writes an entry only when the last action changed (system writes leave none), with the same id every time', () => {
    const action = stamp('member.update', admin, { sourceIp: '10.0.0.1', requestId: 'r1' });
    const before = { roles: ['viewer'] };
    const after = { roles: ['finance'], lastAction: action };

    const entry = auditEntryFor({ tenantId: 't1', target: { type: 'member', id: 'u2' }, before, after });
    const again = auditEntryFor({ tenantId: 't1', target: { type: 'member', id: 'u2' }, before, after });
    const systemWrite = auditEntryFor({
      tenantId: 't1',
      target: { type: 'member', id: 'u2' },
      before: after,
      after: { ...after, roles: ['admin'] },
    });

    expect(entry).toMatchObject({
      action: 'member.update',
      actor: admin,
      sourceIp: '10.0.0.1',
      requestId: 'r1',
      changes: { roles: { before: ['viewer'], after: ['finance'] } },
    });
    expect(entry?.id).toBe(`aud_${action.id.slice(4)}`);
    expect(again?.id).toBe(entry?.id);
    expect(systemWrite).toBeUndefined();
  });
});
