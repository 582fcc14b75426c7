import * as z from 'zod';

const environment = z.object({
  PAYOUTS_TABLE_NAME: z.string().min(1),
  /** `local` relaxes what only makes sense on a developer machine (e.g. loopback webhooks). */
  PAYOUTS_STAGE: z.enum(['local', 'aws']).default('aws'),
  /** The platform's EventBridge bus (the outbox relay publishes to it). */
  PAYOUTS_EVENT_BUS_NAME: z.string().min(1).default('payouts'),
  /** The payout provider: `sandbox` (deterministic test outcomes) is the only one so far. */
  PAYOUTS_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  /** How long one execution attempt owns a payout; must exceed the executor's timeout. */
  PAYOUTS_EXECUTION_LEASE_SECONDS: z.coerce.number().positive().default(30),
  /** Retry backoff of failed queue messages: capped exponential with full jitter. */
  PAYOUTS_RETRY_BASE_SECONDS: z.coerce.number().positive().default(2),
  PAYOUTS_RETRY_CAP_SECONDS: z.coerce.number().positive().default(300),
  /** Chaos runs only (`npm run chaos`): see createSandboxProvider. Never set in a deployment. */
  PAYOUTS_SANDBOX_CHAOS_CRASH_RATE: z.coerce.number().min(0).max(1).default(0),
});

export type Config = z.infer<typeof environment>;

/** Reads and validates the environment once, at cold start; every problem is reported at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
