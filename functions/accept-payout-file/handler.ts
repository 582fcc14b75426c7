import type { S3Event } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoInboundStore } from '../../shared/adapters/dynamodb/inbound-store.js';
import { createS3InboundFiles } from '../../shared/adapters/s3-inbound-files.js';
import { createSqsDeadLetters } from '../../shared/adapters/sqs-dead-letters.js';
import { binding, loadConfig, queueBinding } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { REJECTION_QUEUE } from '../../shared/topology-constants.js';
import { payoutBatchesUseCase } from '../../shared/use-cases/payout-batches.js';
import { payoutFilesUseCase } from '../../shared/use-cases/payout-files.js';
import { batchStores } from '../../shared/wiring/batches.js';

const config = loadConfig();
// One document client for every store this function uses.
const deps = { client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME };
const stores = batchStores(deps);
const acceptFile = payoutFilesUseCase({
  inbound: createDynamoInboundStore(deps),
  batches: payoutBatchesUseCase(stores),
  payouts: stores.payouts,
  files: createS3InboundFiles({ bucket: binding(config, 'PAYOUTS_INBOUND_BUCKET') }),
  deadLetters: createSqsDeadLetters({ queueUrl: queueBinding('url', REJECTION_QUEUE) }),
});

/** S3 writes object keys URL-encoded, with `+` for a space, in its event notifications. */
const keyOf = (encoded: string) => decodeURIComponent(encoded.replace(/\+/g, ' '));

/** New files in the inbound bucket (S3 event notifications, one per message) → payout batches. */
export const handler = sqsBatchHandler(async (record) => {
  // S3 sends `{"Event": "s3:TestEvent"}` once when the notification is configured: no records.
  const notification = JSON.parse(record.body) as Partial<S3Event>;
  for (const entry of notification.Records ?? []) {
    if (!entry.eventName.startsWith('ObjectCreated:')) continue;
    const file = {
      key: keyOf(entry.s3.object.key),
      size: entry.s3.object.size,
      etag: entry.s3.object.eTag ? `"${entry.s3.object.eTag.replace(/"/g, '')}"` : null,
    };
    const outcome = await acceptFile(file);
    logger.info('Inbound payroll file', { key: file.key, size: file.size, outcome });
  }
});
