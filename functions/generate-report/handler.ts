import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSHandler, SQSRecord } from 'aws-lambda';
import { reportsFromEnvironment } from '../../shared/adapters/report-wiring.js';
import { logger } from '../../shared/http/logger.js';

const reports = reportsFromEnvironment();
const processor = new BatchProcessor(EventType.SQS);
/** After this many receives the report is marked failed instead of retried again. */
const MAX_RECEIVES = 3;

/** `report.requested` (EventBridge → SQS) → the CSV streamed to S3, the report marked ready. */
async function generateOne(record: SQSRecord): Promise<void> {
  const { detail } = JSON.parse(record.body) as {
    detail: { tenant_id: string; data: { object: { id: string } } };
  };
  const reportId = detail.data.object.id;
  try {
    const report = await reports.generate(detail.tenant_id, reportId);
    logger.info('report generated', {
      reportId,
      rows: report.rows,
      memoryMb: Math.round(process.memoryUsage().rss / 1e6),
    });
  } catch (error) {
    if (Number(record.attributes.ApproximateReceiveCount) < MAX_RECEIVES) throw error;
    logger.error('report failed', { reportId, error });
    await reports.fail(
      detail.tenant_id,
      reportId,
      'The export failed repeatedly; request it again or contact the operators.',
    );
  }
}

export const handler: SQSHandler = (event, context) =>
  processPartialResponse(event, generateOne, processor, { context });
