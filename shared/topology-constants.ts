import type { ConsumedQueueName, QueueName } from './topology.js';

/*
 * The parts of the topology that functions read at run time, without the topology itself (the
 * function, queue, rule and route specs: ~11 KB that the relay, the inbound channels and the bank
 * file reader would otherwise bundle; issue 23). `shared/topology.ts` re-exports every name here.
 */

/** The platform's EventBridge bus and the `source` of every event the platform publishes. */
export const EVENT_BUS = 'payouts';
export const EVENT_SOURCE = 'payouts.platform';

/** Entities whose writes the relay reads: payouts and endpoints (events) and every audited item. */
export const RELAYED_ENTITIES = [
  'payout',
  'webhook_endpoint',
  'api_key',
  'member',
  'manual_payout_criteria',
  'approval_policy',
  'tenant_connectors',
  'report',
  'payout_batch',
  'payout_request_rejection',
  'reconciliation_run',
  'reconciliation_resolution',
];

/**
 * The events offered to webhook endpoints: the relay sends them straight to this queue (D80), not
 * through the bus — the bus carries what a rule below routes (and every event when the operator sets
 * `busEvents=all` for rules of their own).
 */
export const WEBHOOK_FAN_OUT = {
  queue: 'webhook-fanout' satisfies ConsumedQueueName,
  offered: (type: string) =>
    type.startsWith('payout.') ||
    type === 'payout_batch.completed' ||
    type === 'reconciliation_run.completed',
} as const;

/**
 * The event types a rule of the platform's bus routes (exact `detail-type` lists): with
 * `busEvents=routed`, the only ones the relay puts on the bus. Written out here so the relay does not
 * bundle the rules; test/unit/event-routing.test.ts checks it equals `busRoutedTypesOf(RULES)`.
 */
export const BUS_ROUTED_TYPES: ReadonlySet<string> = new Set([
  'payout.queued',
  'outbox.execution_requested',
  'report.requested',
  'reconciliation_run.requested',
  'payout_batch.expansion_requested',
  'payout.approval_requested',
  'outbox.approval_requested',
]);

/**
 * Refused payout requests (events, queue messages, payroll files), each with its reason and channel:
 * routine business, kept 14 days for operators and integrators' support, never alarmed on. Dead-letter
 * queues hold only what failed for a day of retries, so their alarms mean something is broken.
 */
export const REJECTION_QUEUE = 'inbound-rejections' satisfies QueueName;

/**
 * SEPA bank files (issue 21, D72): one private bucket; the platform writes pain.001 files under
 * `tenants/{tenant}/outbound/` for the tenant's bank gateway (SFTP or EBICS) to fetch, and the
 * gateway puts the bank's pain.002 and camt.053/054 under `tenants/{tenant}/inbound/`, which S3
 * announces to the queue.
 */
export const BANK_FILES = {
  queue: 'bank-files' satisfies ConsumedQueueName,
  suffix: '.xml',
  /** A day's camt.053 of a busy account stays well below this; larger objects are refused unread. */
  maxBytes: 512 * 1024 * 1024,
} as const;

/**
 * Payroll files (issue 9): a CSV put under a tenant's prefix of the inbound bucket creates a batch.
 * S3 notifies the queue of every new object whose key ends in `suffix` (in AWS, an event
 * notification; locally, the local S3 server); the result file is written beside the upload, and
 * files ending in `resultSuffix` are the platform's own results, never read as requests.
 */
export const INBOUND_FILES = {
  queue: 'inbound-files' satisfies ConsumedQueueName,
  suffix: '.csv',
  resultSuffix: '.result.csv',
  /** 10,000 rows of a wide file stay well below this; larger files are refused unread. */
  maxBytes: 10 * 1024 * 1024,
} as const;
