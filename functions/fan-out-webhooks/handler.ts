import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { createSqsDeliveryQueue } from '../../shared/adapters/sqs-delivery-queue.js';
import { loadConfig } from '../../shared/config.js';
import type { EventResource } from '../../shared/ports/event-store.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { fanOutWebhooksUseCase } from '../../shared/use-cases/deliver-webhooks.js';

const config = loadConfig();
if (!config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY)
  throw new Error('PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY is not set');
const fanOut = fanOutWebhooksUseCase({
  webhooks: createDynamoAdapters(config).webhooks,
  queue: createSqsDeliveryQueue({ queueUrl: config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY }),
});

/** Payout events (EventBridge envelopes) → one delivery message per endpoint that wants them. */
export const handler = sqsBatchHandler(async (record) => {
  const { detail } = JSON.parse(record.body) as { detail: EventResource & { tenant_id: string } };
  const { tenant_id: tenantId, ...event } = detail;
  await fanOut(tenantId, event);
});
