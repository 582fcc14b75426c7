import { describe, expect, it } from 'vitest';
import { keys } from '../../../shared/adapters/dynamodb/keys.js';
import { StoredItemError } from '../../../shared/adapters/dynamodb/mappers/stored-item.js';
import {
  attemptOfLogItem,
  deliveryAttemptMapper,
  deliveryMapper,
  firstAttemptOf,
  succeededAtFirstAttemptItem,
  webhookEndpointMapper,
} from '../../../shared/adapters/dynamodb/mappers/webhook.js';
import { itBehavesAsAMapper } from './mapper-contract.js';

describe('webhook endpoint items', () => {
  itBehavesAsAMapper(webhookEndpointMapper, {
    value: {
      id: 'we_1',
      tenantId: 'ten_1',
      url: 'https://hooks.example.com/payouts',
      description: 'payouts',
      enabledEvents: ['payout.paid'],
      status: 'disabled',
      disabledReason: 'failing for 5 days',
      secrets: [
        { secret: 'whsec_new', createdAt: '2026-12-02T00:00:00.000Z', expiresAt: null },
        { secret: 'whsec_old', createdAt: '2026-12-01T00:00:00.000Z', expiresAt: '2026-12-03T00:00:00.000Z' },
      ],
      failingSince: '2026-11-27T00:00:00.000Z',
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-12-02T00:00:00.000Z',
      lastAction: {
        id: 'act_1',
        action: 'webhook_endpoint.update',
        actor: { type: 'system' },
        at: '2026-12-02T00:00:00.000Z',
        sourceIp: null,
        requestId: 'req_1',
      },
      version: 4,
    },
    key: { pk: 'TENANT#ten_1#WEBHOOK#we_1', sk: 'WEBHOOK' },
    malformed: { secrets: [{ secret: 'whsec_new', createdAt: '2026-12-02T00:00:00.000Z' }] },
    fields: ['secrets.0.expiresAt'],
  });
});

describe('webhook delivery items', () => {
  itBehavesAsAMapper(deliveryMapper, {
    value: {
      id: 'dlv_1',
      tenantId: 'ten_1',
      endpointId: 'we_1',
      eventId: 'evt_1',
      eventType: 'payout.paid',
      status: 'failed',
      attempts: 3,
      cycleStart: 0,
      failureReason: 'HTTP 500',
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T01:00:00.000Z',
    },
    key: { pk: 'TENANT#ten_1#DELIVERY#dlv_1', sk: 'DELIVERY' },
    malformed: { status: 'lost', attempts: undefined },
    fields: ['status', 'attempts'],
  });
});

describe('webhook attempt items', () => {
  itBehavesAsAMapper(deliveryAttemptMapper, {
    value: {
      id: 'att_1_3',
      tenantId: 'ten_1',
      deliveryId: 'dlv_1',
      endpointId: 'we_1',
      eventId: 'evt_1',
      eventType: 'payout.paid',
      attempt: 3,
      attemptedAt: '2026-12-01T01:00:00.000Z',
      statusCode: 500,
      latencyMs: 120,
      error: null,
      responseExcerpt: 'oops',
      succeeded: false,
    },
    key: { pk: 'TENANT#ten_1#DELIVERY#dlv_1', sk: 'ATTEMPT#0003' },
    malformed: { succeeded: 'no' },
    fields: ['succeeded'],
  });
});

describe('a delivery that succeeded at its first attempt, as one item (D83)', () => {
  const delivery = {
    id: 'dlv_01JABCDEFGHJKMNPQRSTVWXYZ0',
    tenantId: 'ten_1',
    endpointId: 'we_1',
    eventId: 'evt_1',
    eventType: 'payout.paid',
    status: 'succeeded' as const,
    attempts: 1,
    cycleStart: 0,
    failureReason: null,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:01.000Z',
  };
  const attempt = {
    id: 'att_01JABCDEFGHJKMNPQRSTVWXYZ0_1',
    tenantId: 'ten_1',
    deliveryId: delivery.id,
    endpointId: 'we_1',
    eventId: 'evt_1',
    eventType: 'payout.paid',
    attempt: 1,
    attemptedAt: '2026-12-01T00:00:01.000Z',
    statusCode: 200,
    latencyMs: 35,
    error: null,
    responseExcerpt: null,
    succeeded: true,
  };

  it('is the delivery, in its endpoint attempt log where the attempt item would be', () => {
    const item = succeededAtFirstAttemptItem(delivery, attempt);
    const attemptItem = deliveryAttemptMapper.toItem(attempt);

    expect(item).toMatchObject({ ...keys.delivery('ten_1', delivery.id), entity: 'webhook_delivery' });
    expect([item.gsi1pk, item.gsi1sk]).toEqual([attemptItem.gsi1pk, attemptItem.gsi1sk]);
    expect(deliveryMapper.fromItem(item)).toEqual(delivery);
    expect(attemptOfLogItem(item)).toEqual(attempt);
    expect(firstAttemptOf(item)).toEqual(attempt);
    // Only what is the attempt's own is stored again: the rest is the delivery's.
    expect(Object.keys(item.firstAttempt).sort()).toEqual([
      'attemptedAt',
      'error',
      'latencyMs',
      'responseExcerpt',
      'statusCode',
      'succeeded',
    ]);
  });

  it('reads attempt items of the log as before, and a delivery without an attempt as none', () => {
    expect(attemptOfLogItem(deliveryAttemptMapper.toItem(attempt))).toEqual(attempt);
    expect(firstAttemptOf(deliveryMapper.toItem(delivery))).toBeUndefined();
    expect(() => attemptOfLogItem(deliveryMapper.toItem(delivery))).toThrow(StoredItemError);
  });

  it('is refused for anything but a first attempt that succeeded', () => {
    expect(() => succeededAtFirstAttemptItem({ ...delivery, status: 'pending' }, attempt)).toThrow(
      /first attempt/,
    );
    expect(() => succeededAtFirstAttemptItem(delivery, { ...attempt, attempt: 2 })).toThrow(/first attempt/);
    expect(() => succeededAtFirstAttemptItem(delivery, { ...attempt, succeeded: false })).toThrow(
      /first attempt/,
    );
    expect(() => succeededAtFirstAttemptItem(delivery, { ...attempt, deliveryId: 'dlv_other' })).toThrow(
      /first attempt/,
    );
  });
});
