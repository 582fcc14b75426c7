import type { EVENT_TYPES } from './catalog.js';
import { stableId } from './ids.js';
import type { Payout, PayoutStatus } from './payout.js';

// The catalog holds the list (the portal's event picker reads it without this module's imports).
export { EVENT_TYPES } from './catalog.js';
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Events the platform publishes to its own bus for its own workers, never stored in the tenant's
 * feed nor offered to webhooks (`WEBHOOK_FAN_OUT.offered` takes `payout.*`, which none of these starts with).
 * The `outbox.*` ones are the outbox sweeper's: a payout whose next step was lost is asked for again.
 */
export const INTERNAL_EVENT_TYPES = [
  'report.requested',
  'payout_batch.expansion_requested',
  'outbox.execution_requested',
  'outbox.approval_requested',
  'reconciliation_run.requested',
] as const;
export type InternalEventType = (typeof INTERNAL_EVENT_TYPES)[number];

/** The event a payout entering each status causes. */
const STATUS_EVENT: Record<PayoutStatus, EventType> = {
  pending_approval: 'payout.approval_requested',
  queued: 'payout.queued',
  processing: 'payout.processing',
  paid: 'payout.paid',
  failed: 'payout.failed',
  returned: 'payout.returned',
  rejected: 'payout.rejected',
  expired: 'payout.expired',
  canceled: 'payout.canceled',
};

/**
 * The events one committed payout write causes, from the stream's old and new images:
 * a new payout → `payout.created` and the event of its first status; a status change → the event of
 * the new status; any other change (a lease renewal) → none.
 */
export function eventTypesForChange(before: Payout | undefined, after: Payout): EventType[] {
  if (!before) return ['payout.created', STATUS_EVENT[after.status]];
  // Approval releases the payout to execution: both facts are events.
  if (before.status === 'pending_approval' && after.status === 'queued')
    return ['payout.approved', 'payout.queued'];
  if (before.status !== after.status) return [STATUS_EVENT[after.status]];
  return [];
}

/**
 * An event's id is derived from the payout, its version and the event type: the relay can publish
 * a committed change any number of times (stream retries, a crash mid-batch) and consumers dedupe.
 */
export function eventIdFor(objectId: string, version: number, type: EventType | InternalEventType): string {
  return `evt_${stableId([objectId, String(version), type])}`;
}

export const EVENT_ID_PATTERN = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;
