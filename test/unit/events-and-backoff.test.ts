import { describe, expect, it } from 'vitest';
import { EVENT_ID_PATTERN, eventIdFor, eventTypesForChange } from '../../shared/domain/events.js';
import { settle, takeLease } from '../../shared/domain/execution.js';
import { newPayout } from '../../shared/domain/payout.js';
import {
  backoffSeconds,
  DEFAULT_BACKOFF,
  guaranteedRetrySeconds,
  MAX_DELAY_SECONDS,
} from '../../shared/sqs/batch-handler.js';
import { QUEUES, RECEIVES_FOR_A_DAY } from '../../shared/topology.js';
import { eventsForChanges } from '../../shared/use-cases/relay-outbox.js';

const created = newPayout({
  id: 'po_TEST',
  tenantId: 'ten_1',
  request: {
    amount: 500,
    currency: 'EUR',
    destination: { type: 'email', email: 'a@b.co' },
    reference: 'r',
    purpose: 'other',
  },
  source: 'api',
  now: '2026-11-23T10:00:00.000Z',
});
const processing = takeLease(created, Date.parse('2026-11-23T10:00:01.000Z'), 30);
const paid = settle(
  processing,
  { status: 'paid', providerReference: 'sbx_1' },
  Date.parse('2026-11-23T10:00:02.000Z'),
  'sandbox',
);

describe('events from committed changes', () => {
  it('a new payout causes payout.created and the event of its first status', () => {
    expect(eventTypesForChange(undefined, created)).toEqual(['payout.created', 'payout.queued']);
  });

  it('a status change causes the event of the new status; a lease renewal causes none', () => {
    expect(eventTypesForChange(created, processing)).toEqual(['payout.processing']);
    expect(eventTypesForChange(processing, paid)).toEqual(['payout.paid']);
    const renewed = takeLease(processing, Date.parse('2026-11-23T11:00:00.000Z'), 30);
    expect(renewed.version).toBe(processing.version + 1);
    expect(eventTypesForChange(processing, renewed)).toEqual([]);
  });

  it('ids are stable per (payout, version, type), so a redelivered change republishes the same ids', () => {
    const first = eventsForChanges([{ kind: 'payout', before: processing, after: paid }]);
    const again = eventsForChanges([{ kind: 'payout', before: processing, after: paid }]);
    expect(first.map((event) => event.id)).toEqual(again.map((event) => event.id));
    expect(first[0]?.id).toMatch(EVENT_ID_PATTERN);
    expect(eventIdFor('po_TEST', 3, 'payout.paid')).not.toBe(eventIdFor('po_TEST', 3, 'payout.failed'));
    expect(first[0]?.resource).toMatchObject({
      object: 'event',
      type: 'payout.paid',
      created_at: paid.updatedAt,
      data: { object: { id: 'po_TEST', status: 'paid', version: 3 } },
    });
  });
});

describe('retry backoff', () => {
  const backoff = { baseSeconds: 2, capSeconds: 300 };

  it('grows exponentially with the receive count up to the cap (at the top of the jitter)', () => {
    expect([1, 2, 3, 4, 5, 9, 20].map((count) => backoffSeconds(count, backoff, () => 1))).toEqual([
      2, 4, 8, 16, 32, 300, 300,
    ]);
  });

  it('is jittered over the upper half of the step, never below one second', () => {
    expect(backoffSeconds(6, backoff, () => 0)).toBe(32);
    expect(backoffSeconds(6, backoff, () => 0.5)).toBe(48);
    expect(backoffSeconds(1, { baseSeconds: 1, capSeconds: 1 }, () => 0)).toBe(1);
  });

  it('never asks SQS for a visibility past 12 hours from receipt', () => {
    expect(backoffSeconds(3, { baseSeconds: 36_000, capSeconds: 100_000 }, () => 1)).toBe(MAX_DELAY_SECONDS);
    expect(MAX_DELAY_SECONDS).toBeLessThan(12 * 3600);
  });

  it('keeps every queue whose work is money retrying for more than a day (provider and AWS outages last hours)', () => {
    for (const queue of QUEUES.filter((spec) => spec.maxReceiveCount === RECEIVES_FOR_A_DAY))
      expect(guaranteedRetrySeconds(queue.maxReceiveCount, DEFAULT_BACKOFF), queue.name).toBeGreaterThan(
        24 * 3600,
      );
    const money = [
      'execution',
      'approval-start',
      'batch-expansion',
      'webhook-fanout',
      'inbound-events',
      'inbound-requests',
      'inbound-files',
    ];
    for (const name of money)
      expect(QUEUES.find((queue) => queue.name === name)?.maxReceiveCount, name).toBe(RECEIVES_FOR_A_DAY);
    // The old setting (8 receives, 300 s cap) gave up after about four minutes.
    expect(guaranteedRetrySeconds(8, { baseSeconds: 2, capSeconds: 300 })).toBeLessThan(300);
  });
});
