import { outboxRecoveryFromEnvironment } from '../../shared/adapters/outbox-wiring.js';
import { logger } from '../../shared/http/logger.js';

const recover = outboxRecoveryFromEnvironment();

/**
 * Every few minutes (the scheduler): replays what the relay gave up on and re-drives open payouts
 * whose next step was lost (shared/use-cases/outbox-recovery.ts). A run that finds work logs it at
 * ERROR: something was lost on the way and an operator should know (the alarm counts these lines).
 */
export async function handler(): Promise<void> {
  const report = await recover();
  const found = report.replayed + report.expired + report.replayFailed + report.stale + report.redriveFailed;
  if (found > 0) logger.error('Outbox recovery found lost work', { ...report });
  else logger.info('Outbox recovery: nothing lost', { ...report });
}
