import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { ApprovalWorkflow } from '../ports/approval-workflow.js';

/** Runs of one payout's workflow: the first named after it, later ones `<payout id>.<n>`. */
const MAX_RUNS = 5;

/**
 * The approval workflow on Step Functions: one Standard execution per payout, named after it, so
 * starting twice is refused by the service (ExecutionAlreadyExists) and counts as done while that run
 * is running. A run that ended without deciding (it failed) keeps its name for 90 days: the payout
 * would wait forever, so the next run is started under `<payout id>.2`, `.3`….
 */
export function createSfnApprovalWorkflow(config: {
  stateMachineArn: string;
  client?: SFNClient;
}): ApprovalWorkflow {
  const client = config.client ?? new SFNClient({});
  return {
    async start({ tenantId, payoutId, timeoutSeconds }) {
      const input = JSON.stringify({
        tenant_id: tenantId,
        payout_id: payoutId,
        timeout_seconds: timeoutSeconds,
      });
      for (let run = 1; run <= MAX_RUNS; run++) {
        const name = run === 1 ? payoutId : `${payoutId}.${run}`;
        try {
          await client.send(
            new StartExecutionCommand({ stateMachineArn: config.stateMachineArn, name, input }),
          );
          return 'started';
        } catch (error) {
          if (!(error instanceof ExecutionAlreadyExists)) throw error;
        }
        const executionArn = `${config.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
        const { status } = await client.send(new DescribeExecutionCommand({ executionArn }));
        if (status === 'RUNNING' || status === 'PENDING_REDRIVE') return 'already_started';
      }
      throw new Error(`Payout ${payoutId}: ${MAX_RUNS} approval runs ended without a decision`);
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
