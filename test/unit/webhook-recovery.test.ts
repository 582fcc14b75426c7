import { describe, expect, it } from 'vitest';
import type {
  Delivery,
  DeliveryMessage,
  RecoveryJobMessage,
  WebhookStore,
} from '../../shared/ports/webhook-store.js';
import { runRecoverySlice } from '../../shared/use-cases/webhook-endpoints.js';

/** 250 failed deliveries, newest first, behind the one store call a slice makes. */
function storeOf(count: number): Pick<WebhookStore, 'failedDeliveries'> {
  const deliveries = Array.from({ length: count }, (_, index) => ({
    id: `dlv_${String(count - index).padStart(4, '0')}`,
  })) as Delivery[];
  return {
    failedDeliveries: async (_tenant, _endpoint, query) => {
      const start = query.startingAfter
        ? deliveries.findIndex((delivery) => delivery.id === query.startingAfter) + 1
        : 0;
      const items = deliveries.slice(start, start + query.limit);
      return { items, hasMore: start + items.length < deliveries.length };
    },
  };
}

describe('a background webhook recovery', () => {
  it('redelivers a page per slice and queues the rest of the job, until the count is done', async () => {
    const queued: (DeliveryMessage | RecoveryJobMessage)[] = [];
    const deps = {
      webhooks: storeOf(250) as WebhookStore,
      queue: {
        enqueue: async (messages: readonly (DeliveryMessage | RecoveryJobMessage)[]) =>
          void queued.push(...messages),
      },
    };
    let job: RecoveryJobMessage | undefined = {
      job: 'recover',
      tenant_id: 'ten_A',
      endpoint_id: 'we_1',
      since: '2026-12-01T00:00:00.000Z',
      until: '2026-12-02T00:00:00.000Z',
      remaining: 240,
    };
    const sent: number[] = [];
    while (job) {
      const before = queued.length;
      sent.push(await runRecoverySlice(deps, job));
      const next = queued.slice(before).find((message): message is RecoveryJobMessage => 'job' in message);
      job = next;
    }

    const redeliveries = queued.filter((message): message is DeliveryMessage => !('job' in message));
    expect(sent).toEqual([100, 100, 40]);
    expect(redeliveries).toHaveLength(240);
    expect(new Set(redeliveries.map((message) => message.delivery_id)).size).toBe(240);
    expect(redeliveries.every((message) => message.recover === true)).toBe(true);
  });

  it('a slice retried after a timeout repeats its own page only', async () => {
    const queued: (DeliveryMessage | RecoveryJobMessage)[] = [];
    const deps = {
      webhooks: storeOf(250) as WebhookStore,
      queue: {
        enqueue: async (messages: readonly (DeliveryMessage | RecoveryJobMessage)[]) =>
          void queued.push(...messages),
      },
    };
    const job: RecoveryJobMessage = {
      job: 'recover',
      tenant_id: 'ten_A',
      endpoint_id: 'we_1',
      since: '2026-12-01T00:00:00.000Z',
      until: '2026-12-02T00:00:00.000Z',
      remaining: 10_000,
    };
    await runRecoverySlice(deps, job);
    await runRecoverySlice(deps, job);
    const redeliveries = queued.filter((message) => !('job' in message));
    expect(redeliveries).toHaveLength(200);
    expect(new Set(redeliveries.map((message) => (message as DeliveryMessage).delivery_id)).size).toBe(100);
  });
});
