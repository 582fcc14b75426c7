import { binding, loadConfig } from '../config.js';
import { EVENT_SOURCE } from '../topology.js';
import { payoutBatchesUseCase } from '../use-cases/payout-batches.js';
import { relayOutboxUseCase } from '../use-cases/relay-outbox.js';
import { approvalWorkflowFromEnvironment } from './approval-wiring.js';
import { createDynamoAdapters } from './dynamodb/index.js';
import { stripKeys } from './dynamodb/keys.js';
import { createEventBridgePublisher } from './eventbridge-publisher.js';

/** The outbox relay as its functions wire it (the stream consumer and the outbox recovery). */
export function relayFromEnvironment(adapters = createDynamoAdapters(loadConfig())) {
  const config = loadConfig();
  return relayOutboxUseCase({
    events: adapters.events,
    audit: adapters.audit,
    strip: stripKeys,
    publisher: createEventBridgePublisher({
      busName: binding(config, 'PAYOUTS_EVENT_BUS_NAME'),
      source: EVENT_SOURCE,
    }),
    workflow: approvalWorkflowFromEnvironment(),
    batches: payoutBatchesUseCase(adapters),
  });
}
