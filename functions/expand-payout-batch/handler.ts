import type { SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { batchesFromEnvironment } from '../../shared/wiring/batches.js';

const batches = batchesFromEnvironment();

/** `payout_batch.expansion_requested` (EventBridge → SQS) → the chunk's payouts, written once. */
async function expandOne(record: SQSRecord): Promise<void> {
  const { detail } = JSON.parse(record.body) as {
    detail: { tenant_id: string; data: { object: { id: string; chunk: number } } };
  };
  const { id, chunk } = detail.data.object;
  const result = await batches.expandChunk(detail.tenant_id, id, chunk);
  logger.info('batch chunk expanded', { batchId: id, chunk, ...result });
}

/** A failed chunk comes back with the platform's backoff (for more than a day), then its DLQ. */
export const handler = sqsBatchHandler(expandOne);
