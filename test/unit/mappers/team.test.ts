import { describe } from 'vitest';
import {
  approvalPolicyMapper,
  criteriaMapper,
  memberMapper,
} from '../../../shared/adapters/dynamodb/mappers/team.js';
import { itBehavesAsAMapper } from './mapper-contract.js';

const lastAction = {
  id: 'act_1',
  action: 'member.update',
  actor: { type: 'member', id: 'usr_1', name: 'Ada', email: 'ada@example.com' },
  at: '2026-12-01T00:00:00.000Z',
  sourceIp: '10.0.0.1',
  requestId: 'req_1',
} as const;

describe('member items', () => {
  itBehavesAsAMapper(memberMapper, {
    value: {
      id: 'usr_2',
      tenantId: 'ten_1',
      email: 'bo@example.com',
      name: 'Bo',
      roles: ['requester'],
      pendingRoles: ['approver'],
      grants: [
        {
          role: 'approver',
          grantedBy: { id: 'usr_1', name: 'Ada' },
          grantedAt: '2026-12-01T00:00:00.000Z',
          effectiveAt: '2026-12-02T00:00:00.000Z',
          confirmedBy: null,
        },
      ],
      status: 'active',
      mfaEnrolledAt: '2026-11-01T00:00:00.000Z',
      invitedBy: 'usr_1',
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
      version: 2,
      lastAction,
    },
    key: { pk: 'TENANT#ten_1#MEMBER#usr_2', sk: 'MEMBER' },
    malformed: { roles: ['owner'] },
    fields: ['roles.0'],
  });
});

describe('manual payout criteria items', () => {
  itBehavesAsAMapper(criteriaMapper, {
    value: {
      tenantId: 'ten_1',
      reasonCodes: [{ code: 'goodwill', label: 'Goodwill' }],
      minRationaleLength: 20,
      limits: [{ category: 'support_credit', currency: 'EUR', maxAmount: 50_000 }],
      updatedAt: '2026-12-01T00:00:00.000Z',
      version: 1,
      lastAction,
    },
    key: { pk: 'TENANT#ten_1', sk: 'CRITERIA#MANUAL_PAYOUTS' },
    malformed: { limits: [{ category: 'support_credit', currency: 'EUR', maxAmount: '500' }] },
    fields: ['limits.0.maxAmount'],
  });
});

describe('approval policy items', () => {
  itBehavesAsAMapper(approvalPolicyMapper, {
    value: {
      tenantId: 'ten_1',
      rules: [
        {
          name: 'large',
          sources: ['portal'],
          purposes: ['refund'],
          currency: 'EUR',
          minAmount: 1_000_000,
          approvals: 2,
        },
      ],
      expiryHours: 72,
      roleGrantDelayHours: 24,
      mfaRequiredForAll: true,
      updatedAt: '2026-12-01T00:00:00.000Z',
      version: 3,
      lastAction,
    },
    key: { pk: 'TENANT#ten_1', sk: 'POLICY#APPROVALS' },
    malformed: { expiryHours: undefined },
    fields: ['expiryHours'],
  });
});
