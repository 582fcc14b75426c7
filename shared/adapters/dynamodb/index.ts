import type { Config } from '../../config.js';
import { createDynamoAuditLog } from './audit-log.js';
import { createDynamoBatchStore } from './batch-store.js';
import { createDocumentClient } from './client.js';
import { createDynamoConnectorStore } from './connector-store.js';
import { createDynamoEventStore } from './event-store.js';
import { createDynamoInboundStore } from './inbound-store.js';
import { createDynamoIdempotencyStore, createDynamoPayoutRepository } from './payout-repository.js';
import { createDynamoReconciliationStore } from './reconciliation-store.js';
import { createDynamoReportStore } from './report-store.js';
import { createDynamoTeamStore } from './team-store.js';
import { createDynamoTenantRepository } from './tenant-repository.js';
import { createDynamoWebhookStore } from './webhook-store.js';

/** The DynamoDB adapters a function needs, built once per cold start. */
export function createDynamoAdapters(config: Pick<Config, 'PAYOUTS_TABLE_NAME'>) {
  const deps = { client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME };
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
