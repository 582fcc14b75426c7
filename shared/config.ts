import * as z from 'zod';

const environment = z.object({
  PAYOUTS_TABLE_NAME: z.string().min(1),
  /** `local` relaxes what only makes sense on a developer machine (e.g. loopback webhooks). */
  PAYOUTS_STAGE: z.enum(['local', 'aws']).default('aws'),
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
