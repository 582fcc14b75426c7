import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SendMessageBatch takes 10 messages per call. */
const BATCH = 10;

/**
 * Sends message bodies to a queue, ten per SendMessageBatch. A partly failed batch throws (naming
 * `what`), so the caller's own message or stream batch is retried; consumers dedupe by id.
 */
export async function sendInBatches(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly unknown[],
  what: string,
): Promise<void> {
  for (let offset = 0; offset < bodies.length; offset += BATCH) {
    const batch = bodies.slice(offset, offset + BATCH);
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: JSON.stringify(body) })),
      }),
    );
    if ((result.Failed ?? []).length > 0)
      throw new Error(`SQS refused ${result.Failed?.length} of ${batch.length} ${what}`);
  }
}
