import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoBatchStore } from '../adapters/dynamodb/batch-store.js';
import { tableOf } from '../adapters/dynamodb/client.js';
import {
  createDynamoIdempotencyStore,
  createDynamoPayoutRepository,
} from '../adapters/dynamodb/payout-repository.js';
import { createDynamoTeamStore } from '../adapters/dynamodb/team-store.js';
import { loadConfig } from '../config.js';
import { payoutBatchesUseCase } from '../use-cases/payout-batches.js';
import { routingFromEnvironment } from './routing.js';

/**
 * The payout batches use case as its functions wire it (once, at cold start), with only the stores
 * it uses: the batch functions do not bundle the webhook, event or report stores. A function that
 * already has the table's adapters passes them.
 */
export function batchesFromEnvironment(adapters?: Parameters<typeof payoutBatchesUseCase>[0]) {
  return payoutBatchesUseCase(adapters ?? batchStores(tableOf(loadConfig())));
}

/** The stores of the batches use case, on a function's own document client. */
export function batchStores(deps: { client: DynamoDBDocumentClient; table: string }) {
  return {
    batches: createDynamoBatchStore(deps),
    payouts: createDynamoPayoutRepository(deps),
    idempotency: createDynamoIdempotencyStore(deps),
    team: createDynamoTeamStore(deps),
    routing: routingFromEnvironment(deps),
  };
}
