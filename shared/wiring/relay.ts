import { createDynamoAuditLog } from '../adapters/dynamodb/audit-log.js';
import { createDynamoBatchStore } from '../adapters/dynamodb/batch-store.js';
import { type Table, tableOf } from '../adapters/dynamodb/client.js';
import { createDynamoEventStore } from '../adapters/dynamodb/event-store.js';
import { stripKeys } from '../adapters/dynamodb/keys.js';
import {
  createDynamoIdempotencyStore,
  createDynamoPayoutRepository,
} from '../adapters/dynamodb/payout-repository.js';
import { createDynamoTeamStore } from '../adapters/dynamodb/team-store.js';
import { createEventBridgePublisher } from '../adapters/eventbridge-publisher.js';
import { createSqsFanOutPublisher, routedPublisher } from '../adapters/sqs-fan-out-publisher.js';
import { binding, loadConfig, queueBinding } from '../config.js';
import type { EventPublisher } from '../ports/event-store.js';
import { BUS_ROUTED_TYPES, EVENT_SOURCE, WEBHOOK_FAN_OUT } from '../topology-constants.js';
import { payoutBatchesUseCase } from '../use-cases/payout-batches.js';
import { relayOutboxUseCase } from '../use-cases/relay-outbox.js';
import { approvalWorkflowOnFirstCall } from './approvals.js';

/**
 * Where the relay and the outbox recovery publish (D80): payout events straight to the webhook
 * fan-out queue, and to the bus what its rules route (every event with `PAYOUTS_BUS_EVENTS=all`).
 */
export function publisherFromEnvironment(): EventPublisher {
  const config = loadConfig();
  return routedPublisher({
    bus: createEventBridgePublisher({
      busName: binding(config, 'PAYOUTS_EVENT_BUS_NAME'),
      source: EVENT_SOURCE,
    }),
    fanOut: createSqsFanOutPublisher({
      queueUrl: queueBinding('url', WEBHOOK_FAN_OUT.queue),
      source: EVENT_SOURCE,
    }),
    offeredToWebhooks: WEBHOOK_FAN_OUT.offered,
    routedOnBus: (type) => BUS_ROUTED_TYPES.has(type),
    busEvents: config.PAYOUTS_BUS_EVENTS,
  });
}

/**
 * The outbox relay as its functions wire it (the stream consumer and the outbox recovery, which
 * passes the publisher it also uses itself), with only the stores it uses. The batches use case
 * only counts settled items here: it routes nothing.
 */
export function relayFromEnvironment(
  table: Table = tableOf(loadConfig()),
  publisher: EventPublisher = publisherFromEnvironment(),
) {
  return relayOutboxUseCase({
    events: createDynamoEventStore(table),
    audit: createDynamoAuditLog(table),
    strip: stripKeys,
    publisher,
    workflow: approvalWorkflowOnFirstCall(),
    batches: payoutBatchesUseCase({
      batches: createDynamoBatchStore(table),
      payouts: createDynamoPayoutRepository(table),
      idempotency: createDynamoIdempotencyStore(table),
      team: createDynamoTeamStore(table),
    }),
  });
}
