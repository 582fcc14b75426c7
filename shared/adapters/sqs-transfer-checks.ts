import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { TransferChecks } from '../use-cases/execute-payout.js';

/** SQS delays a message by 15 minutes at most; a longer wait is reached by checking again. */
const MAX_DELAY_SECONDS = 900;

/** The body of a later look at a transfer, on the execution queue beside the payouts to execute. */
export interface TransferCheckMessage {
  check_transfer: { tenant_id: string; payout_id: string };
}

/** Later looks at transfers, as delayed messages on the execution queue (the executor reads them). */
export function createSqsTransferChecks(deps: { queueUrl: string; client?: SQSClient }): TransferChecks {
  const client = deps.client ?? new SQSClient({});
  return {
    async schedule(tenantId, payoutId, afterSeconds) {
      const body: TransferCheckMessage = { check_transfer: { tenant_id: tenantId, payout_id: payoutId } };
      await client.send(
        new SendMessageCommand({
          QueueUrl: deps.queueUrl,
          MessageBody: JSON.stringify(body),
          DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(afterSeconds))),
        }),
      );
    },
  };
}
