import { loadConfig } from '../config.js';
import { rateLimitsUseCase } from '../use-cases/rate-limits.js';
import { createDocumentClient } from './dynamodb/client.js';
import { createDynamoRequestCounter } from './dynamodb/request-counter.js';
import { createDynamoTenantRepository } from './dynamodb/tenant-repository.js';

/** The per-tenant rate limits as the API functions wire them (once, at cold start). */
export function rateLimitsFromEnvironment() {
  const deps = { client: createDocumentClient(), table: loadConfig().PAYOUTS_TABLE_NAME };
  const tenants = createDynamoTenantRepository(deps);
  return rateLimitsUseCase({
    counter: createDynamoRequestCounter(deps),
    limitsOf: async (tenantId) => (await tenants.getTenant(tenantId))?.limits,
  });
}
