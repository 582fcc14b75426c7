import { describe } from 'vitest';
import { apiKeyMapper, tenantMapper } from '../../../shared/adapters/dynamodb/mappers/tenant.js';
import { itBehavesAsAMapper } from './mapper-contract.js';

describe('tenant items', () => {
  itBehavesAsAMapper(tenantMapper, {
    value: {
      id: 'ten_1',
      name: 'Acme',
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
      limits: { createPerSecond: 20 },
    },
    key: { pk: 'TENANT#ten_1', sk: 'TENANT' },
    malformed: { limits: { createPerSecond: '20' } },
    fields: ['limits.createPerSecond'],
  });
});

describe('API key items', () => {
  itBehavesAsAMapper(apiKeyMapper, {
    value: {
      id: 'key_1',
      tenantId: 'ten_1',
      name: 'backend',
      mode: 'live',
      hash: 'ab12',
      hint: 'sk_live_…wxyz',
      status: 'revoked',
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'usr_1',
      revokedAt: '2026-02-01T00:00:00.000Z',
      lastAction: {
        id: 'act_1',
        action: 'api_key.revoke',
        actor: { type: 'member', id: 'usr_1', name: 'Ada', email: 'ada@example.com' },
        at: '2026-02-01T00:00:00.000Z',
        sourceIp: null,
        requestId: null,
      },
    },
    key: { pk: 'APIKEY#ab12', sk: 'APIKEY' },
    malformed: { mode: 'prod', tenantId: undefined },
    fields: ['tenantId', 'mode'],
  });
});
