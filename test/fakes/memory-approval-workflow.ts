import type { ApprovalWorkflow, ResumeOutcome } from '../../shared/ports/approval-workflow.js';

/**
 * {@link ApprovalWorkflow} in memory: the executions it was asked to start (one per payout, as the
 * Step Functions execution name makes it) and the outcomes waiting tasks were resumed with. It does
 * not run the state machine: a test calls the use case's steps itself.
 */
export class MemoryApprovalWorkflow implements ApprovalWorkflow {
  readonly started: { tenantId: string; payoutId: string; timeoutSeconds: number }[] = [];
  readonly resumed: { taskToken: string; outcome: ResumeOutcome }[] = [];

  async start(input: { tenantId: string; payoutId: string; timeoutSeconds: number }) {
    const known = this.started.some(
      (execution) => execution.tenantId === input.tenantId && execution.payoutId === input.payoutId,
    );
    if (known) return 'already_started' as const;
    this.started.push({ ...input });
    return 'started' as const;
  }

  async resume(taskToken: string, outcome: ResumeOutcome): Promise<void> {
    this.resumed.push({ taskToken, outcome });
  }
}
