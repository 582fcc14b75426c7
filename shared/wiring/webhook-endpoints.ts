import { builtOnFirstCall } from '../adapters/built-on-first-call.js';
import { createDynamoAuditLog } from '../adapters/dynamodb/audit-log.js';
import { type Table, tableOf } from '../adapters/dynamodb/client.js';
import type { DynamoAdapters } from '../adapters/dynamodb/index.js';
import { createDynamoWebhookStore } from '../adapters/dynamodb/webhook-store.js';
import { createKmsSecretSealer } from '../adapters/kms-secret-sealer.js';
import { loadConfig, webhookUrlPolicy } from '../config.js';
import { webhookEndpointsUseCase } from '../use-cases/webhook-endpoints.js';

/**
 * The webhook endpoints use case as every endpoint route's function wires it (once, at cold start);
 * a function that already has the table's adapters passes them.
 */
export function webhookEndpointsFromEnvironment(adapters?: Pick<DynamoAdapters, 'webhooks' | 'audit'>) {
  const config = loadConfig();
  const queueUrl = config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY;
  const { webhooks, audit } = adapters ?? endpointStores(tableOf(config));
  return webhookEndpointsUseCase({
    webhooks,
    audit,
    // Only redelivery enqueues: the SQS client is loaded by the first request that does (issue 23).
    queue: queueUrl
      ? builtOnFirstCall({ enqueue: true }, () =>
          import('../adapters/sqs-delivery-queue.js').then((queue) =>
            queue.createSqsDeliveryQueue({ queueUrl }),
          ),
        )
      : undefined,
    policy: webhookUrlPolicy(config),
    sealer: createKmsSecretSealer({ keyId: config.PAYOUTS_SECRETS_KEY_ID }),
  });
}

/** Only the stores the endpoint routes use: the webhook functions do not bundle the others. */
function endpointStores(table: Table) {
  return { webhooks: createDynamoWebhookStore(table), audit: createDynamoAuditLog(table) };
}
