import type { SQSRecord } from 'aws-lambda';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { approvalsFromEnvironment } from '../../shared/wiring/approvals.js';

const adapters = createDynamoAdapters(loadConfig());
const approvals = approvalsFromEnvironment(adapters);

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
