import type { SQSRecord } from 'aws-lambda';
import { approvalsFromEnvironment } from '../../shared/adapters/approval-wiring.js';
import { logger } from '../../shared/http/logger.js';
import type { PayoutResource } from '../../shared/schemas/payouts.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';

const approvals = approvalsFromEnvironment();

/**
 * `payout.approval_requested` (EventBridge → SQS) → one approval execution per payout, named after
 * it: a redelivered or replayed event finds the execution already there.
 */
async function startOne(record: SQSRecord): Promise<void> {
  const { detail } = JSON.parse(record.body) as {
    detail: { tenant_id: string; data: { object: PayoutResource } };
  };
  const payout = detail.data.object;
  if (!payout.approval) throw new Error(`Payout ${payout.id} has no approval to wait for`);
  const result = await approvals.startExecution({
    tenantId: detail.tenant_id,
    payoutId: payout.id,
    expiresAt: payout.approval.expires_at,
  });
  logger.info('approval workflow', { payoutId: payout.id, result });
}

export const handler = sqsBatchHandler(startOne);
