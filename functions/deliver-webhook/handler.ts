import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoEventStore } from '../../shared/adapters/dynamodb/event-store.js';
import { createDynamoWebhookStore } from '../../shared/adapters/dynamodb/webhook-store.js';
import { createHttpWebhookSender } from '../../shared/adapters/http-webhook-sender.js';
import { createKmsSecretSealer } from '../../shared/adapters/kms-secret-sealer.js';
import { createSqsDeliveryQueue } from '../../shared/adapters/sqs-delivery-queue.js';
import { loadConfig, webhookUrlPolicy } from '../../shared/config.js';
import { RetryLaterError } from '../../shared/domain/errors.js';
import { parseRetrySchedule } from '../../shared/domain/webhooks.js';
import { logger } from '../../shared/http/logger.js';
import { recordWebhookAttempt } from '../../shared/observability/metrics.js';
import type { DeliveryMessage, RecoveryJobMessage } from '../../shared/ports/webhook-store.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { deliverWebhookUseCase } from '../../shared/use-cases/deliver-webhooks.js';
import { runRecoverySlice } from '../../shared/use-cases/webhook-endpoints.js';

const config = loadConfig();
// Only the two stores it uses (not createDynamoAdapters): the bundle stays inside its 200 KB budget.
const tables = { client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME };
const adapters = { events: createDynamoEventStore(tables), webhooks: createDynamoWebhookStore(tables) };
const deliver = deliverWebhookUseCase({
  events: adapters.events,
  webhooks: adapters.webhooks,
  sender: createHttpWebhookSender(webhookUrlPolicy(config)),
  schedule: parseRetrySchedule(config.PAYOUTS_WEBHOOK_RETRY_SCHEDULE),
  sealer: createKmsSecretSealer({ keyId: config.PAYOUTS_SECRETS_KEY_ID }),
});

if (!config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY)
  throw new Error('PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY is not set');
const queue = createSqsDeliveryQueue({ queueUrl: config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY });

/**
 * One delivery attempt per message; a failed one comes back on the webhook retry schedule. A
 * recovery job's message is one slice of a background recovery (it queues the next slice itself).
 */
export const handler = sqsBatchHandler(async (record) => {
  const message = JSON.parse(record.body) as DeliveryMessage | RecoveryJobMessage;
  if ('job' in message) {
    const sent = await runRecoverySlice({ webhooks: adapters.webhooks, queue }, message);
    logger.info('Webhook recovery slice', { endpointId: message.endpoint_id, sent });
    return;
  }
  let result: Awaited<ReturnType<typeof deliver>>;
  try {
    result = await deliver(message);
  } catch (error) {
    // A failed attempt comes back on the schedule; our own failure (no attempt made) is not counted.
    if (error instanceof RetryLaterError) recordWebhookAttempt(message.endpoint_id, true);
    throw error;
  }
  if (result === 'succeeded' || result === 'failed')
    recordWebhookAttempt(message.endpoint_id, result === 'failed');
  logger.info('Webhook delivery', { deliveryId: message.delivery_id, result });
});
