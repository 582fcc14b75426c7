import type { DynamoDBRecord } from 'aws-lambda';
import { eventIdFor, type InternalEventType } from '../domain/events.js';
import { leaseIsActive } from '../domain/execution.js';
import { inParallel } from '../domain/parallel.js';
import type { Payout } from '../domain/payout.js';
import type { EventPublisher, StoredEvent } from '../ports/event-store.js';
import type { OpenPayoutKey, StreamDeadLetters, StreamReader, SweepMarks } from '../ports/outbox.js';

/** A payout waiting this long past its expiry lost its workflow (the workflow expires it on time). */
const OVERDUE_GRACE_MS = 3600 * 1000;
/** The longest wait between two re-drives of a payout stranded in the same status. */
const MAX_REDRIVE_INTERVAL_MS = 6 * 3600 * 1000;
/** The replay leaves the rest of the run (300 s) to the sweep. */
const REPLAY_BUDGET_MS = 150_000;

export interface RecoveryReport {
  /** Stream ranges replayed through the relay, and ones whose records had already expired. */
  replayed: number;
  expired: number;
  replayFailed: number;
  /** Open payouts not changed within the bound, and the ones re-driven this run. */
  stale: number;
  redriven: { execution: number; approval: number };
  redriveFailed: number;
}

/**
 * Outbox recovery: nothing the outbox relay gave up on stays lost, and no payout stays non-final
 * because an event was lost. Two passes, both idempotent, run every few minutes (and by operators:
 * `npm run payouts -- outbox replay`):
 *
 * 1. **Replay**: a relay batch that spent its retries (a bus outage longer than they last) leaves
 *    only its shard range in the stream's DLQ; its records stay in the stream for 24 hours. Each range
 *    is read again and relayed (feed, bus, audit, approvals, batch counters: the relay's every step).
 * 2. **Sweep**: every open payout (the open payouts index) whose last change is older than the bound
 *    gets its next step asked for again, on the bus: execution for a `queued` payout or a `processing`
 *    one whose lease expired, the approval workflow for a `pending_approval` one without a waiting
 *    task. Consumers re-read the payout and ignore what no longer applies. A payout is re-driven at
 *    most once per step of a backoff in the same status (the bound, doubling, at most 6 h), so a long
 *    provider outage or a backlog does not pile up requests. A `processing` payout is judged after an
 *    hour at least: its own retries wait up to 30 minutes between attempts.
 */
export function outboxRecoveryUseCase(deps: {
  deadLetters: StreamDeadLetters;
  stream: StreamReader;
  /** The relay, given stream records (the relay function's own path). */
  relayRecords: (records: DynamoDBRecord[]) => Promise<unknown>;
  openPayouts: (createdBefore: string) => AsyncIterable<OpenPayoutKey[]>;
  getPayout: (tenantId: string, payoutId: string) => Promise<Payout | undefined>;
  marks: SweepMarks;
  publisher: EventPublisher;
  /** How long a payout may go without a change before its next step is asked for again. */
  staleSeconds: number;
  /** A dead letter whose replay failed is hidden this long: until the next run (the schedule's period). */
  replayRetrySeconds: number;
  /**
   * A `processing` payout is stranded only when no execution message retries it any more: its own
   * backoff waits up to the retry cap between attempts (its lease expired meanwhile), so it is judged
   * after this long at least (twice the cap: an hour in AWS).
   */
  processingStaleSeconds: number;
  log?: (message: string, details: Record<string, unknown>) => void;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);

  async function replay(report: RecoveryReport, maxMessages: number) {
    const deadline = now() + REPLAY_BUDGET_MS;
    for (let handled = 0; handled < maxMessages && now() < deadline; ) {
      const letters = await deps.deadLetters.receive(10);
      if (letters.length === 0) return;
      handled += letters.length;
      for (const letter of letters) {
        if (!letter.range) {
          log('stream DLQ message names no range; removed', { receipt: letter.receipt });
          await deps.deadLetters.delete(letter.receipt);
          continue;
        }
        try {
          const read = await deps.stream.read(letter.range);
          if ('expired' in read) {
            // Past the stream's 24 h: the sweep still re-drives every open payout of the range.
            log('stream records expired before their replay; the sweep re-drives open payouts', {
              range: letter.range,
            });
            report.expired += 1;
          } else {
            await deps.relayRecords(read.records);
            report.replayed += 1;
          }
          await deps.deadLetters.delete(letter.receipt);
        } catch (error) {
          report.replayFailed += 1;
          log('stream range replay failed; retried on a later run', { range: letter.range, error });
          // If even this fails (the receipt expired), the message reappears on its own: no harm.
          await deps.deadLetters.postpone(letter.receipt, deps.replayRetrySeconds).catch(() => undefined);
        }
      }
    }
  }

  /** The internal event that asks for a stranded payout's next step, or none. */
  function nextStepOf(payout: Payout, at: number): InternalEventType | undefined {
    if (payout.status === 'queued') return 'outbox.execution_requested';
    if (payout.status === 'processing' && !leaseIsActive(payout, at)) return 'outbox.execution_requested';
    if (payout.status === 'pending_approval' && !payout.approvalTask) return 'outbox.approval_requested';
    // Waiting past its expiry (its workflow ended without expiring it): asked for again, it expires.
    if (
      payout.status === 'pending_approval' &&
      payout.approval &&
      Date.parse(payout.approval.expiresAt) + OVERDUE_GRACE_MS < at
    )
      return 'outbox.approval_requested';
    return undefined;
  }

  /**
   * Asks for the payout's next step unless it was re-driven in this status and its next step is still
   * ahead. The note is written after the request is published: a crash in between re-drives once
   * more (harmless: consumers re-read the payout), never zero times.
   */
  async function redrive(payout: Payout, type: InternalEventType, at: number): Promise<boolean> {
    const mark = await deps.marks.get(payout.tenantId, payout.id);
    const sameStatus = mark?.status === payout.status;
    if (mark && sameStatus && Date.parse(mark.nextAt) > at) return false;
    const count = sameStatus && mark ? mark.count + 1 : 1;
    const id = eventIdFor(payout.id, payout.version, type);
    const createdAt = new Date(at).toISOString();
    const event: StoredEvent = {
      id,
      tenantId: payout.tenantId,
      type,
      createdAt,
      resource: {
        id,
        object: 'event',
        type,
        created_at: createdAt,
        data: { object: { id: payout.id, object: 'payout' } },
      },
    };
    await deps.publisher.publish([event]);
    const wait = Math.min(MAX_REDRIVE_INTERVAL_MS, deps.staleSeconds * 1000 * 2 ** count);
    // A concurrent sweep (an operator's replay) that wrote first keeps its note: both requests are harmless.
    await deps.marks.put(
      {
        tenantId: payout.tenantId,
        payoutId: payout.id,
        status: payout.status,
        count,
        nextAt: new Date(at + wait).toISOString(),
      },
      mark,
    );
    log('stranded payout re-driven', {
      payoutId: payout.id,
      status: payout.status,
      version: payout.version,
      type,
      count,
    });
    return true;
  }

  async function sweep(report: RecoveryReport, staleSeconds: number) {
    const at = now();
    const bound = new Date(at - staleSeconds * 1000).toISOString();
    // An open payout created after the bound cannot have gone unchanged for that long.
    for await (const page of deps.openPayouts(bound)) {
      await inParallel(page, 8, async ({ tenantId, payoutId }) => {
        try {
          const payout = await deps.getPayout(tenantId, payoutId);
          if (!payout) return;
          const stale =
            payout.status === 'processing'
              ? Math.max(staleSeconds, deps.processingStaleSeconds)
              : staleSeconds;
          if (payout.updatedAt >= new Date(at - stale * 1000).toISOString()) return;
          const type = nextStepOf(payout, at);
          if (!type) return;
          report.stale += 1;
          if (await redrive(payout, type, at))
            report.redriven[type === 'outbox.execution_requested' ? 'execution' : 'approval'] += 1;
        } catch (error) {
          // One payout's trouble (the bus still down) does not stop the sweep of the others.
          report.redriveFailed += 1;
          log('stranded payout could not be re-driven; tried again on a later run', { payoutId, error });
        }
      });
    }
  }

  return async function recover(
    options: { maxDeadLetters?: number; staleSeconds?: number } = {},
  ): Promise<RecoveryReport> {
    const report: RecoveryReport = {
      replayed: 0,
      expired: 0,
      replayFailed: 0,
      stale: 0,
      redriven: { execution: 0, approval: 0 },
      redriveFailed: 0,
    };
    await replay(report, options.maxDeadLetters ?? 1000);
    await sweep(report, options.staleSeconds ?? deps.staleSeconds);
    return report;
  };
}
