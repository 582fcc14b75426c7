import { logger } from '../../shared/http/logger.js';
import type { RecoveryReport } from '../../shared/use-cases/outbox-recovery.js';
import { outboxRecoveryFromEnvironment } from '../../shared/wiring/outbox-recovery.js';

const recover = outboxRecoveryFromEnvironment();

/**
 * Every few minutes (the scheduler): replays what the relay gave up on and re-drives open payouts
 * whose next step was lost (shared/use-cases/outbox-recovery.ts). A run that finds work logs it at
 * ERROR: something was lost on the way and an operator should know (the alarm counts these lines).
 */
export async function handler(event?: { staleSeconds?: unknown }): Promise<RecoveryReport> {
  // An operator's `outbox replay --older-than` (a Lambda Invoke) may narrow the bound; the schedule does not.
  const asked = Number(event?.staleSeconds);
  const report = await recover(Number.isFinite(asked) && asked > 0 ? { staleSeconds: asked } : {});
  // Payouts still waiting out their backoff (counted in `stale`) are not news: only work done is.
  const found =
    report.replayed +
    report.expired +
    report.replayFailed +
    report.redriven.execution +
    report.redriven.approval +
    report.redriveFailed;
  if (found > 0) logger.error('Outbox recovery found lost work', { ...report });
  else logger.info('Outbox recovery: nothing lost', { ...report });
  return report;
}
