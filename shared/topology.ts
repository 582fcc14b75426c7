/**
 * The platform's topology, declared once: functions, their routes, and (in later issues) queues,
 * rules and state machines. The CDK stack (infra/) and the local runtime (local/) are both built from
 * these entries, so what runs on a laptop is what deploys. Pure data: no CDK or SDK imports.
 */
import { EXECUTOR_RESERVED_CONCURRENCY } from './execution-limits.js';
import { BANK_FILES, EVENT_SOURCE, REJECTION_QUEUE, RELAYED_ENTITIES } from './topology-constants.js';

export {
  BANK_FILES,
  BUS_ROUTED_TYPES,
  EVENT_BUS,
  EVENT_SOURCE,
  INBOUND_FILES,
  REJECTION_QUEUE,
  RELAYED_ENTITIES,
  WEBHOOK_FAN_OUT,
} from './topology-constants.js';

export { EXECUTOR_RESERVED_CONCURRENCY };

/**
 * Every function's name: its folder under functions/ (holding `handler.ts`) and its logical name.
 * Listed apart from FUNCTIONS because specs and queues name each other (a spec's `sendsTo`, a queue's
 * consumer): names derived from the specs would be circular. `test/unit/topology-names.test.ts`
 * checks that the list and the specs (and the folders) match one for one.
 */
export const FUNCTION_NAMES = [
  'api-authorizer',
  'create-payout',
  'get-payout',
  'list-payouts',
  'cancel-payout',
  'get-health',
  'get-openapi',
  'route-not-found',
  'list-events',
  'get-event',
  'relay-outbox',
  'recover-outbox',
  'execute-payout',
  'create-webhook-endpoint',
  'list-webhook-endpoints',
  'get-webhook-endpoint',
  'update-webhook-endpoint',
  'delete-webhook-endpoint',
  'rotate-webhook-secret',
  'list-webhook-attempts',
  'recover-webhook-deliveries',
  'portal-api',
  'portal-rails',
  'receive-provider-webhook',
  'portal-batches',
  'create-report',
  'get-report',
  'list-reports',
  'generate-report',
  'reconciliation-runs',
  'portal-reconciliation',
  'run-reconciliation',
  'schedule-daily-reports',
  'create-payout-batch',
  'get-payout-batch',
  'list-payout-batches',
  'expand-payout-batch',
  'accept-inbound-payout',
  'accept-payout-file',
  'cut-sepa-files',
  'read-bank-file',
  'start-approval',
  'approval-task',
  'fan-out-webhooks',
  'deliver-webhook',
] as const;

/** A topology function's name: a misspelled one fails to compile. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * Every queue the topology names: those of QUEUES, each consumed by a function (and each with its
 * dead-letter queue), and the rejections queue (REJECTION_QUEUE), which nothing consumes.
 */
export const QUEUE_NAMES = [
  'execution',
  'webhook-fanout',
  'webhook-delivery',
  'report-generation',
  'reconciliation',
  'batch-expansion',
  'inbound-events',
  'inbound-requests',
  'inbound-files',
  'bank-files',
  'approval-start',
  'inbound-rejections',
] as const;

/** A topology queue's name (what a function may send to): a misspelled one fails to compile. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** A queue that a function consumes (QUEUES): what rules target and consumers change the visibility of. */
export type ConsumedQueueName = Exclude<QueueName, typeof REJECTION_QUEUE>;

/** A consumed queue's dead-letter queue (the local runtime gives functions their URLs too). */
export type DeadLetterQueueName = `${ConsumedQueueName}-dlq`;

/** Whether a name read at run time (a folder, an argument) is a topology function's. */
export function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

/**
 * A function's spec. `Name` is the topology's names everywhere but in the local runtime, which also
 * loads tests' stand-in functions under names of their own (`FunctionSpec<string>`).
 */
export interface FunctionSpec<Name extends string = FunctionName> {
  /** Folder under functions/ holding `handler.ts`; also the function's logical name. */
  name: Name;
  description: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Table access this function needs (least privilege). */
  table?: 'read' | 'read-write';
  /** Publishes to the platform's event bus (events:PutEvents). */
  publishesEvents?: boolean;
  /** Changes the visibility of messages of these queues (backoff of retries). */
  changesVisibilityOf?: readonly ConsumedQueueName[];
  /** Sends messages to these queues (gets their URLs as PAYOUTS_QUEUE_URL_<NAME>). */
  sendsTo?: readonly QueueName[];
  /** The portal's needs: admin calls on the team's user pool, the attachments bucket. */
  /**
   * The portal's user pool: `manage` administers the team (invite, enable, disable, two-step reset),
   * `read` only asks whether a member has two-step sign-in on; `attachments`: manual payouts' files.
   */
  portal?: { userPool: 'manage' | 'read'; attachments?: true };
  /** The approval workflow: `start` starts executions, `resume` sends task results. */
  approvals?: 'start' | 'resume';
  /** The reports bucket: `read` presigns downloads, `write` also uploads files. */
  reports?: 'read' | 'write';
  /** The inbound bucket of payroll files: reads dropped files, writes their result files beside them. */
  inboundFiles?: true;
  /**
   * The bank files bucket (SEPA, D72): `write` puts pain.001 files under tenants' outbound prefixes,
   * `read` reads the bank's files from their inbound prefixes.
   */
  bankFiles?: 'read' | 'write';
  /** Webhook signing secrets under the platform's KMS key: `seal` new ones, or `open` stored ones. */
  webhookSecrets?: 'seal' | 'open';
  /**
   * Tenants' connector credentials under their own KMS key: `open` them to call a provider (the
   * executor, provider webhooks), or `manage` them (seal new ones and open them to test a connection).
   */
  connectorSecrets?: 'open' | 'manage';
  /** Counts its requests against the tenant's rate limit: may update the request counters only. */
  rateLimited?: true;
  /** Reads the table's stream and consumes its DLQ (the outbox recovery's replay). */
  readsStreamDlq?: true;
  /**
   * Concurrency reserved for it (and its ceiling): what keeps the money path running when a flood of
   * requests uses up the account's Lambda concurrency. Deployments can switch reservations off.
   */
  reservedConcurrency?: number;
}

/**
 * The Node.js major version the functions run on in Lambda (`nodejs22.x`) and their bundles target
 * (`node22`): one setting. Moving to Node 24 is this line (`test/infra/stack.test.ts` checks that every
 * function's runtime and bundle target follow it).
 */
export const LAMBDA_NODE_MAJOR = 22;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

/**
 * How a route authenticates: `api_key` (the Lambda authorizer, public API), `jwt` (the portal's
 * team sign-in: a Cognito JWT verified by API Gateway's JWT authorizer), or `none`.
 */
export type RouteAuth = 'api_key' | 'jwt' | 'none';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/payouts/{id}`, `/portal-api/{proxy+}` (greedy). */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
  /** A route's own throttle, below the stage's (requests per second and burst, all callers). */
  throttle?: { rateLimit: number; burstLimit: number };
}

/**
 * Where API-key routes find the credential. API Gateway answers 401 itself, invoking nothing, when
 * it is missing: an unauthenticated flood never reaches a function (D46).
 */
export const API_KEY_IDENTITY_SOURCE = '$request.header.Authorization';

/**
 * The stage's throttle, all routes and callers together (deploy settings `apiRateLimit` and
 * `apiBurstLimit` change it; docs/deploy.md sizes it). Per-tenant limits apply below it (D42).
 */
export const API_THROTTLE = { rateLimit: 500, burstLimit: 1000 };

export const AUTHORIZER_FUNCTION = 'api-authorizer' satisfies FunctionName;
/** The function the table's stream feeds: publishes committed changes (the outbox relay). */
export const OUTBOX_RELAY_FUNCTION = 'relay-outbox' satisfies FunctionName;
/** Answers every request that matches no route (the HTTP API's `$default` route). */
export const NOT_FOUND_FUNCTION = 'route-not-found' satisfies FunctionName;
/** The Business Portal's API: every route below PORTAL_API_PREFIX. */
export const PORTAL_API_FUNCTION = 'portal-api' satisfies FunctionName;
/** Invoked once a day by the scheduler (a timer locally). */
export const DAILY_REPORTS_FUNCTION = 'schedule-daily-reports' satisfies FunctionName;
/** The daily export's schedule (EventBridge Scheduler cron, UTC). */
export const DAILY_REPORTS_SCHEDULE = { hourUtc: 0, minuteUtc: 15 };
/** Replays what the relay gave up on and re-drives stranded payouts, on a schedule (a timer locally). */
export const OUTBOX_RECOVERY_FUNCTION = 'recover-outbox' satisfies FunctionName;
/** How often the outbox recovery runs (EventBridge Scheduler rate, minutes). */
export const OUTBOX_RECOVERY_EVERY_MINUTES = 5;
/** The approval state machine's task function (see shared/workflows/approval.ts). */
export const APPROVAL_TASK_FUNCTION = 'approval-task' satisfies FunctionName;

/** Cuts tenants' SEPA files when their cut-off is due (a schedule; a timer locally). D72. */
export const SEPA_CUT_OFF_FUNCTION = 'cut-sepa-files' satisfies FunctionName;
/** How often the cut-off function looks for due cut-offs: a file leaves at most this late. */
export const SEPA_CUT_OFF_EVERY_MINUTES = 5;

export const FUNCTIONS: readonly FunctionSpec[] = [
  { name: AUTHORIZER_FUNCTION, description: 'Resolves an API key to its tenant', table: 'read' },
  { name: 'create-payout', description: 'POST /v1/payouts', table: 'read-write', rateLimited: true },
  { name: 'get-payout', description: 'GET /v1/payouts/{id}', table: 'read' },
  { name: 'list-payouts', description: 'GET /v1/payouts', table: 'read', rateLimited: true },
  {
    name: 'cancel-payout',
    description: 'POST /v1/payouts/{id}/cancel',
    table: 'read-write',
    approvals: 'resume',
  },
  { name: 'get-health', description: 'GET /v1/health' },
  { name: 'get-openapi', description: 'GET /v1/openapi.json' },
  { name: NOT_FOUND_FUNCTION, description: 'Unknown routes ($default)' },
  { name: 'list-events', description: 'GET /v1/events', table: 'read', rateLimited: true },
  { name: 'get-event', description: 'GET /v1/events/{id}', table: 'read' },
  {
    name: OUTBOX_RELAY_FUNCTION,
    description: 'Table stream → events feed, webhook fan-out queue + EventBridge (the outbox relay)',
    table: 'read-write',
    publishesEvents: true,
    // Payout events go straight to the webhook fan-out (D80); the bus gets what its rules route.
    sendsTo: ['webhook-fanout'],
    // Resumes approval executions whose decision it sees committed (the outbox path of D29).
    approvals: 'resume',
    timeoutSeconds: 30,
    // One invocation per stream shard at a time; the reservation also caps it.
    reservedConcurrency: 20,
  },
  {
    name: OUTBOX_RECOVERY_FUNCTION,
    description:
      'Every 5 minutes: replays relay batches from the stream DLQ, re-drives open payouts whose next step was lost',
    table: 'read-write',
    publishesEvents: true,
    sendsTo: ['webhook-fanout'],
    // The replay runs the relay's every step, approval resumes included.
    approvals: 'resume',
    readsStreamDlq: true,
    timeoutSeconds: 300,
    memoryMb: 512,
    // One run at a time: two overlapping sweeps would only do the same work twice.
    reservedConcurrency: 1,
  },
  {
    name: 'execute-payout',
    description: 'Execution queue → provider (queued → processing → paid | failed; paid → returned)',
    table: 'read-write',
    // Later looks at a transfer (a return) are delayed messages on its own queue.
    sendsTo: ['execution'],
    // Opens the tenant's credentials of the payout's rail to call its provider.
    connectorSecrets: 'open',
    changesVisibilityOf: ['execution'],
    timeoutSeconds: 20,
    // Twice the execution queue's maxConcurrency: room for the outbox sweeper's and retries' work.
    reservedConcurrency: EXECUTOR_RESERVED_CONCURRENCY,
  },
  ...webhookApiFunctions(),
  {
    name: PORTAL_API_FUNCTION,
    description:
      'The Business Portal API (/portal-api/v1/*): one route table, every route checked against the permission matrix',
    table: 'read-write',
    rateLimited: true,
    sendsTo: ['webhook-delivery'],
    portal: { userPool: 'manage', attachments: true },
    webhookSecrets: 'seal',
    approvals: 'resume',
    reports: 'read',
    memoryMb: 512,
  },
  {
    name: 'portal-rails',
    description:
      'The portal’s Payout rails page (connectors, routing, test connection): apart from portal-api, which stays small without the provider connectors',
    table: 'read-write',
    portal: { userPool: 'read' },
    connectorSecrets: 'manage',
    bankFiles: 'write',
    timeoutSeconds: 29,
  },
  {
    name: 'receive-provider-webhook',
    description:
      'POST /v1/provider-webhooks/{connector}/{tenant_id}: a provider’s status update, verified by its signature',
    table: 'read-write',
    connectorSecrets: 'open',
    timeoutSeconds: 29,
  },
  {
    name: 'portal-batches',
    description:
      'The portal’s CSV upload (check and create a batch): apart from portal-api, which stays small without the CSV parser',
    table: 'read-write',
    // Every portal request checks the member's two-step sign-in (D53): the pool, read only.
    portal: { userPool: 'read' },
    rateLimited: true,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  { name: 'create-report', description: 'POST /v1/reports', table: 'read-write', rateLimited: true },
  { name: 'get-report', description: 'GET /v1/reports/{id}', table: 'read', reports: 'read' },
  { name: 'list-reports', description: 'GET /v1/reports', table: 'read' },
  {
    name: 'generate-report',
    description: 'report.requested → the CSV streamed to S3 (multipart), the report marked ready',
    table: 'read-write',
    reports: 'write',
    // 100,000 rows take well under a minute; the ceiling leaves room for millions.
    timeoutSeconds: 900,
    memoryMb: 256,
  },
  {
    name: 'reconciliation-runs',
    description:
      'POST/GET /v1/reconciliation-runs, GET …/{id}, GET …/{id}/items, POST …/{id}/items/{item_id}/resolve',
    table: 'read-write',
    reports: 'read',
    rateLimited: true,
  },
  {
    name: 'portal-reconciliation',
    description: 'The portal’s Reconciliation page: runs, differences, resolutions, the items CSV',
    table: 'read-write',
    reports: 'read',
    portal: { userPool: 'read' },
    rateLimited: true,
    timeoutSeconds: 29,
  },
  {
    name: 'run-reconciliation',
    description:
      'reconciliation_run.requested → the provider’s statement of the day compared with the day’s payouts, the run completed',
    table: 'read-write',
    connectorSecrets: 'open',
    reports: 'write',
    // A day of 100,000 payouts takes minutes locally; the ceiling leaves room for larger days.
    timeoutSeconds: 900,
    memoryMb: 512,
  },
  {
    name: DAILY_REPORTS_FUNCTION,
    description:
      "Daily (scheduler): the previous day's report for every tenant, and its reconciliation run per payout rail",
    table: 'read-write',
    timeoutSeconds: 300,
  },
  {
    name: 'create-payout-batch',
    description: 'POST /v1/payout-batches',
    table: 'read-write',
    rateLimited: true,
    // Validating 10,000 items takes CPU: more memory is more CPU (and a shorter bill).
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  { name: 'get-payout-batch', description: 'GET /v1/payout-batches/{id}', table: 'read' },
  { name: 'list-payout-batches', description: 'GET /v1/payout-batches', table: 'read', rateLimited: true },
  {
    name: 'expand-payout-batch',
    description: 'payout_batch.expansion_requested → the chunk’s payouts (conditional puts), counted once',
    table: 'read-write',
    timeoutSeconds: 60,
  },
  {
    name: 'accept-inbound-payout',
    description:
      'Payout Requested events and inbound queue messages → payouts (source: event), or rejections',
    table: 'read-write',
    sendsTo: [REJECTION_QUEUE],
    changesVisibilityOf: ['inbound-events', 'inbound-requests'],
  },
  {
    name: 'accept-payout-file',
    description: 'A CSV dropped in the inbound bucket → a payout batch, and its result file beside it',
    table: 'read-write',
    inboundFiles: true,
    sendsTo: [REJECTION_QUEUE],
    changesVisibilityOf: ['inbound-files'],
    // Checking 10,000 rows takes CPU: more memory is more CPU (as for create-payout-batch).
    memoryMb: 1024,
    timeoutSeconds: 60,
  },
  {
    name: SEPA_CUT_OFF_FUNCTION,
    description:
      "Every few minutes (scheduler): each tenant's due SEPA cut-off → its queued payouts in one pain.001 file",
    table: 'read-write',
    bankFiles: 'write',
    // A file of 100,000 transfers is claimed, counted and streamed out within this; its lease (20 min)
    // outlives it, so two runs never build one file.
    timeoutSeconds: 900,
    memoryMb: 512,
  },
  {
    name: 'read-bank-file',
    description:
      'A bank file (pain.002, camt.053/054) in a tenant’s inbound prefix → its payouts paid, failed or returned',
    table: 'read-write',
    bankFiles: 'read',
    changesVisibilityOf: [BANK_FILES.queue],
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  {
    name: 'start-approval',
    description: 'payout.approval_requested → the approval workflow (one execution per payout)',
    table: 'read',
    approvals: 'start',
  },
  {
    name: APPROVAL_TASK_FUNCTION,
    description: 'The approval workflow task: stores the task token, applies the outcome',
    table: 'read-write',
    approvals: 'resume',
  },
  {
    name: 'fan-out-webhooks',
    description: 'Payout events → one delivery message per subscribed endpoint',
    table: 'read',
    sendsTo: ['webhook-delivery'],
    changesVisibilityOf: ['webhook-fanout'],
  },
  {
    name: 'deliver-webhook',
    description: 'Webhook delivery queue → signed POST to the endpoint (one attempt per message)',
    table: 'read-write',
    webhookSecrets: 'open',
    // A background recovery's slices queue their redeliveries and the rest of the job here.
    sendsTo: ['webhook-delivery'],
    changesVisibilityOf: ['webhook-delivery'],
    // A delivery waits up to 15 s for the receiver.
    timeoutSeconds: 20,
  },
];

/** One function per webhook endpoint route. */
function webhookApiFunctions(): FunctionSpec[] {
  return [
    {
      name: 'create-webhook-endpoint',
      description: 'POST /v1/webhook-endpoints',
      table: 'read-write',
      webhookSecrets: 'seal',
    },
    { name: 'list-webhook-endpoints', description: 'GET /v1/webhook-endpoints', table: 'read' },
    { name: 'get-webhook-endpoint', description: 'GET /v1/webhook-endpoints/{id}', table: 'read' },
    { name: 'update-webhook-endpoint', description: 'PATCH /v1/webhook-endpoints/{id}', table: 'read-write' },
    {
      name: 'delete-webhook-endpoint',
      description: 'DELETE /v1/webhook-endpoints/{id}',
      table: 'read-write',
    },
    {
      name: 'rotate-webhook-secret',
      description: 'POST /v1/webhook-endpoints/{id}/rotate-secret',
      table: 'read-write',
      webhookSecrets: 'seal',
    },
    {
      name: 'list-webhook-attempts',
      description: 'GET /v1/webhook-endpoints/{id}/deliveries',
      table: 'read',
    },
    {
      name: 'recover-webhook-deliveries',
      description: 'POST /v1/webhook-endpoints/{id}/recover (202; the delivery worker does the work)',
      table: 'read-write',
      sendsTo: ['webhook-delivery'],
    },
  ];
}

/** The table stream's event source mapping. */
export const STREAM_CONSUMER = {
  function: OUTBOX_RELAY_FUNCTION,
  batchSize: 100,
  /** A failing record is retried (with bisection) this many times, then sent to the stream DLQ. */
  retryAttempts: 10,
  /**
   * Lambda event filters (EventBridge pattern syntax over the stream record): only writes of payouts,
   * webhook endpoints and the audited team items invoke the relay, not idempotency records, attempts,
   * audit entries or the feed's own items. The
   * local poller applies the same patterns.
   */
  filterPatterns: [{ dynamodb: { NewImage: { entity: { S: RELAYED_ENTITIES } } } }],
} satisfies { function: FunctionName; [setting: string]: unknown };

/**
 * An SQS queue with its dead-letter queue and the Lambda that consumes it. Lambda's SQS event source
 * deletes what the handler acknowledges and reports the rest (`reportBatchItemFailures`). The names
 * are the topology's everywhere but where a check of its settings takes any queue (`QueueSpec<string, string>`).
 */
export interface QueueSpec<Name extends string = ConsumedQueueName, Consumer extends string = FunctionName> {
  name: Name;
  /** ≥ 6× the consumer's timeout (AWS guidance for Lambda consumers). */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the DLQ (≥ 5; RECEIVES_FOR_A_DAY where money waits). */
  maxReceiveCount: number;
  /**
   * The oldest message's age that raises an alarm (a stuck consumer), or null where messages wait
   * by design (webhook retries are held in their queue for up to three days).
   */
  oldestMessageAlarmSeconds: number | null;
  consumer: {
    function: Consumer;
    batchSize: number;
    /** Caps concurrent consumers: how the provider's rate limit is respected. */
    maxConcurrency: number;
  };
}

/**
 * Receives before a message gives up: with the consumers' backoff (2 s doubling to 30 minutes, at
 * least half of each step) a message is retried for more than a day (guaranteedRetrySeconds: 27 h).
 * Provider and AWS outages last hours; a payout's execution must outlast them, not its DLQ.
 */
export const RECEIVES_FOR_A_DAY = 120;

export const QUEUES: readonly QueueSpec[] = [
  {
    name: 'execution',
    oldestMessageAlarmSeconds: 600,
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'execute-payout', batchSize: 10, maxConcurrency: 5 },
  },
  {
    name: 'webhook-fanout',
    oldestMessageAlarmSeconds: 600,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'fan-out-webhooks', batchSize: 10, maxConcurrency: 5 },
  },
  {
    // One message per delivery, retried on the webhook schedule through its visibility: enough
    // receives for the whole schedule (12 attempts) and some failures of our own.
    name: 'webhook-delivery',
    oldestMessageAlarmSeconds: null,
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: 20,
    // Ten deliveries per invocation, sent in parallel: a receiver that hangs delays only the
    // acknowledgement of the others (each is still sent at once), and an invocation and two SQS
    // requests carry ten deliveries instead of one (docs/performance.md).
    consumer: { function: 'deliver-webhook', batchSize: 10, maxConcurrency: 20 },
  },
  {
    name: 'report-generation',
    oldestMessageAlarmSeconds: 3600,
    // The worker marks its report failed after three attempts (a timed-out run included).
    // ≥ 6× the worker's 900 s timeout.
    visibilityTimeoutSeconds: 5400,
    maxReceiveCount: 5,
    consumer: { function: 'generate-report', batchSize: 1, maxConcurrency: 2 },
  },
  {
    name: 'reconciliation',
    oldestMessageAlarmSeconds: 3600,
    // The worker marks its run failed after three attempts; ≥ 6× its 900 s timeout.
    visibilityTimeoutSeconds: 5400,
    maxReceiveCount: 5,
    consumer: { function: 'run-reconciliation', batchSize: 1, maxConcurrency: 2 },
  },
  {
    // One chunk (≤ 100 payouts) per message; the concurrency caps the write rate of one batch.
    name: 'batch-expansion',
    oldestMessageAlarmSeconds: 900,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'expand-payout-batch', batchSize: 1, maxConcurrency: 10 },
  },
  {
    // `Payout Requested` events from integrators' sources (a rule on the platform bus).
    name: 'inbound-events',
    oldestMessageAlarmSeconds: 600,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'accept-inbound-payout', batchSize: 10, maxConcurrency: 5 },
  },
  {
    // Payout requests integrators send straight to a queue; the sender's identity routes them.
    name: 'inbound-requests',
    oldestMessageAlarmSeconds: 600,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'accept-inbound-payout', batchSize: 10, maxConcurrency: 5 },
  },
  {
    // New CSV files in the inbound bucket (S3 event notifications); the file's prefix routes it.
    name: 'inbound-files',
    oldestMessageAlarmSeconds: 900,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'accept-payout-file', batchSize: 1, maxConcurrency: 2 },
  },
  {
    // New files in a tenant's inbound prefix of the bank files bucket (S3 event notifications).
    name: BANK_FILES.queue,
    oldestMessageAlarmSeconds: 900,
    // ≥ 6× the reader's 300 s timeout.
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'read-bank-file', batchSize: 1, maxConcurrency: 2 },
  },
  {
    name: 'approval-start',
    oldestMessageAlarmSeconds: 600,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: RECEIVES_FOR_A_DAY,
    consumer: { function: 'start-approval', batchSize: 10, maxConcurrency: 5 },
  },
];

/**
 * The bus integrators put `Payout Requested` events on: theirs, not the platform's. The platform's
 * bus accepts `payouts.platform` events only from the functions that publish (a resource policy), and
 * no consumer trusts what an event carries: each re-reads what it names from the table.
 */
export const INBOUND_EVENT_BUS = 'payouts-inbound';

/** An EventBridge rule on the platform bus (or the inbound bus), delivering matching events to a queue. */
export interface RuleSpec {
  name: string;
  description: string;
  /** `inbound`: a rule of the integrators' bus; the platform's bus otherwise. */
  bus?: 'inbound';
  /** EventBridge event pattern, evaluated by EventBridge in AWS and by the local emulator locally. */
  eventPattern: Record<string, unknown>;
  target: { queue: ConsumedQueueName };
}

export const RULES: readonly RuleSpec[] = [
  {
    name: 'queued-payouts-to-execution',
    description: 'Every payout that becomes queued is executed (and any the outbox sweeper finds stranded)',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': ['payout.queued', 'outbox.execution_requested'] },
    target: { queue: 'execution' },
  },
  {
    name: 'report-requests-to-worker',
    description: 'Every requested report is generated',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': ['report.requested'] },
    target: { queue: 'report-generation' },
  },
  {
    name: 'reconciliation-requests-to-worker',
    description: 'Every requested reconciliation run is worked',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': ['reconciliation_run.requested'] },
    target: { queue: 'reconciliation' },
  },
  {
    name: 'batch-chunks-to-expansion',
    description: 'Every chunk of a new payout batch is expanded into payouts',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': ['payout_batch.expansion_requested'] },
    target: { queue: 'batch-expansion' },
  },
  {
    name: 'payout-requests-to-inbound',
    description:
      "Payout Requested events on the integrators' bus become payouts (routed by account and source)",
    bus: 'inbound',
    eventPattern: { source: [{ 'anything-but': EVENT_SOURCE }], 'detail-type': ['Payout Requested'] },
    target: { queue: 'inbound-events' },
  },
  {
    name: 'approval-requests-to-workflow',
    description: 'Every payout that needs approval gets its approval workflow (again if the sweeper asks)',
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': ['payout.approval_requested', 'outbox.approval_requested'],
    },
    target: { queue: 'approval-start' },
  },
];

/**
 * The event types the rules of the platform's bus route (exact `detail-type` lists), derived from
 * `rules`: `BUS_ROUTED_TYPES` (topology-constants.ts) must equal this (test/unit/event-routing.test.ts).
 */
export function busRoutedTypesOf(rules: readonly RuleSpec[]): ReadonlySet<string> {
  return new Set(
    rules
      .filter((rule) => rule.bus !== 'inbound')
      .flatMap((rule) => {
        const types: unknown = rule.eventPattern['detail-type'];
        // A pattern the relay cannot read as a list of names would silently keep its events off the bus.
        if (!Array.isArray(types) || !types.every((type) => typeof type === 'string'))
          throw new Error(`Rule ${rule.name}: a platform bus rule must list its detail-types by name (D80)`);
        return types as string[];
      }),
  );
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'ANY', path: '/portal-api/{proxy+}', function: PORTAL_API_FUNCTION, auth: 'jwt' },
  { method: 'POST', path: '/portal-api/v1/payout-batches', function: 'portal-batches', auth: 'jwt' },
  { method: 'ANY', path: '/portal-api/v1/payout-rails', function: 'portal-rails', auth: 'jwt' },
  {
    method: 'ANY',
    path: '/portal-api/v1/reconciliation-runs',
    function: 'portal-reconciliation',
    auth: 'jwt',
  },
  {
    method: 'ANY',
    path: '/portal-api/v1/reconciliation-runs/{proxy+}',
    function: 'portal-reconciliation',
    auth: 'jwt',
  },
  { method: 'POST', path: '/v1/reconciliation-runs', function: 'reconciliation-runs', auth: 'api_key' },
  { method: 'GET', path: '/v1/reconciliation-runs', function: 'reconciliation-runs', auth: 'api_key' },
  { method: 'GET', path: '/v1/reconciliation-runs/{id}', function: 'reconciliation-runs', auth: 'api_key' },
  {
    method: 'GET',
    path: '/v1/reconciliation-runs/{id}/items',
    function: 'reconciliation-runs',
    auth: 'api_key',
  },
  {
    method: 'POST',
    path: '/v1/reconciliation-runs/{id}/items/{item_id}/resolve',
    function: 'reconciliation-runs',
    auth: 'api_key',
  },
  { method: 'ANY', path: '/portal-api/v1/payout-rails/{proxy+}', function: 'portal-rails', auth: 'jwt' },
  {
    method: 'POST',
    path: '/v1/provider-webhooks/{connector}/{tenant_id}',
    function: 'receive-provider-webhook',
    auth: 'none',
    // Providers send a steady trickle; a flood of forged calls stops here, before any signature check.
    throttle: { rateLimit: 100, burstLimit: 200 },
  },
  { method: 'POST', path: '/portal-api/v1/payout-batches/check', function: 'portal-batches', auth: 'jwt' },
  { method: 'GET', path: '/v1/health', function: 'get-health', auth: 'none' },
  { method: 'GET', path: '/v1/openapi.json', function: 'get-openapi', auth: 'none' },
  { method: 'POST', path: '/v1/payouts', function: 'create-payout', auth: 'api_key' },
  { method: 'GET', path: '/v1/payouts', function: 'list-payouts', auth: 'api_key' },
  { method: 'GET', path: '/v1/payouts/{id}', function: 'get-payout', auth: 'api_key' },
  { method: 'POST', path: '/v1/payouts/{id}/cancel', function: 'cancel-payout', auth: 'api_key' },
  { method: 'GET', path: '/v1/events', function: 'list-events', auth: 'api_key' },
  {
    method: 'POST',
    path: '/v1/reports',
    function: 'create-report',
    auth: 'api_key',
    // Each report is an export of up to a year of payouts.
    throttle: { rateLimit: 5, burstLimit: 10 },
  },
  { method: 'GET', path: '/v1/reports', function: 'list-reports', auth: 'api_key' },
  { method: 'GET', path: '/v1/reports/{id}', function: 'get-report', auth: 'api_key' },
  { method: 'GET', path: '/v1/events/{id}', function: 'get-event', auth: 'api_key' },
  {
    method: 'POST',
    path: '/v1/payout-batches',
    function: 'create-payout-batch',
    auth: 'api_key',
    // Each request carries up to 10,000 payouts (a second of a whole core): a few per second suffice.
    throttle: { rateLimit: 10, burstLimit: 20 },
  },
  { method: 'GET', path: '/v1/payout-batches', function: 'list-payout-batches', auth: 'api_key' },
  { method: 'GET', path: '/v1/payout-batches/{id}', function: 'get-payout-batch', auth: 'api_key' },
  { method: 'POST', path: '/v1/webhook-endpoints', function: 'create-webhook-endpoint', auth: 'api_key' },
  { method: 'GET', path: '/v1/webhook-endpoints', function: 'list-webhook-endpoints', auth: 'api_key' },
  { method: 'GET', path: '/v1/webhook-endpoints/{id}', function: 'get-webhook-endpoint', auth: 'api_key' },
  {
    method: 'PATCH',
    path: '/v1/webhook-endpoints/{id}',
    function: 'update-webhook-endpoint',
    auth: 'api_key',
  },
  {
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    function: 'delete-webhook-endpoint',
    auth: 'api_key',
  },
  {
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    function: 'rotate-webhook-secret',
    auth: 'api_key',
  },
  {
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    function: 'list-webhook-attempts',
    auth: 'api_key',
  },
  {
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/recover',
    function: 'recover-webhook-deliveries',
    auth: 'api_key',
  },
];

export function functionSpec(name: FunctionName): FunctionSpec {
  const spec = FUNCTIONS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`Unknown function '${name}' in topology`);
  return spec;
}

/**
 * Path of a function's handler module, relative to the repository root. Takes any string (the
 * bundle bench and the local runtime pass names as strings) and refuses one the topology lacks.
 */
export function handlerEntry(name: string): string {
  if (!isFunctionName(name)) throw new Error(`Unknown function '${name}' in topology`);
  return `functions/${name}/handler.ts`;
}
