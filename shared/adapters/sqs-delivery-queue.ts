import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../ports/webhook-store.js';

/** SendMessageBatch takes 10 messages per call. */
const BATCH = 10;

/** The webhook delivery queue. A partly failed batch throws: the caller's message is retried. */
export function createSqsDeliveryQueue(deps: { queueUrl: string; client?: SQSClient }): DeliveryQueue {
  const client = deps.client ?? new SQSClient({});
  return {
    async enqueue(messages) {
      for (let offset = 0; offset < messages.length; offset += BATCH) {
        const batch = messages.slice(offset, offset + BATCH);
        const result = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: deps.queueUrl,
            Entries: batch.map((message, index) => ({
              Id: String(index),
              MessageBody: JSON.stringify(message),
            })),
          }),
        );
        if ((result.Failed ?? []).length > 0) {
          throw new Error(`SQS refused ${result.Failed?.length} of ${batch.length} webhook deliveries`);
        }
      }
    },
  };
}
