import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSHandler, SQSRecord } from 'aws-lambda';
import { batchesFromEnvironment } from '../../shared/adapters/batch-wiring.js';
import { logger } from '../../shared/http/logger.js';

const batches = batchesFromEnvironment();
const processor = new BatchProcessor(EventType.SQS);

/** `payout_batch.expansion_requested` (EventBridge → SQS) → the chunk's payouts, written once. */
async function expandOne(record: SQSRecord): Promise<void> {
  const { detail } = JSON.parse(record.body) as {
    detail: { tenant_id: string; data: { object: { id: string; chunk: number } } };
  };
  const { id, chunk } = detail.data.object;
  const result = await batches.expandChunk(detail.tenant_id, id, chunk);
  logger.info('batch chunk expanded', { batchId: id, chunk, ...result });
}

export const handler: SQSHandler = (event, context) =>
  processPartialResponse(event, expandOne, processor, { context });
