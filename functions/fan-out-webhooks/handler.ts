import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoEventStore } from '../../shared/adapters/dynamodb/event-store.js';
import { createDynamoWebhookStore } from '../../shared/adapters/dynamodb/webhook-store.js';
import { createSqsDeliveryQueue } from '../../shared/adapters/sqs-delivery-queue.js';
import { loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { fanOutWebhooksUseCase, UnknownEventError } from '../../shared/use-cases/deliver-webhooks.js';

const config = loadConfig();
if (!config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY)
  throw new Error('PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY is not set');
const table = tableOf(config);
const fanOut = fanOutWebhooksUseCase({
  webhooks: createDynamoWebhookStore(table),
  events: createDynamoEventStore(table),
  queue: createSqsDeliveryQueue({ queueUrl: config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY }),
});

/**
 * Payout events (EventBridge envelopes) → one delivery message per endpoint that wants them. Only the
 * envelope's tenant and event id are read; the event itself comes from the tenant's feed. An event the
 * feed does not hold (forged on the bus) is refused with an ERROR line (the FanOutRefusedEvents alarm)
 * and acknowledged: it is never delivered, however often it is sent.
 */
export const handler = sqsBatchHandler(async (record) => {
  const { detail } = JSON.parse(record.body) as { detail?: { tenant_id?: unknown; id?: unknown } };
  const tenantId = typeof detail?.tenant_id === 'string' ? detail.tenant_id : '';
  const eventId = typeof detail?.id === 'string' ? detail.id : '';
  try {
    await fanOut(tenantId, eventId);
  } catch (error) {
    if (!(error instanceof UnknownEventError)) throw error;
    logger.error('Refused an event the feed does not hold (forged or unknown): no webhook sent', {
      tenantId,
      eventId,
      messageId: record.messageId,
    });
  }
});
