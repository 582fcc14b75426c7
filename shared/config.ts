import type { DeadLetterQueueName, QueueName } from './topology.js';
import * as z from './zod.js';

const environment = z.object({
  PAYOUTS_TABLE_NAME: z.string().check(z.minLength(1)),
  /** `local` relaxes what only makes sense on a developer machine (e.g. loopback webhooks). */
  PAYOUTS_STAGE: z._default(z.enum(['local', 'aws']), 'aws'),
  /** The platform's EventBridge bus (the outbox relay publishes to it). */
  PAYOUTS_EVENT_BUS_NAME: z.optional(z.string().check(z.minLength(1))),
  /**
   * Whether the sandbox rail (deterministic test outcomes, no money) is offered to tenants: `on` for
   * local and test deployments, `off` (the default: fails closed) for production (deploy setting
   * `sandboxRail`). With it off, the executor refuses to "pay" anything through the sandbox. Real rails are
   * each tenant's own configuration (connectors), not a deploy setting.
   */
  PAYOUTS_SANDBOX_RAIL: z._default(z.enum(['on', 'off']), 'off'),
  /** The KMS key that seals tenants' connector credentials (set on the functions that seal or open them). */
  PAYOUTS_CONNECTOR_KEY_ID: z.optional(z.string().check(z.minLength(1))),
  /**
   * Tests and local fakes only: another base URL per connector, as JSON (`{"adyen":"http://127.0.0.1:4010"}`).
   * A deployment leaves it unset: each connector then talks to its provider's test or live host,
   * as the tenant's connector mode says. Never tenant-controlled: credentials cannot be sent elsewhere.
   */
  PAYOUTS_CONNECTOR_BASE_URLS: z.optional(
    z.pipe(
      z.string(),
      z.transform((text, context) => {
        try {
          const parsed = JSON.parse(text) as unknown;
          if (
            parsed &&
            typeof parsed === 'object' &&
            Object.values(parsed).every((url) => typeof url === 'string')
          )
            return parsed as Record<string, string>;
        } catch {
          // reported below
        }
        context.issues.push({
          code: 'custom',
          message: 'must be a JSON object of connector name → URL',
          input: text,
        });
        return z.NEVER;
      }),
    ),
  ),
  /** How long one call to a provider may take before its outcome counts as unknown (ms). */
  PAYOUTS_CONNECTOR_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 10_000),
  /** How long one execution attempt owns a payout; must exceed the executor's timeout. */
  PAYOUTS_EXECUTION_LEASE_SECONDS: z._default(z.coerce.number().check(z.positive()), 30),
  /**
   * URL schemes webhook endpoints may use when deployed: `https` (the default), or `https,http` for
   * a test account whose receivers have no certificate. Private addresses stay refused either way.
   */
  PAYOUTS_WEBHOOK_SCHEMES: z._default(z.enum(['https', 'https,http']), 'https'),
  /**
   * Which events the relay puts on the platform's bus (D80): `routed` (the default) only those a
   * platform rule routes (execution, approvals, reports, batches, reconciliation); `all` every event,
   * for an operator's own rules on the bus ($1 per million events more for each). Webhooks are
   * offered their events through the fan-out queue either way.
   */
  PAYOUTS_BUS_EVENTS: z._default(z.enum(['routed', 'all']), 'routed'),
  /** Seconds between webhook attempts, comma-separated (tests compress it); default: the contract's. */
  PAYOUTS_WEBHOOK_RETRY_SCHEDULE: z.optional(z.string()),
  /** The webhook delivery queue (fan-out and recovery send to it). */
  PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY: z.optional(z.string()),
  PAYOUTS_QUEUE_URL_EXECUTION: z.optional(z.string()),
  /** The private bucket of manual payout attachments (portal). */
  PAYOUTS_ATTACHMENTS_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** The private bucket of payout reports (CSV exports). */
  PAYOUTS_REPORTS_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** The private bucket integrators drop payroll files into (a tenant's files under its prefix). */
  PAYOUTS_INBOUND_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** The private bucket of SEPA files: pain.001 out, the bank's pain.002 and camt in (D72). */
  PAYOUTS_BANK_FILES_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** The KMS key that seals webhook signing secrets (set on the functions that seal or open them). */
  PAYOUTS_SECRETS_KEY_ID: z.optional(z.string().check(z.minLength(1))),
  /** The Cognito user pool of the portal's team (the local identity provider's pool locally). */
  PAYOUTS_USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
  /** The approval workflow's state machine (Step Functions in AWS, the local emulator locally). */
  PAYOUTS_APPROVAL_STATE_MACHINE_ARN: z.optional(z.string()),
  /** Tests only: every approval waits this many seconds instead of until the payout's expiry. */
  PAYOUTS_APPROVAL_TIMEOUT_SECONDS: z.optional(z.coerce.number().check(z.int(), z.positive())),
  /**
   * The outbox sweeper re-drives an open payout that has not changed for this long (seconds): longer
   * than any step normally takes, shorter than anyone should wait. Tests compress it.
   */
  PAYOUTS_OUTBOX_STALE_SECONDS: z._default(z.coerce.number().check(z.positive()), 900),
  /** How often the outbox recovery runs (seconds): a replay that failed waits for the next run. */
  PAYOUTS_OUTBOX_RECOVERY_SECONDS: z._default(z.coerce.number().check(z.positive()), 300),
  /** The relay's on-failure queue (the stream DLQ) the outbox recovery replays. */
  PAYOUTS_STREAM_DLQ_URL: z.optional(z.string().check(z.minLength(1))),
  /** Chaos runs only (`npm run chaos`): see createSandboxProvider. Never set in a deployment. */
  PAYOUTS_SANDBOX_CHAOS_CRASH_RATE: z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 0),
  /**
   * Chaos runs and tests only: a sandbox provider outage, `<from ms>-<until ms>[-<Retry-After s>]`
   * (epoch milliseconds; with a Retry-After the sandbox answers 429, else 503). Never set in a deployment.
   */
  PAYOUTS_SANDBOX_CHAOS_OUTAGE: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d+-\d+(-\d+)?$/)),
      z.transform((text) => {
        const [fromMs = 0, untilMs = 0, retryAfterSeconds] = text.split('-').map(Number);
        return { fromMs, untilMs, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
      }),
    ),
  ),
});

export type Config = z.infer<typeof environment>;

/**
 * The names resources have on a developer's machine (`npm start`). Only there do they stand in for a
 * missing binding: in AWS a function whose binding is missing fails at cold start (see `binding`),
 * instead of sending money events to a bus or bucket that happens to have the local name.
 */
export const LOCAL_NAMES = {
  PAYOUTS_EVENT_BUS_NAME: 'payouts',
  PAYOUTS_ATTACHMENTS_BUCKET: 'payouts-attachments',
  PAYOUTS_REPORTS_BUCKET: 'payouts-reports',
  PAYOUTS_INBOUND_BUCKET: 'payouts-inbound',
  PAYOUTS_BANK_FILES_BUCKET: 'payouts-bank-files',
  PAYOUTS_USER_POOL_ID: 'local_pool',
} as const;

/** A resource binding the stack sets on the functions that use it: its value, or an error naming it. */
export function binding(config: Config, name: keyof typeof LOCAL_NAMES): string {
  const value = config[name];
  if (!value)
    throw new Error(
      `${name} is not set: the stack binds it to every function that uses it (shared/topology.ts)`,
    );
  return value;
}

/** Reads and validates the environment once, at cold start; every problem is reported at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const local = env.PAYOUTS_STAGE === 'local';
  const parsed = environment.safeParse(local ? { ...LOCAL_NAMES, ...env } : env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** Queue URL variable of a topology queue: `webhook-delivery` → `PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY`. */
export function queueUrlVariable(queueName: QueueName | DeadLetterQueueName): string {
  return `PAYOUTS_QUEUE_URL_${queueName.toUpperCase().replace(/-/g, '_')}`;
}

/** ARN variable of a queue, set on its consumer: a function fed by several queues tells them apart. */
export function queueArnVariable(queueName: QueueName): string {
  return `PAYOUTS_QUEUE_ARN_${queueName.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * The URL (or ARN) of a topology queue the stack binds to this function (`sendsTo`, or its event
 * source): its value, or an error at cold start naming the variable — never a send to `undefined`.
 */
export function queueBinding(
  kind: 'url' | 'arn',
  queueName: QueueName,
  env: NodeJS.ProcessEnv = process.env,
) {
  const variable = kind === 'url' ? queueUrlVariable(queueName) : queueArnVariable(queueName);
  const value = env[variable];
  if (!value)
    throw new Error(
      `${variable} is not set: the stack binds it to every function that uses it (shared/topology.ts)`,
    );
  return value;
}

/**
 * Webhook URLs: https only (unless the deployment allows http) and no loopback in AWS; loopback
 * (and http) allowed locally for demos.
 */
export function webhookUrlPolicy(config: Pick<Config, 'PAYOUTS_STAGE' | 'PAYOUTS_WEBHOOK_SCHEMES'>) {
  const local = config.PAYOUTS_STAGE === 'local';
  return { requireHttps: !local && config.PAYOUTS_WEBHOOK_SCHEMES === 'https', allowLoopback: local };
}
