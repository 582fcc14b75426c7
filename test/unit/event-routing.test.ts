import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsFanOutPublisher, routedPublisher } from '../../shared/adapters/sqs-fan-out-publisher.js';
import { EVENT_TYPES } from '../../shared/domain/catalog.js';
import { INTERNAL_EVENT_TYPES } from '../../shared/domain/events.js';
import type { EventPublisher, StoredEvent } from '../../shared/ports/event-store.js';
import {
  BUS_ROUTED_TYPES,
  busRoutedTypesOf,
  EVENT_SOURCE,
  RULES,
  WEBHOOK_FAN_OUT,
} from '../../shared/topology.js';

const event = (type: string, n = 1): StoredEvent =>
  ({
    id: `evt_${type}_${n}`,
    tenantId: 'ten_A',
    type,
    createdAt: '2026-12-03T09:00:00.000Z',
    resource: { id: `evt_${type}_${n}`, object: 'event', type },
  }) as unknown as StoredEvent;

function recorder(): EventPublisher & { published: string[] } {
  const published: string[] = [];
  return {
    published,
    async publish(events) {
      published.push(...events.map((e) => e.type));
    },
  };
}

describe('where the relay publishes (D80)', () => {
  it('routes every internal event on the bus and offers every public payout, batch and reconciliation event to webhooks', () => {
    for (const type of INTERNAL_EVENT_TYPES) {
      expect(BUS_ROUTED_TYPES.has(type), type).toBe(true);
      expect(WEBHOOK_FAN_OUT.offered(type), type).toBe(false);
    }
    for (const type of EVENT_TYPES.filter((name) => name !== 'webhook_endpoint.disabled'))
      expect(WEBHOOK_FAN_OUT.offered(type), type).toBe(true);
    // The events a platform worker needs from the bus.
    expect([...BUS_ROUTED_TYPES]).toEqual(
      expect.arrayContaining(['payout.queued', 'payout.approval_requested']),
    );
  });

  it('puts on the bus exactly the event types its rules route (the list the relay reads is written out)', () => {
    expect([...BUS_ROUTED_TYPES].sort()).toEqual([...busRoutedTypesOf(RULES)].sort());
    // A platform rule that does not list its types by name is refused, not silently skipped.
    const vague = { ...RULES[0]!, name: 'vague', eventPattern: { 'detail-type': [{ prefix: 'payout.' }] } };
    expect(() => busRoutedTypesOf([vague])).toThrow(/must list its detail-types by name/);
  });

  it('sends the bus only what a rule routes, unless every event is asked for; webhooks get theirs either way', async () => {
    const events = ['payout.created', 'payout.queued', 'report.requested', 'payout.paid'].map((type) =>
      event(type),
    );
    for (const busEvents of ['routed', 'all'] as const) {
      const bus = recorder();
      const fanOut = recorder();
      await routedPublisher({
        bus,
        fanOut,
        offeredToWebhooks: WEBHOOK_FAN_OUT.offered,
        routedOnBus: (type) => BUS_ROUTED_TYPES.has(type),
        busEvents,
      }).publish(events);
      expect(fanOut.published).toEqual(['payout.created', 'payout.queued', 'payout.paid']);
      expect(bus.published).toEqual(
        busEvents === 'all'
          ? ['payout.created', 'payout.queued', 'report.requested', 'payout.paid']
          : ['payout.queued', 'report.requested'],
      );
    }
  });

  it('offers nothing to webhooks while the bus refuses (the relay retries its batch whole)', async () => {
    const fanOut = recorder();
    const publisher = routedPublisher({
      bus: {
        async publish() {
          throw new Error('the bus is down');
        },
      },
      fanOut,
      offeredToWebhooks: WEBHOOK_FAN_OUT.offered,
      routedOnBus: (type) => BUS_ROUTED_TYPES.has(type),
      busEvents: 'routed',
    });
    await expect(publisher.publish([event('payout.created'), event('payout.queued')])).rejects.toThrow(
      'the bus is down',
    );
    expect(fanOut.published).toEqual([]);
  });

  it('fails the publish when either side fails (the relay retries its batch)', async () => {
    const failing: EventPublisher = {
      async publish() {
        throw new Error('SQS is down');
      },
    };
    const publisher = routedPublisher({
      bus: recorder(),
      fanOut: failing,
      offeredToWebhooks: WEBHOOK_FAN_OUT.offered,
      routedOnBus: (type) => BUS_ROUTED_TYPES.has(type),
      busEvents: 'routed',
    });
    await expect(publisher.publish([event('payout.paid')])).rejects.toThrow('SQS is down');
  });
});

describe('the fan-out queue publisher', () => {
  function sqs(failed: (batch: number) => number) {
    const batches: { QueueUrl?: string; Entries: { Id: string; MessageBody: string }[] }[] = [];
    const client = {
      async send(command: { input: (typeof batches)[number] }) {
        batches.push(command.input);
        const failures = failed(batches.length);
        return { Failed: Array.from({ length: failures }, (_, index) => ({ Id: String(index) })) };
      },
    } as unknown as SQSClient;
    return { client, batches };
  }

  it('sends ten events per SendMessageBatch, each as the envelope a rule target delivers, ids only', async () => {
    const { client, batches } = sqs(() => 0);
    const events = Array.from({ length: 23 }, (_, index) => event('payout.paid', index));
    await createSqsFanOutPublisher({ queueUrl: 'q', source: EVENT_SOURCE, client }).publish(events);
    expect(batches.map((batch) => batch.Entries.length)).toEqual([10, 10, 3]);
    expect(JSON.parse(batches[0]?.Entries[0]?.MessageBody ?? '')).toEqual({
      source: EVENT_SOURCE,
      'detail-type': 'payout.paid',
      time: '2026-12-03T09:00:00.000Z',
      detail: { id: 'evt_payout.paid_0', tenant_id: 'ten_A' },
    });
  });

  it('throws when SQS refuses part of a batch', async () => {
    const { client } = sqs((batch) => (batch === 2 ? 1 : 0));
    const events = Array.from({ length: 12 }, (_, index) => event('payout.paid', index));
    await expect(
      createSqsFanOutPublisher({ queueUrl: 'q', source: EVENT_SOURCE, client }).publish(events),
    ).rejects.toThrow(/refused 1 of 2/);
  });
});
