import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../use-cases/inbound-payouts.js';

/** Refused inbound requests, sent to the rejections queue with their reason (routine, not a DLQ). */
export function createSqsDeadLetters(deps: { queueUrl: string; client?: SQSClient }): DeadLetters {
  const client = deps.client ?? new SQSClient({});
  return {
    async send(body) {
      await client.send(new SendMessageCommand({ QueueUrl: deps.queueUrl, MessageBody: body }));
    },
  };
}
