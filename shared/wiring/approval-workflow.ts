import { createSfnApprovalWorkflow } from '../adapters/sfn-approval-workflow.js';
import { loadConfig } from '../config.js';
import type { ApprovalWorkflow } from '../ports/approval-workflow.js';

/**
 * The approval workflow of this deployment (the state machine named by the environment), its Step
 * Functions client built now. For the functions that use it on every invocation (start-approval,
 * approval-task); the others take `approvalWorkflowOnFirstCall()` (wiring/approvals.ts).
 */
export function approvalWorkflowFromEnvironment(): ApprovalWorkflow {
  const arn = loadConfig().PAYOUTS_APPROVAL_STATE_MACHINE_ARN;
  if (!arn) {
    const missing = () => Promise.reject(new Error('PAYOUTS_APPROVAL_STATE_MACHINE_ARN is not set'));
    return { start: missing, resume: missing };
  }
  return createSfnApprovalWorkflow({ stateMachineArn: arn });
}
