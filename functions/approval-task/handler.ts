import type { ResumeOutcome } from '../../shared/ports/approval-workflow.js';
import { approvalWorkflowFromEnvironment } from '../../shared/wiring/approval-workflow.js';
import { approvalsFromEnvironment } from '../../shared/wiring/approvals.js';

// Every task may resume the workflow: its client is built at cold start, not on first call.
const approvals = approvalsFromEnvironment(undefined, approvalWorkflowFromEnvironment());

type TaskInput =
  | { action: 'await'; tenant_id: string; payout_id: string; task_token: string }
  | { action: 'finish'; tenant_id: string; payout_id: string; outcome: ResumeOutcome | 'expired' }
  | { action: 'remaining'; tenant_id: string; payout_id: string };

/**
 * The approval state machine's task function (invoked by Step Functions; retried by it, so every
 * action is idempotent): `await` stores the task token on the payout, `finish` applies the outcome,
 * `remaining` says how long the payout still waits (after the waiting task failed).
 */
export async function handler(input: TaskInput): Promise<unknown> {
  if (input.action === 'await') {
    return approvals.awaitDecision({
      tenantId: input.tenant_id,
      payoutId: input.payout_id,
      taskToken: input.task_token,
    });
  }
  if (input.action === 'finish') {
    return approvals.finish({ tenantId: input.tenant_id, payoutId: input.payout_id, outcome: input.outcome });
  }
  if (input.action === 'remaining') {
    const timeoutSeconds = await approvals.secondsLeft({
      tenantId: input.tenant_id,
      payoutId: input.payout_id,
    });
    return { tenant_id: input.tenant_id, payout_id: input.payout_id, timeout_seconds: timeoutSeconds };
  }
  throw new Error(`Unknown approval task action ${(input as { action: string }).action}`);
}
