import type { SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { reconciliationWorkerFromEnvironment } from '../../shared/wiring/reconciliation-worker.js';

const reconciliation = reconciliationWorkerFromEnvironment();
/**
 * Attempts before the run is marked failed. A provider outage lasts hours: the queue's backoff spreads
 * the three attempts over them, and a failed run says why (finance requests it again).
 */
const MAX_ATTEMPTS = 3;
const GAVE_UP =
  'The reconciliation failed repeatedly (the provider or the platform was unavailable); request it again.';

/** `reconciliation_run.requested` (EventBridge → SQS) → the day compared, the run completed. */
async function runOne(record: SQSRecord): Promise<void> {
  const { detail } = JSON.parse(record.body) as {
    detail: { tenant_id: string; data: { object: { id: string } } };
  };
  // Nothing in the message is trusted but the ids: the run is re-read from the table.
  const runId = detail.data.object.id;
  const attempt = Number(record.attributes.ApproximateReceiveCount);
  if (attempt > MAX_ATTEMPTS) {
    logger.error('reconciliation failed: out of attempts', { runId, attempt });
    await reconciliation.fail(detail.tenant_id, runId, GAVE_UP);
    return;
  }
  try {
    const run = await reconciliation.run(detail.tenant_id, runId);
    logger.info('reconciliation run completed', {
      runId,
      connector: run.connector,
      date: run.date,
      counts: run.counts,
      memoryMb: Math.round(process.memoryUsage().rss / 1e6),
    });
    // The alarm on differences (infra monitoring: ReconciliationDifferences) counts these lines.
    if ((run.differences ?? 0) > 0)
      logger.warn('Reconciliation found differences', {
        runId,
        connector: run.connector,
        date: run.date,
        differences: run.differences,
      });
  } catch (error) {
    if (attempt < MAX_ATTEMPTS) throw error;
    logger.error('reconciliation failed', { runId, error });
    await reconciliation.fail(detail.tenant_id, runId, GAVE_UP);
  }
}

export const handler = sqsBatchHandler(runOne);
