import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../http/logger.js';

export interface Backoff {
  baseSeconds: number;
  capSeconds: number;
}

/** Capped exponential backoff with full jitter, from the message's receive count (1, 2, 3…). */
export function backoffSeconds(
  receiveCount: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.capSeconds, backoff.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  return Math.max(1, Math.round(random() * ceiling));
}

/** `arn:aws:sqs:region:account:name` → the queue URL the SDK resolves against its SQS endpoint. */
function queueUrlOf(record: SQSRecord, endpoint: string | undefined): string {
  const [, , , region, account, name] = record.eventSourceARN.split(':');
  const base = endpoint ?? `https://sqs.${region}.amazonaws.com`;
  return `${base.replace(/\/$/, '')}/${account}/${name}`;
}

/**
 * An SQS-triggered Lambda handler that processes records one by one (Powertools batch), reports the
 * failed ones (`reportBatchItemFailures`), and delays each failed record's next delivery by a capped,
 * jittered exponential backoff (ChangeMessageVisibility). This is the only retry layer: handlers
 * never retry or sleep themselves.
 */
export function sqsBatchHandler(
  recordHandler: (record: SQSRecord) => Promise<void>,
  options: {
    backoff: Backoff;
    sqs?: SQSClient;
    /** A delay the failure itself asks for (a webhook's retry schedule), instead of the backoff. */
    delayOf?: (error: unknown) => number | undefined;
  },
) {
  const sqs = options.sqs ?? new SQSClient({});
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const requested = new Map<string, number>();
    const handle = async (record: SQSRecord) => {
      try {
        await recordHandler(record);
      } catch (error) {
        const delay = options.delayOf?.(error);
        if (delay !== undefined) requested.set(record.messageId, delay);
        // A delay the failure asked for is the plan (a webhook's retry schedule); anything else is
        // an error worth an alarm (the ERROR level is what the executor's alarm counts).
        else
          logger.error('Message failed; it is retried after a backoff', {
            messageId: record.messageId,
            receiveCount: Number(record.attributes.ApproximateReceiveCount),
            error: error as Error,
          });
        throw error;
      }
    };
    const response = await processPartialResponse(event, handle, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    await Promise.all(
      response.batchItemFailures.map(async ({ itemIdentifier }) => {
        const record = event.Records.find((candidate) => candidate.messageId === itemIdentifier);
        if (!record) return;
        // SQS visibility timeouts stop at 12 hours.
        const delay = Math.min(
          12 * 3600,
          requested.get(record.messageId) ??
            backoffSeconds(Number(record.attributes.ApproximateReceiveCount), options.backoff),
        );
        try {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrlOf(record, endpoint),
              ReceiptHandle: record.receiptHandle,
              VisibilityTimeout: delay,
            }),
          );
        } catch (error) {
          // The message still comes back after the queue's visibility timeout: only the backoff is lost.
          logger.warn('Could not delay a failed message', {
            messageId: record.messageId,
            error: error as Error,
          });
        }
      }),
    );
    return response;
  };
}
