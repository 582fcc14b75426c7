import type { DynamoDBStreamEvent } from 'aws-lambda';
import { relayBatchOf } from '../../shared/adapters/dynamodb/stream-changes.js';
import { logger } from '../../shared/http/logger.js';
import { relayFromEnvironment } from '../../shared/wiring/relay.js';

const relay = relayFromEnvironment();

/**
 * Table stream → events feed + EventBridge, audit entries, approval resumes, batch counters. A
 * failure throws, so the batch is delivered again (bisected, in AWS) until it passes or goes to the
 * stream's DLQ, from which the outbox recovery replays it; every step is idempotent.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const events = await relay(relayBatchOf(event.Records));
  if (events.length > 0)
    logger.info('Relayed events', { records: event.Records.length, events: events.length });
}
