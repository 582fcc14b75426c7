import { describe, expect, it } from 'vitest';
import { newPayout } from '../../shared/domain/payout.js';
import type { StoredEvent } from '../../shared/ports/event-store.js';
import { RelayStepsFailedError, relayOutboxUseCase } from '../../shared/use-cases/relay-outbox.js';

const payout = newPayout({
  tenantId: 'ten_A',
  id: 'po_1',
  request: {
    amount: 1000,
    currency: 'EUR',
    reference: 'ref-1',
    destination: { type: 'email', email: 'a@example.com' },
    purpose: 'refund',
  },
  source: 'api',
  now: '2026-12-02T10:00:00.000Z',
});

describe('the outbox relay', () => {
  it('publishes a batch’s events even when another step (the audit log) fails, then fails the batch', async () => {
    const published: StoredEvent[] = [];
    const saved: StoredEvent[] = [];
    const relay = relayOutboxUseCase({
      events: { saveAll: async (events: readonly StoredEvent[]) => void saved.push(...events) } as never,
      publisher: { publish: async (events) => void published.push(...events) },
      audit: {
        append: async () => {
          throw new Error('audit table throttled');
        },
      } as never,
      strip: (item) => item,
    });

    const run = relay({
      changes: [{ kind: 'payout', before: undefined, after: payout }],
      audited: [{ before: undefined, after: { entity: 'payout', tenantId: 'ten_A', id: 'po_1' } }],
      reports: [],
      batches: [],
      rejections: [],
    });

    await expect(run).rejects.toBeInstanceOf(RelayStepsFailedError);
    await expect(run).rejects.toThrow(/audit \(audit table throttled\)/);
    expect(published.map((event) => event.type)).toEqual(['payout.created', 'payout.queued']);
    expect(saved).toHaveLength(2);
  });
});
