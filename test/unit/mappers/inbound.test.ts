import { describe } from 'vitest';
import {
  inboundRejectionMapper,
  inboundRouteMapper,
} from '../../../shared/adapters/dynamodb/mappers/inbound.js';
import { itBehavesAsAMapper } from './mapper-contract.js';

describe('inbound route items', () => {
  itBehavesAsAMapper(inboundRouteMapper, {
    value: {
      kind: 'sqs_sender',
      value: 'AROAEXAMPLE',
      tenantId: 'ten_1',
      createdAt: '2026-12-01T00:00:00.000Z',
    },
    key: { pk: 'INBOUND#sqs_sender#AROAEXAMPLE', sk: 'ROUTE' },
    malformed: { kind: 'http', tenantId: undefined },
    fields: ['kind', 'tenantId'],
  });
});

describe('inbound rejection items', () => {
  itBehavesAsAMapper(inboundRejectionMapper, {
    value: {
      id: 'rej_1',
      tenantId: 'ten_1',
      channel: 'sqs',
      origin: 'AROAEXAMPLE',
      idempotencyKey: 'k-1',
      reference: 'inv-1',
      reason: {
        code: 'invalid_request',
        message: 'amount must be positive',
        details: [{ param: 'amount', message: 'must be positive' }],
      },
      createdAt: '2026-12-01T00:00:00.000Z',
    },
    key: { pk: 'TENANT#ten_1#REJECTION#rej_1', sk: 'REJECTION' },
    malformed: { reason: { code: 'invalid_request', message: 'x', details: [{ param: 'amount' }] } },
    fields: ['reason.details.0.message'],
  });
});
