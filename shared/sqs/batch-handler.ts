import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadedOnce } from '../adapters/built-on-first-call.js';
import { RetryLaterError } from '../domain/errors.js';
import { logger } from '../http/logger.js';

export interface Backoff {
  baseSeconds: number;
  capSeconds: number;
}

/**
 * The retry backoff of every queue consumer: from the environment (tests and chaos runs compress
 * time), by default 2 s doubling up to 30 minutes. With the queues' receive counts (topology) that
 * keeps a message retrying for more than a day before its DLQ: provider and AWS outages last hours.
 */
export function retryBackoff(env: NodeJS.ProcessEnv = process.env): Backoff {
  const read = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    baseSeconds: read('PAYOUTS_RETRY_BASE_SECONDS', DEFAULT_BACKOFF.baseSeconds),
    capSeconds: read('PAYOUTS_RETRY_CAP_SECONDS', DEFAULT_BACKOFF.capSeconds),
  };
}

export const DEFAULT_BACKOFF: Backoff = { baseSeconds: 2, capSeconds: 1800 };

/**
 * A message's visibility may not reach past 12 hours from its receipt (SQS refuses the call); the
 * handler may have run up to 15 minutes since, so a delay stops short of that.
 */
export const MAX_DELAY_SECONDS = 12 * 3600 - 15 * 60;

/**
 * Capped exponential backoff with "equal jitter", from the message's receive count (1, 2, 3…): at
 * least half the step, so a number of receives guarantees a retry span (see guaranteedRetrySeconds),
 * and spread over the other half so a crowd of failed messages does not come back at once.
 */
export function backoffSeconds(
  receiveCount: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.capSeconds, backoff.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.round(ceiling / 2 + (random() * ceiling) / 2)));
}

/** The shortest time a message keeps being retried before `maxReceiveCount` moves it to its DLQ. */
export function guaranteedRetrySeconds(maxReceiveCount: number, backoff: Backoff): number {
  let total = 0;
  for (let receive = 1; receive < maxReceiveCount; receive++)
    total += backoffSeconds(receive, backoff, () => 0);
  return total;
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
 * jittered exponential backoff (ChangeMessageVisibility), or by the delay a {@link RetryLaterError}
 * asks for. This is the only retry layer: handlers never retry or sleep themselves.
 *
 * The SQS client that delays failed records is built by the first failure (D82): a consumer that
 * sends nothing to SQS itself (the executor, the approvals, the report and reconciliation workers)
 * does not load it on every cold start for the rare batch with a failure.
 */
export function sqsBatchHandler(
  recordHandler: (record: SQSRecord) => Promise<void>,
  options: {
    /** Default: {@link retryBackoff} from the environment. */
    backoff?: Backoff;
    sqs?: SQSClient;
  } = {},
) {
  const backoff = options.backoff ?? retryBackoff();
  const delayer = loadedOnce(() =>
    import('./sqs-sdk.js').then((sdk) => ({ sdk, client: options.sqs ?? new sdk.SQSClient({}) })),
  );
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const requested = new Map<string, number>();
    const handle = async (record: SQSRecord) => {
      try {
        await recordHandler(record);
      } catch (error) {
        // A delay the failure asked for is the plan (a webhook's retry schedule, a provider's
        // Retry-After); anything else is an error worth an alarm (the executor's alarm counts ERRORs).
        if (error instanceof RetryLaterError) requested.set(record.messageId, error.seconds);
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
        const delay = Math.min(
          MAX_DELAY_SECONDS,
          requested.get(record.messageId) ??
            backoffSeconds(Number(record.attributes.ApproximateReceiveCount), backoff),
        );
        try {
          const { client, sdk } = await delayer();
          await client.send(
            new sdk.ChangeMessageVisibilityCommand({
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
