import { outcomeOf } from '../domain/approvals.js';
import { type AuditEntry, auditEntryFor } from '../domain/audit.js';
import type { PayoutBatch } from '../domain/batches.js';
import { type EventType, eventIdFor, eventTypesForChange, type InternalEventType } from '../domain/events.js';
import type { Payout } from '../domain/payout.js';
import type { ReconciliationRun } from '../domain/reconciliation.js';
import type { Report } from '../domain/reports.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import type { ApprovalWorkflow, ResumeOutcome } from '../ports/approval-workflow.js';
import type { EventPublisher, EventResource, EventStore, StoredEvent } from '../ports/event-store.js';
import type { InboundRejection } from '../ports/inbound-store.js';
import type { AuditLog } from '../ports/team-store.js';
import { toBatchResource } from '../schemas/batches.js';
import { toPayoutResource } from '../schemas/payouts.js';
import { toRunResource } from '../schemas/reconciliation-resource.js';
import { toEndpointResource } from '../schemas/webhooks.js';
import type { PayoutBatches } from './payout-batches.js';

/** One committed payout write, as the table's stream reports it. */
export interface PayoutChange {
  kind: 'payout';
  before: Payout | undefined;
  after: Payout;
}

/** One committed report write (a new report starts its worker). */
export interface ReportChange {
  kind: 'report';
  before: Report | undefined;
  after: Report;
}

/** One committed reconciliation run write (a new run starts its worker; a completed one is announced). */
export interface ReconciliationChange {
  kind: 'reconciliation_run';
  before: ReconciliationRun | undefined;
  after: ReconciliationRun;
}

/** One committed payout batch write (a new batch is expanded; a completed one is announced). */
export interface BatchChange {
  kind: 'payout_batch';
  before: PayoutBatch | undefined;
  after: PayoutBatch;
}

/** One committed webhook endpoint write. */
export interface EndpointChange {
  kind: 'webhook_endpoint';
  before: WebhookEndpoint | undefined;
  after: WebhookEndpoint;
}

/** One committed write of an audited item, both images as stored (keys included). */
export interface AuditedChange {
  before: Record<string, unknown> | undefined;
  after: Record<string, unknown>;
}

/**
 * What one batch of the table's stream holds, sorted by kind: the relay's whole input. Payout and
 * endpoint changes cause events; audited writes cause audit entries (`strip` takes an item's keys off).
 */
export interface RelayBatch {
  changes: readonly (PayoutChange | EndpointChange)[];
  audited: readonly AuditedChange[];
  reports: readonly ReportChange[];
  batches: readonly BatchChange[];
  rejections: readonly InboundRejection[];
  reconciliations?: readonly ReconciliationChange[];
}

/** The audit entries of a batch of writes: one per write that carries a new action stamp. */
export function auditEntriesFor(
  changes: readonly AuditedChange[],
  strip: (item: Record<string, unknown>) => Record<string, unknown>,
): AuditEntry[] {
  return changes.flatMap(({ before, after }) => {
    const entity = after.entity as string;
    const entry = auditEntryFor({
      tenantId: after.tenantId as string,
      target: {
        type: entity,
        id:
          entity === 'manual_payout_criteria'
            ? 'manual_payouts'
            : entity === 'approval_policy'
              ? 'approvals'
              : entity === 'tenant_connectors'
                ? 'connectors'
                : entity === 'reconciliation_resolution'
                  ? `${after.runId as string}/${after.key as string}`
                  : (after.id as string),
      },
      before: before && strip(before),
      after: strip(after),
    });
    return entry ? [entry] : [];
  });
}

/**
 * The event `type` caused by version `version` of an object (a payout, an endpoint, a report, a
 * batch's chunk, a rejection), at `updatedAt`: its id is stable across redeliveries.
 */
function storedEvent(
  subject: { id: string; tenantId: string; version: number; updatedAt: string },
  type: EventType | InternalEventType,
  object: EventResource['data']['object'],
): StoredEvent {
  const id = eventIdFor(subject.id, subject.version, type);
  return {
    id,
    tenantId: subject.tenantId,
    type,
    createdAt: subject.updatedAt,
    resource: { id, object: 'event', type, created_at: subject.updatedAt, data: { object } },
  };
}

/** An endpoint the platform disabled (410, or 5 days of failures) causes an event the portal shows. */
function endpointEvents({ before, after }: EndpointChange): StoredEvent[] {
  if (before?.status !== 'enabled' || after.status !== 'disabled') return [];
  return [storedEvent(after, 'webhook_endpoint.disabled', toEndpointResource(after))];
}

/**
 * The approval executions a batch of committed payout writes should resume: a decided approval (the
 * quorum, a rejection) or a cancel while a task token is stored. The deciding request resumes the
 * execution itself too; this is the outbox path that makes a crash between its write and its call
 * harmless. A resume of a task that no longer waits is ignored, so repeats cost nothing.
 */
export function resumptionsFor(
  changes: readonly (PayoutChange | EndpointChange)[],
): { token: string; outcome: ResumeOutcome }[] {
  return changes.flatMap((change): { token: string; outcome: ResumeOutcome }[] => {
    if (change.kind !== 'payout') return [];
    const { after } = change;
    const token = after.approvalTask?.token;
    if (!token) return [];
    if (after.status === 'canceled') return [{ token, outcome: 'canceled' }];
    if (after.status !== 'pending_approval' || !after.approval) return [];
    const outcome = outcomeOf(after.approval);
    return outcome === 'pending' ? [] : [{ token, outcome }];
  });
}

/** A new report starts its worker: `report.requested` on the bus (its id stable across redeliveries). */
export function reportEvents(changes: readonly ReportChange[]): StoredEvent[] {
  return changes
    .filter(({ before, after }) => !before && after.status === 'pending')
    .map(({ after }) =>
      storedEvent({ ...after, updatedAt: after.createdAt }, 'report.requested', {
        id: after.id,
        object: 'report',
      }),
    );
}

/**
 * Reconciliation runs cause: for a new run, `reconciliation_run.requested` (bus only: its worker);
 * for a run that completed, `reconciliation_run.completed` (feed, bus, webhooks).
 */
export function reconciliationEvents(changes: readonly ReconciliationChange[]): {
  internal: StoredEvent[];
  public: StoredEvent[];
} {
  const internal: StoredEvent[] = [];
  const published: StoredEvent[] = [];
  for (const { before, after } of changes) {
    if (!before && after.status === 'pending')
      internal.push(
        storedEvent({ ...after, updatedAt: after.createdAt }, 'reconciliation_run.requested', {
          id: after.id,
          object: 'reconciliation_run',
        }),
      );
    if (before && before.status !== 'completed' && after.status === 'completed')
      published.push(
        storedEvent(
          { ...after, updatedAt: after.completedAt ?? after.updatedAt },
          'reconciliation_run.completed',
          toRunResource(after),
        ),
      );
  }
  return { internal, public: published };
}

/**
 * Batch writes cause: for a new batch, one internal expansion request per chunk (bus only); for a
 * batch that became completed, `payout_batch.completed` (feed, bus, webhooks).
 */
export function batchEvents(changes: readonly BatchChange[]): {
  internal: StoredEvent[];
  public: StoredEvent[];
} {
  const internal: StoredEvent[] = [];
  const published: StoredEvent[] = [];
  for (const { before, after } of changes) {
    if (!before) {
      for (let chunk = 0; chunk < after.chunks; chunk++) {
        internal.push(
          storedEvent(
            { id: `${after.id}#${chunk}`, tenantId: after.tenantId, version: 1, updatedAt: after.createdAt },
            'payout_batch.expansion_requested',
            { id: after.id, object: 'payout_batch', chunk },
          ),
        );
      }
    }
    if (before && before.status !== 'completed' && after.status === 'completed') {
      published.push(
        storedEvent(
          { ...after, updatedAt: after.completedAt ?? after.updatedAt },
          'payout_batch.completed',
          toBatchResource(after),
        ),
      );
    }
  }
  return { internal, public: published };
}

/** A refused event/queue request (a new rejection item) is announced as `payout.request_rejected`. */
export function rejectionEvents(rejections: readonly InboundRejection[]): StoredEvent[] {
  return rejections.map((rejection) =>
    storedEvent(
      { id: rejection.id, tenantId: rejection.tenantId, version: 1, updatedAt: rejection.createdAt },
      'payout.request_rejected',
      {
        id: rejection.id,
        object: 'payout_request_rejection',
        channel: rejection.channel,
        origin: rejection.origin,
        idempotency_key: rejection.idempotencyKey,
        reference: rejection.reference,
        reason: rejection.reason,
        created_at: rejection.createdAt,
      },
    ),
  );
}

/** The events a batch of committed changes causes, with ids stable across redeliveries. */
export function eventsForChanges(changes: readonly (PayoutChange | EndpointChange)[]): StoredEvent[] {
  return changes.flatMap((change) => {
    if (change.kind === 'webhook_endpoint') return endpointEvents(change);
    const { before, after } = change;
    return eventTypesForChange(before, after).map((type) =>
      storedEvent(after, type, toPayoutResource(after)),
    );
  });
}

/** One or more of the relay's independent steps failed; the others were done (all are idempotent). */
export class RelayStepsFailedError extends AggregateError {
  constructor(readonly steps: { step: string; error: unknown }[]) {
    super(
      steps.map(({ error }) => error),
      `Relay steps failed: ${steps.map(({ step, error }) => `${step} (${(error as Error)?.message ?? error})`).join('; ')}`,
    );
    this.name = 'RelayStepsFailedError';
  }
}

/**
 * The outbox relay: every committed payout change becomes events, first in the events feed, then on
 * the bus; every write stamped with a person's or an API key's action becomes an audit entry; decided
 * approvals are resumed; batches are counted. Each step is idempotent, so the stream may deliver a
 * batch again (a retry, a relay killed mid-batch) and nothing is lost or changed; consumers see a
 * duplicate with the same event id.
 *
 * The steps are independent and all run, whatever the others do: an audit write or a Step Functions
 * call that fails does not keep the payouts of the batch from being published. A failure still fails
 * the batch (the stream delivers it again, or, once its retries are spent, the outbox recovery
 * replays it from the stream DLQ: see outbox-recovery.ts).
 *
 *   stream batch ─┬─► events: feed items (BatchWrite, same ids) ─► PutEvents ─┐
 *                 ├─► audit entries (conditional puts)                        ├─► all done: checkpoint advances
 *                 ├─► approval resumes (ignored when nothing waits)           │   one failed: batch again
 *                 └─► batch counters (idempotent per payout version)  ───────┘
 */
export function relayOutboxUseCase(deps: {
  events: EventStore;
  publisher: EventPublisher;
  audit: AuditLog;
  /** Takes an audited item's keys off (the table adapter's `stripKeys`). */
  strip: (item: Record<string, unknown>) => Record<string, unknown>;
  /** Resumes approval executions whose decision a committed write made (see `resumptionsFor`). */
  workflow?: ApprovalWorkflow;
  /** Keeps batches' counters and completes them (see `payoutBatchesUseCase`). */
  batches?: Pick<PayoutBatches, 'countChanges' | 'completeIfDone'>;
}) {
  return async function relay(batch: RelayBatch): Promise<StoredEvent[]> {
    const { changes, audited, reports, batches, rejections } = batch;
    const announced = batchEvents(batches);
    const reconciled = reconciliationEvents(batch.reconciliations ?? []);
    const events = [
      ...eventsForChanges(changes),
      ...announced.public,
      ...rejectionEvents(rejections),
      ...reconciled.public,
    ];
    // Internal events go to the bus only: the feed and webhooks are the tenant's.
    const internal = [...reportEvents(reports), ...announced.internal, ...reconciled.internal];
    const steps: [string, () => Promise<unknown>][] = [
      [
        'events',
        async () => {
          if (events.length > 0) await deps.events.saveAll(events);
          if (events.length + internal.length > 0) await deps.publisher.publish([...events, ...internal]);
        },
      ],
      ['audit', () => deps.audit.append(auditEntriesFor(audited, deps.strip))],
      [
        'approvals',
        async () => {
          const workflow = deps.workflow;
          if (!workflow) return;
          for (const { token, outcome } of resumptionsFor(changes)) await workflow.resume(token, outcome);
        },
      ],
      [
        'batches',
        async () => {
          const counters = deps.batches;
          if (!counters) return;
          await counters.countChanges(
            changes.filter((change): change is PayoutChange => change.kind === 'payout'),
          );
          // Every write of a running batch (its counters included) is a cue to check for completion.
          for (const { after } of batches) await counters.completeIfDone(after);
        },
      ],
    ];
    const results = await Promise.allSettled(steps.map(([, run]) => run()));
    const failed = results.flatMap((result, index) =>
      result.status === 'rejected' ? [{ step: steps[index]?.[0] ?? '?', error: result.reason }] : [],
    );
    if (failed.length > 0) throw new RelayStepsFailedError(failed);
    return events;
  };
}
