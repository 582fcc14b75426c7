import { tableOf } from '../adapters/dynamodb/client.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { relayBatchOf } from '../adapters/dynamodb/stream-changes.js';
import { createDynamoSweepMarks } from '../adapters/dynamodb/sweep-marks.js';
import { createDynamoStreamReader } from '../adapters/dynamodb-stream-reader.js';
import { createSqsStreamDeadLetters } from '../adapters/sqs-stream-dead-letters.js';
import { loadConfig } from '../config.js';
import { logger } from '../http/logger.js';
import { retryBackoff } from '../sqs/batch-handler.js';
import { outboxRecoveryUseCase } from '../use-cases/outbox-recovery.js';
import { publisherFromEnvironment, relayFromEnvironment } from './relay.js';

/**
 * The outbox recovery as the scheduled function and the operators' CLI wire it: the stream's DLQ,
 * the stream itself, the relay, the open payouts index and the platform's bus of this environment.
 */
export function outboxRecoveryFromEnvironment(
  options: { staleSeconds?: number; log?: (message: string, details: Record<string, unknown>) => void } = {},
) {
  const config = loadConfig();
  if (!config.PAYOUTS_STREAM_DLQ_URL) throw new Error('PAYOUTS_STREAM_DLQ_URL is not set');
  const table = tableOf(config);
  const payouts = createDynamoPayoutRepository(table);
  // One publisher (its EventBridge and SQS clients) for the replayed batches and the sweeper's requests.
  const publisher = publisherFromEnvironment();
  const relay = relayFromEnvironment(table, publisher);
  return outboxRecoveryUseCase({
    deadLetters: createSqsStreamDeadLetters({ queueUrl: config.PAYOUTS_STREAM_DLQ_URL }),
    stream: createDynamoStreamReader(),
    relayRecords: (records) => relay(relayBatchOf(records)),
    openPayouts: (createdBefore) => payouts.openPayouts(createdBefore),
    getPayout: (tenantId, payoutId) => payouts.get(tenantId, payoutId),
    marks: createDynamoSweepMarks(table),
    publisher,
    staleSeconds: options.staleSeconds ?? config.PAYOUTS_OUTBOX_STALE_SECONDS,
    // Hidden until shortly before the next scheduled run.
    replayRetrySeconds: Math.max(1, Math.round(config.PAYOUTS_OUTBOX_RECOVERY_SECONDS * 0.8)),
    processingStaleSeconds: 2 * retryBackoff().capSeconds,
    log: options.log ?? ((message, details) => logger.warn(message, details)),
  });
}
