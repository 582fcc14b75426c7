import { SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../ports/webhook-store.js';
import { sendInBatches } from './sqs-batch.js';

/** The webhook delivery queue. A partly failed batch throws: the caller's message is retried. */
export function createSqsDeliveryQueue(deps: { queueUrl: string; client?: SQSClient }): DeliveryQueue {
  const client = deps.client ?? new SQSClient({});
  return {
    enqueue: (messages) => sendInBatches(client, deps.queueUrl, messages, 'webhook deliveries'),
  };
}
