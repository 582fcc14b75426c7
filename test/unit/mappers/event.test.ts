import { describe } from 'vitest';
import { eventMapper } from '../../../shared/adapters/dynamodb/mappers/event.js';
import { itBehavesAsAMapper } from './mapper-contract.js';

describe('event items', () => {
  itBehavesAsAMapper(eventMapper, {
    value: {
      id: 'evt_1',
      tenantId: 'ten_1',
      type: 'payout.paid',
      createdAt: '2026-12-01T00:00:00.000Z',
      resource: {
        id: 'evt_1',
        object: 'event',
        type: 'payout.paid',
        created_at: '2026-12-01T00:00:00.000Z',
        data: { object: { id: 'po_1', object: 'payout', amount: 100, version: 3 } },
      },
    },
    key: { pk: 'TENANT#ten_1#EVENT#evt_1', sk: 'EVENT' },
    malformed: { type: 'payout.exploded', resource: { id: 'evt_1', object: 'event' } },
    fields: ['type', 'resource.type', 'resource.created_at', 'resource.data'],
  });
});
