import { loadConfig } from '../config.js';
import { payoutBatchesUseCase } from '../use-cases/payout-batches.js';
import { createDynamoAdapters } from './dynamodb/index.js';

/** The payout batches use case as its functions wire it (once, at cold start). */
export function batchesFromEnvironment(adapters?: ReturnType<typeof createDynamoAdapters>) {
  return payoutBatchesUseCase(adapters ?? createDynamoAdapters(loadConfig()));
}
