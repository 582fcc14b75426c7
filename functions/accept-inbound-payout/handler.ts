import type { SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoInboundStore } from '../../shared/adapters/dynamodb/inbound-store.js';
import {
  createDynamoIdempotencyStore,
  createDynamoPayoutRepository,
} from '../../shared/adapters/dynamodb/payout-repository.js';
import { createDynamoTeamStore } from '../../shared/adapters/dynamodb/team-store.js';
import { createSqsDeadLetters } from '../../shared/adapters/sqs-dead-letters.js';
import { loadConfig, queueBinding } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { eventOrigin, senderOrigin } from '../../shared/ports/inbound-store.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { REJECTION_QUEUE } from '../../shared/topology-constants.js';
import { createPayoutUseCase } from '../../shared/use-cases/create-payout.js';
import { type InboundChannel, inboundPayoutsUseCase } from '../../shared/use-cases/inbound-payouts.js';
import { routerFromEnvironment } from '../../shared/wiring/routing.js';

const config = loadConfig();
// Only the stores this function uses: it stays within the bundle budget.
const deps = { client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME };
const inbound = createDynamoInboundStore(deps);
const deadLetters = createSqsDeadLetters({ queueUrl: queueBinding('url', REJECTION_QUEUE) });
/** Only EventBridge can send to the events queue (its rule is the queue's sender). */
const eventsQueueArn = queueBinding('arn', 'inbound-events');
const createPayout = createPayoutUseCase({
  payouts: createDynamoPayoutRepository(deps),
  idempotency: createDynamoIdempotencyStore(deps),
  team: createDynamoTeamStore(deps),
  route: routerFromEnvironment(deps),
});

/** Refused requests go to the rejections queue with their reason and channel (not to a DLQ: routine). */
const accepters = Object.fromEntries(
  (['inbound-events', 'inbound-requests'] as const).map((queue) => [
    queue,
    inboundPayoutsUseCase({ inbound, createPayout, deadLetters }),
  ]),
);

/** The request a record carries: an EventBridge event (its source routes it) or a queue message (its sender does). */
function requestOf(record: SQSRecord) {
  // Only there is the body an event whose `source` routes it.
  if (record.eventSourceARN === eventsQueueArn) {
    const event = JSON.parse(record.body) as { id: string; account: string; source: string; detail: unknown };
    return {
      queue: 'inbound-events',
      channel: 'eventbridge' as InboundChannel,
      // EventBridge sets `account`; `source` is whatever the sender wrote: both make the route.
      origin: eventOrigin(String(event.account), String(event.source)),
      messageId: event.id,
      body: event.detail,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = record.body;
  }
  return {
    queue: 'inbound-requests',
    channel: 'sqs' as InboundChannel,
    // SQS sets SenderId from the caller's credentials: it cannot be claimed in the message.
    origin: senderOrigin(record.attributes.SenderId),
    messageId: record.messageId,
    body,
  };
}

/** `Payout Requested` events and inbound queue messages → payouts (`source: "event"`), or rejections. */
export const handler = sqsBatchHandler(async (record) => {
  const { queue, ...request } = requestOf(record);
  const accept = accepters[queue];
  if (!accept) throw new Error(`no inbound channel for ${record.eventSourceARN}`);
  const outcome = await accept(request);
  logger.info('Inbound payout request', {
    channel: request.channel,
    origin: request.origin.value,
    outcome,
  });
});
