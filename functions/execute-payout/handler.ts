import type { SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { createSandboxProvider } from '../../shared/adapters/sandbox-provider.js';
import { loadConfig } from '../../shared/config.js';
import { LeaseHeldError } from '../../shared/domain/execution.js';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { executePayoutUseCase } from '../../shared/use-cases/execute-payout.js';

const config = loadConfig();
const client = createDocumentClient();
const table = config.PAYOUTS_TABLE_NAME;
const execute = executePayoutUseCase({
  payouts: createDynamoPayoutRepository({ client, table }),
  provider: createSandboxProvider({
    client,
    table,
    crashAfterTransferRate: config.PAYOUTS_SANDBOX_CHAOS_CRASH_RATE,
  }),
  leaseSeconds: config.PAYOUTS_EXECUTION_LEASE_SECONDS,
});

/** The EventBridge envelope the rule delivers: `detail` is the `payout.queued` event. */
function payoutOf(record: SQSRecord): { tenantId: string; payoutId: string } {
  const envelope = JSON.parse(record.body) as {
    detail?: { tenant_id?: string; data?: { object?: { id?: string } } };
  };
  const tenantId = envelope.detail?.tenant_id;
  const payoutId = envelope.detail?.data?.object?.id;
  if (!tenantId || !payoutId) throw new Error(`Message ${record.messageId} names no tenant and payout`);
  return { tenantId, payoutId };
}

/** Execution queue → provider. Failed records come back with backoff; after 8 receives, the DLQ. */
export const handler = sqsBatchHandler(
  async (record) => {
    const { tenantId, payoutId } = payoutOf(record);
    try {
      const result = await execute(tenantId, payoutId);
      logger.info('Payout executed', { payoutId, result });
    } catch (error) {
      if (error instanceof LeaseHeldError) logger.info('Payout busy, retrying later', { payoutId });
      throw error;
    }
  },
  {
    backoff: { baseSeconds: config.PAYOUTS_RETRY_BASE_SECONDS, capSeconds: config.PAYOUTS_RETRY_CAP_SECONDS },
  },
);
