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
import { binding, loadConfig } from '../config.js';
import { EVENT_SOURCE } from '../topology.js';
import { payoutBatchesUseCase } from '../use-cases/payout-batches.js';
import { relayOutboxUseCase } from '../use-cases/relay-outbox.js';
import { approvalWorkflowFromEnvironment } from './approvals.js';

/**
 * The outbox relay as its functions wire it (the stream consumer and the outbox recovery), with only
 * the stores it uses. The batches use case only counts settled items here: it routes nothing.
 */
export function relayFromEnvironment(table: Table = tableOf(loadConfig())) {
  const config = loadConfig();
  return relayOutboxUseCase({
    events: createDynamoEventStore(table),
    audit: createDynamoAuditLog(table),
    strip: stripKeys,
    publisher: createEventBridgePublisher({
      busName: binding(config, 'PAYOUTS_EVENT_BUS_NAME'),
      source: EVENT_SOURCE,
    }),
    workflow: approvalWorkflowFromEnvironment(),
    batches: payoutBatchesUseCase({
      batches: createDynamoBatchStore(table),
      payouts: createDynamoPayoutRepository(table),
      idempotency: createDynamoIdempotencyStore(table),
      team: createDynamoTeamStore(table),
    }),
  });
}
