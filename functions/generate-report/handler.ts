import type { SQSRecord } from 'aws-lambda';
import { createS3ReportFiles } from '../../shared/adapters/s3-report-files.js';
import { binding, loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { reportsFromEnvironment } from '../../shared/wiring/reports.js';

// Every message uploads a report: the S3 client is built at cold start, not on first call (D82).
const config = loadConfig();
const reports = reportsFromEnvironment({
  config,
  files: createS3ReportFiles({ bucket: binding(config, 'PAYOUTS_REPORTS_BUCKET') }),
});
/**
 * Attempts before the report is marked failed. A run that times out never reaches its own `catch`:
 * the next receive past the limit marks it failed instead of starting again, so a report never
 * stays `running` until its message reaches the DLQ.
 */
const MAX_ATTEMPTS = 3;
const GAVE_UP = 'The export failed repeatedly; request it again or contact the operators.';

/** `report.requested` (EventBridge → SQS) → the CSV streamed to S3, the report marked ready. */
async function generateOne(record: SQSRecord): Promise<void> {
  const { detail } = JSON.parse(record.body) as {
    detail: { tenant_id: string; data: { object: { id: string } } };
  };
  const reportId = detail.data.object.id;
  const attempt = Number(record.attributes.ApproximateReceiveCount);
  if (attempt > MAX_ATTEMPTS) {
    logger.error('report failed: out of attempts (an earlier run timed out or crashed)', {
      reportId,
      attempt,
    });
    await reports.fail(detail.tenant_id, reportId, GAVE_UP);
    return;
  }
  try {
    const report = await reports.generate(detail.tenant_id, reportId);
    logger.info('report generated', {
      reportId,
      rows: report.rows,
      memoryMb: Math.round(process.memoryUsage().rss / 1e6),
    });
  } catch (error) {
    if (attempt < MAX_ATTEMPTS) throw error;
    logger.error('report failed', { reportId, error });
    await reports.fail(detail.tenant_id, reportId, GAVE_UP);
  }
}

/** A failed run comes back after the platform's backoff (seconds, then minutes). */
export const handler = sqsBatchHandler(generateOne);
