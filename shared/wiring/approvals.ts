import { builtOnFirstCall } from '../adapters/built-on-first-call.js';
import { tableOf } from '../adapters/dynamodb/client.js';
import type { DynamoAdapters } from '../adapters/dynamodb/index.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { loadConfig } from '../config.js';
import type { ApprovalWorkflow } from '../ports/approval-workflow.js';
import { approvalsUseCase } from '../use-cases/approvals.js';

/**
 * The approval workflow, its Step Functions client loaded by the first call (issue 23): the relay,
 * cancelling and the portal use it only for payouts that need approval, and loading the client cost
 * their every cold start ~40 ms here.
 */
export function approvalWorkflowOnFirstCall(): ApprovalWorkflow {
  return builtOnFirstCall({ start: true, resume: true }, () =>
    import('./approval-workflow.js').then((workflow) => workflow.approvalWorkflowFromEnvironment()),
  );
}

/**
 * The approvals use case as its functions wire it (once, at cold start), on the given adapters if
 * any, else on a payout repository of its own (the only store it uses). The functions that use the
 * workflow on every invocation pass one built at cold start (wiring/approval-workflow.ts).
 */
export function approvalsFromEnvironment(
  adapters?: Pick<DynamoAdapters, 'payouts'>,
  workflow: ApprovalWorkflow = approvalWorkflowOnFirstCall(),
) {
  const config = loadConfig();
  return approvalsUseCase({
    payouts: adapters?.payouts ?? createDynamoPayoutRepository(tableOf(config)),
    workflow,
    timeoutSeconds: config.PAYOUTS_APPROVAL_TIMEOUT_SECONDS,
  });
}
