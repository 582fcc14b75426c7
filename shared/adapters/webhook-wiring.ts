import { loadConfig, webhookUrlPolicy } from '../config.js';
import { webhookEndpointsUseCase } from '../use-cases/webhook-endpoints.js';
import { createDynamoAdapters } from './dynamodb/index.js';
import { createKmsSecretSealer } from './kms-secret-sealer.js';
import { createSqsDeliveryQueue } from './sqs-delivery-queue.js';

/**
 * The webhook endpoints use case as every endpoint route's function wires it (once, at cold start);
 * a function that already has the table's adapters passes them.
 */
export function webhookEndpointsFromEnvironment(adapters?: ReturnType<typeof createDynamoAdapters>) {
  const config = loadConfig();
  const queueUrl = config.PAYOUTS_QUEUE_URL_WEBHOOK_DELIVERY;
  const { webhooks, audit } = adapters ?? createDynamoAdapters(config);
  return webhookEndpointsUseCase({
    webhooks,
    audit,
    queue: queueUrl ? createSqsDeliveryQueue({ queueUrl }) : undefined,
    policy: webhookUrlPolicy(config),
    sealer: createKmsSecretSealer({ keyId: config.PAYOUTS_SECRETS_KEY_ID }),
  });
}
