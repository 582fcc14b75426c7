import { describe, expect, it } from 'vitest';
import { auditEntryMapper } from '../../../shared/adapters/dynamodb/mappers/audit.js';
import type { AuditEntry } from '../../../shared/domain/audit.js';
import { itBehavesAsAMapper } from './mapper-contract.js';

const entry: AuditEntry = {
  id: 'aud_1',
  tenantId: 'ten_1',
  at: '2026-12-01T00:00:00.000Z',
  action: 'payout.approve',
  actor: { type: 'member', id: 'usr_1', name: 'Ada', email: 'ada@example.com' },
  target: { type: 'payout', id: 'po_1' },
  sourceIp: '10.0.0.1',
  requestId: 'req_1',
  changes: {
    status: { before: 'pending_approval', after: 'queued' },
    approval: { before: null, after: { required: 1 } },
  },
};

describe('audit entry items', () => {
  itBehavesAsAMapper(auditEntryMapper, {
    value: entry,
    key: { pk: 'TENANT#ten_1#AUDIT#aud_1', sk: 'AUDIT' },
    malformed: { entry: { ...entry, target: { type: 'payout' } } },
    fields: ['entry.target.id'],
  });

  it('stores flat copies of the action, actor and target for the filters', () => {
    expect(auditEntryMapper.toItem(entry)).toMatchObject({
      gsi1pk: 'TENANT#ten_1#AUDIT',
      gsi1sk: '2026-12-01T00:00:00.000Z#aud_1',
      action: 'payout.approve',
      actorId: 'usr_1',
      targetId: 'po_1',
    });
    expect(auditEntryMapper.toItem({ ...entry, actor: { type: 'system' } }).actorId).toBe('system');
  });
});
