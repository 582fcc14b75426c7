import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { ApprovalWorkflow } from '../ports/approval-workflow.js';

/**
 * The approval workflow on Step Functions: one Standard execution per payout, named after it, so
 * starting twice is refused by the service (ExecutionAlreadyExists) and counts as done.
 */
export function createSfnApprovalWorkflow(config: {
  stateMachineArn: string;
  client?: SFNClient;
}): ApprovalWorkflow {
  const client = config.client ?? new SFNClient({});
  return {
    async start({ tenantId, payoutId, timeoutSeconds }) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn: config.stateMachineArn,
            name: payoutId,
            input: JSON.stringify({
              tenant_id: tenantId,
              payout_id: payoutId,
              timeout_seconds: timeoutSeconds,
            }),
          }),
        );
        return 'started';
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return 'already_started';
        throw error;
      }
    },

    async resume(taskToken, outcome) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ outcome }) }));
      } catch (error) {
        // The execution no longer waits on this token (resumed already, timed out, ended): nothing to do.
        if (
          error instanceof TaskTimedOut ||
          error instanceof TaskDoesNotExist ||
          error instanceof InvalidToken
        )
          return;
        throw error;
      }
    },
  };
}
