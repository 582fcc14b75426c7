import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { StreamDeadLetters, StreamRange } from '../ports/outbox.js';

/** The on-failure record Lambda writes for a stream batch it gave up on (the part we read). */
interface OnFailureRecord {
  DDBStreamBatchInfo?: Partial<StreamRange>;
}

function rangeOf(body: string | undefined): StreamRange | undefined {
  try {
    const info = (JSON.parse(body ?? '') as OnFailureRecord).DDBStreamBatchInfo;
    if (info?.streamArn && info.shardId && info.startSequenceNumber && info.endSequenceNumber)
      return {
        streamArn: info.streamArn,
        shardId: info.shardId,
        startSequenceNumber: info.startSequenceNumber,
        endSequenceNumber: info.endSequenceNumber,
      };
  } catch {
    // not JSON: no range
  }
  return undefined;
}

/** The relay mapping's on-failure queue (Lambda writes one message per abandoned batch). */
export function createSqsStreamDeadLetters(deps: {
  queueUrl: string;
  client?: SQSClient;
}): StreamDeadLetters {
  const client = deps.client ?? new SQSClient({});
  return {
    async receive(max) {
      const { Messages } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: deps.queueUrl,
          MaxNumberOfMessages: Math.min(10, max),
          WaitTimeSeconds: 0,
        }),
      );
      return (Messages ?? []).map((message) => ({
        receipt: message.ReceiptHandle ?? '',
        range: rangeOf(message.Body),
      }));
    },
    async postpone(receipt, seconds) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: deps.queueUrl,
          ReceiptHandle: receipt,
          VisibilityTimeout: seconds,
        }),
      );
    },
    async delete(receipt) {
      await client.send(new DeleteMessageCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: receipt }));
    },
  };
}
