import { tableOf } from '../adapters/dynamodb/client.js';
import {
  createDynamoRequestCounter,
  createDynamoTenantLimits,
} from '../adapters/dynamodb/request-counter.js';
import { loadConfig } from '../config.js';
import { rateLimitsUseCase } from '../use-cases/rate-limits.js';

/**
 * The per-tenant rate limits as the API functions wire them (once, at cold start); a function that
 * already has a document client passes it.
 */
export function rateLimitsFromEnvironment(
  deps: Parameters<typeof createDynamoRequestCounter>[0] = tableOf(loadConfig()),
) {
  return rateLimitsUseCase({
    counter: createDynamoRequestCounter(deps),
    limitsOf: createDynamoTenantLimits(deps),
  });
}
