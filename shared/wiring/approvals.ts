import { tableOf } from '../adapters/dynamodb/client.js';
import type { DynamoAdapters } from '../adapters/dynamodb/index.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { createSfnApprovalWorkflow } from '../adapters/sfn-approval-workflow.js';
import { loadConfig } from '../config.js';
import type { ApprovalWorkflow } from '../ports/approval-workflow.js';
import { approvalsUseCase } from '../use-cases/approvals.js';

/** The approval workflow of this deployment (the state machine named by the environment). */
export function approvalWorkflowFromEnvironment(): ApprovalWorkflow {
  const arn = loadConfig().PAYOUTS_APPROVAL_STATE_MACHINE_ARN;
  if (!arn) {
    const missing = () => Promise.reject(new Error('PAYOUTS_APPROVAL_STATE_MACHINE_ARN is not set'));
    return { start: missing, resume: missing };
  }
  return createSfnApprovalWorkflow({ stateMachineArn: arn });
}

/**
 * The approvals use case as its functions wire it (once, at cold start), on the given adapters if
 * any, else on a payout repository of its own (the only store it uses).
 */
export function approvalsFromEnvironment(adapters?: Pick<DynamoAdapters, 'payouts'>) {
  const config = loadConfig();
  return approvalsUseCase({
    payouts: adapters?.payouts ?? createDynamoPayoutRepository(tableOf(config)),
    workflow: approvalWorkflowFromEnvironment(),
    timeoutSeconds: config.PAYOUTS_APPROVAL_TIMEOUT_SECONDS,
  });
}
