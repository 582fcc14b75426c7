import type { Config } from '../../config.js';
import { createDynamoAuditLog } from './audit-log.js';
import { createDynamoBatchStore } from './batch-store.js';
import { tableOf } from './client.js';
import { createDynamoConnectorStore } from './connector-store.js';
import { createDynamoEventStore } from './event-store.js';
import { createDynamoInboundStore } from './inbound-store.js';
import { createDynamoIdempotencyStore, createDynamoPayoutRepository } from './payout-repository.js';
import { createDynamoReconciliationStore } from './reconciliation-store.js';
import { createDynamoReportStore } from './report-store.js';
import { createDynamoTeamStore } from './team-store.js';
import { createDynamoTenantRepository } from './tenant-repository.js';
import { createDynamoWebhookStore } from './webhook-store.js';

/**
 * Every DynamoDB store, on one document client: for the CLI, local tools, tests and the functions
 * that use most of them (portal-api). A function that uses a few builds those on `tableOf(config)`
 * instead, so its bundle carries only their code (test/infra/bundling.test.ts).
 */
export function createDynamoAdapters(config: Pick<Config, 'PAYOUTS_TABLE_NAME'>) {
  const deps = tableOf(config);
  return {
    payouts: createDynamoPayoutRepository(deps),
    idempotency: createDynamoIdempotencyStore(deps),
    tenants: createDynamoTenantRepository(deps),
    events: createDynamoEventStore(deps),
    webhooks: createDynamoWebhookStore(deps),
    team: createDynamoTeamStore(deps),
    audit: createDynamoAuditLog(deps),
    reports: createDynamoReportStore(deps),
    batches: createDynamoBatchStore(deps),
    inbound: createDynamoInboundStore(deps),
    connectors: createDynamoConnectorStore(deps),
    reconciliation: createDynamoReconciliationStore(deps),
  };
}

export type DynamoAdapters = ReturnType<typeof createDynamoAdapters>;
