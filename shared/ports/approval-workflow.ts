/** The approval state machine, as the use cases see it (Step Functions in AWS, a local emulator locally). */
export interface ApprovalWorkflow {
  /** Starts the payout's execution; a second start of the same payout is a no-op. */
  start(input: {
    tenantId: string;
    payoutId: string;
    timeoutSeconds: number;
  }): Promise<'started' | 'already_started'>;
  /** Resumes a waiting execution with its outcome; a task that no longer waits is ignored. */
  resume(taskToken: string, outcome: ResumeOutcome): Promise<void>;
}

export type ResumeOutcome = 'approved' | 'rejected' | 'canceled';
