import type { SQSRecord } from 'aws-lambda';
import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { approvalWorkflowFromEnvironment } from '../../shared/wiring/approval-workflow.js';
import { approvalsFromEnvironment } from '../../shared/wiring/approvals.js';

const adapters = { payouts: createDynamoPayoutRepository(tableOf(loadConfig())) };
// Every message starts a workflow: its client is built at cold start, not on first call.
const approvals = approvalsFromEnvironment(adapters, approvalWorkflowFromEnvironment());

/**
 * `payout.approval_requested` (or the outbox sweeper's `outbox.approval_requested`) → one approval
 * execution per payout, named after it: a redelivered or replayed event finds the execution already
 * there. The event only names the payout; what is started is decided from the table.
 */
async function startOne(record: SQSRecord): Promise<void> {
  const { detail } = JSON.parse(record.body) as {
    detail: { tenant_id: string; data: { object: { id: string } } };
  };
  const payoutId = detail.data.object.id;
  const payout = await adapters.payouts.get(detail.tenant_id, payoutId);
  if (payout?.status !== 'pending_approval' || !payout.approval) {
    logger.info('approval workflow not needed', { payoutId, status: payout?.status ?? null });
    return;
  }
  // Past its expiry (its workflow lost or ended): it expires now, as the workflow would have done.
  if (Date.parse(payout.approval.expiresAt) <= Date.now()) {
    const result = await approvals.finish({ tenantId: payout.tenantId, payoutId, outcome: 'expired' });
    logger.warn('overdue payout expired without its workflow', { payoutId, ...result });
    return;
  }
  const result = await approvals.startExecution({
    tenantId: payout.tenantId,
    payoutId: payout.id,
    expiresAt: payout.approval.expiresAt,
  });
  logger.info('approval workflow', { payoutId, result });
}

export const handler = sqsBatchHandler(startOne);
