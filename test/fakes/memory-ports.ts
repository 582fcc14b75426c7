import { MemoryApprovalWorkflow } from './memory-approval-workflow.js';
import { MemoryAuditLog } from './memory-audit-log.js';
import { MemoryBatchStore } from './memory-batch-store.js';
import { MemoryDeliveryQueue } from './memory-delivery-queue.js';
import { MemoryDirectory } from './memory-directory.js';
import { MemoryIdempotencyStore } from './memory-idempotency.js';
import { MemoryInboundStore } from './memory-inbound-store.js';
import { MemoryPayoutRepository } from './memory-payouts.js';
import { MemorySecretSealer } from './memory-secret-sealer.js';
import { MemoryTeamStore } from './memory-team-store.js';
import { MemoryWebhookStore } from './memory-webhook-store.js';
import { InFlightTransactions } from './transactions.js';

/**
 * One in-memory "table" with every port a use case needs, wired as the DynamoDB adapters share the
 * single table: payouts and batches share the idempotency keys (and the transactions in flight on
 * them); the webhook store writes a delete's audit entry to the same audit log. A fresh set per test.
 */
export function memoryPorts() {
  const idempotency = new MemoryIdempotencyStore();
  const transactions = new InFlightTransactions();
  const audit = new MemoryAuditLog();
  return {
    idempotency,
    payouts: new MemoryPayoutRepository(idempotency, transactions),
    batches: new MemoryBatchStore(idempotency, transactions),
    team: new MemoryTeamStore(),
    audit,
    webhooks: new MemoryWebhookStore(audit),
    queue: new MemoryDeliveryQueue(),
    workflow: new MemoryApprovalWorkflow(),
    inbound: new MemoryInboundStore(),
    directory: new MemoryDirectory(),
    sealer: new MemorySecretSealer(),
  };
}

export type MemoryPorts = ReturnType<typeof memoryPorts>;
