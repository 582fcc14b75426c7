import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { newPayout, type Payout } from '../../shared/domain/payout.js';
import type { StoredEvent } from '../../shared/ports/event-store.js';
import type { StreamDeadLetter, StreamRange, SweepMark } from '../../shared/ports/outbox.js';
import { outboxRecoveryUseCase } from '../../shared/use-cases/outbox-recovery.js';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const RANGE: StreamRange = {
  streamArn: 'arn:stream',
  shardId: 'shard-1',
  startSequenceNumber: '100',
  endSequenceNumber: '200',
};

function payoutAt(status: Payout['status'], minutesAgo: number, extra: Partial<Payout> = {}): Payout {
  const at = new Date(T0 - minutesAgo * 60_000).toISOString();
  const base = newPayout({
    tenantId: 'ten_A',
    id: `po_${status}_${minutesAgo}`,
    request: {
      amount: 1000,
      currency: 'EUR',
      reference: `ref-${status}-${minutesAgo}`,
      destination: { type: 'email', email: 'a@example.com' },
      purpose: 'refund',
    },
    source: 'api',
    now: at,
  });
  return { ...base, status, updatedAt: at, ...extra };
}

/** In-memory ports: what the use case sees of SQS, the stream, the table and the bus. */
function fakes(payouts: Payout[], letters: StreamDeadLetter[] = []) {
  const published: StoredEvent[] = [];
  const marks = new Map<string, SweepMark>();
  const relayed: DynamoDBRecord[][] = [];
  const postponed: string[] = [];
  const deleted: string[] = [];
  let streamExpired = false;
  let relayFails = false;
  let now = T0;
  const queue = [...letters];
  const recover = outboxRecoveryUseCase({
    deadLetters: {
      receive: async (max) => queue.splice(0, max),
      postpone: async (receipt) => void postponed.push(receipt),
      delete: async (receipt) => void deleted.push(receipt),
    },
    stream: {
      read: async () =>
        streamExpired ? { expired: true } : { records: [{ eventID: 'e1' } as DynamoDBRecord] },
    },
    relayRecords: async (records) => {
      if (relayFails) throw new Error('bus still down');
      relayed.push(records);
    },
    openPayouts: async function* (createdBefore) {
      yield payouts
        .filter((payout) => payout.createdAt < createdBefore)
        .map((payout) => ({ tenantId: payout.tenantId, payoutId: payout.id }));
    },
    getPayout: async (_tenant, id) => payouts.find((payout) => payout.id === id),
    marks: {
      get: async (_tenant, id) => marks.get(id),
      // The adapter's condition: the stored note is still the one read (none, or same status and count).
      put: async (next, expected) => {
        const stored = marks.get(next.payoutId);
        if (stored?.count !== expected?.count || stored?.status !== expected?.status) return false;
        marks.set(next.payoutId, next);
        return true;
      },
    },
    publisher: { publish: async (events) => void published.push(...events) },
    staleSeconds: 900,
    replayRetrySeconds: 240,
    processingStaleSeconds: 3600,
    now: () => now,
  });
  return {
    recover,
    published,
    marks,
    relayed,
    postponed,
    deleted,
    advance: (minutes: number) => {
      now += minutes * 60_000;
    },
    expireStream: () => {
      streamExpired = true;
    },
    failRelay: () => {
      relayFails = true;
    },
  };
}

describe('outbox recovery: the sweep', () => {
  it('asks for the execution of a payout queued for longer than the bound, once per backoff step', async () => {
    const world = fakes([payoutAt('queued', 20)]);

    const first = await world.recover();
    const again = await world.recover();
    world.advance(31); // past the first backoff step (2 × 15 minutes)
    const later = await world.recover();

    expect(first.redriven).toEqual({ execution: 1, approval: 0 });
    expect(again.redriven.execution).toBe(0);
    expect(again.stale).toBe(1);
    expect(later.redriven.execution).toBe(1);
    expect(world.published.map((event) => event.type)).toEqual([
      'outbox.execution_requested',
      'outbox.execution_requested',
    ]);
    // The request names the payout only: consumers re-read it.
    expect(world.published[0]?.resource.data.object).toEqual({ id: 'po_queued_20', object: 'payout' });
    expect(world.marks.get('po_queued_20')?.count).toBe(2);
  });

  it('leaves alone what is on its way: recent changes, live leases, waiting approval tasks, final payouts', async () => {
    const world = fakes([
      payoutAt('queued', 5),
      payoutAt('processing', 30, {
        execution: { attempts: 1, leaseExpiresAt: new Date(T0 + 60_000).toISOString() },
      }),
      payoutAt('pending_approval', 60, { approvalTask: { token: 'waiting' } }),
      payoutAt('paid', 60),
    ]);

    const report = await world.recover();

    expect(report.redriven).toEqual({ execution: 0, approval: 0 });
    expect(world.published).toEqual([]);
  });

  it('re-drives a processing payout unchanged for an hour (its own retries stopped), and an approval whose workflow never started', async () => {
    const world = fakes([
      payoutAt('processing', 30, {
        execution: { attempts: 2, leaseExpiresAt: new Date(T0 - 60_000).toISOString() },
      }),
      payoutAt('processing', 61, {
        execution: { attempts: 2, leaseExpiresAt: new Date(T0 - 60_000).toISOString() },
      }),
      payoutAt('pending_approval', 30, { approvalTask: null }),
    ]);

    const report = await world.recover();

    expect(report.redriven).toEqual({ execution: 1, approval: 1 });
    expect(world.published.map((event) => event.type).sort()).toEqual([
      'outbox.approval_requested',
      'outbox.execution_requested',
    ]);
  });

  it('asks again for a payout waiting an hour past its expiry, task or not (its workflow ended without expiring it)', async () => {
    const overdue = payoutAt('pending_approval', 200, {
      approvalTask: { token: 'a dead run' },
      approval: {
        required: 1,
        approvals: [],
        rejectedBy: null,
        expiresAt: new Date(T0 - 2 * 3600_000).toISOString(),
      },
    } as Partial<Payout>);
    const onTime = payoutAt('pending_approval', 200, {
      approvalTask: { token: 'waiting' },
      approval: {
        required: 1,
        approvals: [],
        rejectedBy: null,
        expiresAt: new Date(T0 + 3600_000).toISOString(),
      },
    } as Partial<Payout>);
    onTime.id = 'po_on_time';
    const world = fakes([overdue, onTime]);

    const report = await world.recover();

    expect(report.redriven.approval).toBe(1);
    expect(world.published.map((event) => event.resource.data.object.id)).toEqual([overdue.id]);
  });

  it('keeps growing the backoff while the status stays (each execution attempt bumps the version), and starts again in a new status', async () => {
    const stranded = payoutAt('processing', 70, {
      execution: { attempts: 2, leaseExpiresAt: new Date(T0 - 60_000).toISOString() },
    });
    const world = fakes([stranded]);
    await world.recover();
    stranded.version += 1; // another attempt took the lease meanwhile, and failed again

    const again = await world.recover();
    expect(again.redriven.execution).toBe(0);
    expect(world.marks.get(stranded.id)).toMatchObject({ status: 'processing', count: 1 });

    stranded.status = 'queued';
    const requeued = await world.recover();
    expect(requeued.redriven.execution).toBe(1);
    expect(world.marks.get(stranded.id)).toMatchObject({ status: 'queued', count: 1 });
  });
});

describe('outbox recovery: the replay of the stream DLQ', () => {
  it('relays each range again and removes its message', async () => {
    const world = fakes(
      [],
      [
        { receipt: 'r1', range: RANGE },
        { receipt: 'r2', range: RANGE },
      ],
    );

    const report = await world.recover();

    expect(report.replayed).toBe(2);
    expect(world.relayed).toHaveLength(2);
    expect(world.deleted).toEqual(['r1', 'r2']);
  });

  it('keeps a range whose replay failed for a later run', async () => {
    const world = fakes([], [{ receipt: 'r1', range: RANGE }]);
    world.failRelay();

    const report = await world.recover();

    expect(report.replayFailed).toBe(1);
    expect(world.postponed).toEqual(['r1']);
    expect(world.deleted).toEqual([]);
  });

  it('counts a range past the stream’s retention and lets the sweep take over', async () => {
    const world = fakes(
      [payoutAt('queued', 20)],
      [
        { receipt: 'r1', range: RANGE },
        { receipt: 'junk', range: undefined },
      ],
    );
    world.expireStream();

    const report = await world.recover();

    expect(report).toMatchObject({ replayed: 0, expired: 1, redriven: { execution: 1, approval: 0 } });
    expect(world.deleted.sort()).toEqual(['junk', 'r1']);
  });
});
