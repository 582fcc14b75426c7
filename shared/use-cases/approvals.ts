import { decide, outcomeOf } from '../domain/approvals.js';
import { type Actor, type Caller, SYSTEM, stampFor } from '../domain/audit.js';
import { type Payout, transition } from '../domain/payout.js';
import type { ApprovalWorkflow, ResumeOutcome } from '../ports/approval-workflow.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import { updatePayout } from './update-payout.js';

const MAX_ATTEMPTS = 5;

/** The outcome a waiting execution should be resumed with, or undefined while it should wait. */
function resumeOutcomeOf(payout: Payout): ResumeOutcome | undefined {
  if (payout.status === 'canceled') return 'canceled';
  if (payout.status !== 'pending_approval' || !payout.approval) return 'canceled';
  const outcome = outcomeOf(payout.approval);
  return outcome === 'pending' ? undefined : outcome;
}

/**
 * Approval decisions and the workflow's task steps. Every change is a conditional write of the
 * payout read just before (re-read and re-decided on a conflict); every step may run twice.
 */
export function approvalsUseCase(deps: {
  payouts: PayoutRepository;
  workflow: ApprovalWorkflow;
  /** Tests of expiry: wait this long instead of until the payout's `expires_at`. */
  timeoutSeconds?: number;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  const update = <T>(
    tenantId: string,
    payoutId: string,
    change: (payout: Payout) => { next: Payout; result: T } | { result: T },
  ) => updatePayout(deps.payouts, { tenantId, payoutId, maxAttempts: MAX_ATTEMPTS }, change);

  return {
    /**
     * How long the payout still waits for its decision: the seconds until its `expires_at`, 0 or less
     * once it is overdue. A payout that no longer waits: 0 (the workflow's last step sees its status).
     */
    async secondsLeft(input: { tenantId: string; payoutId: string }): Promise<number> {
      const payout = await deps.payouts.get(input.tenantId, input.payoutId);
      if (!payout?.approval || payout.status !== 'pending_approval') return 0;
      if (deps.timeoutSeconds) return deps.timeoutSeconds;
      return Math.ceil((Date.parse(payout.approval.expires_at) - now()) / 1000);
    },

    /** The first step of an execution: start waiting for the decision unless it is already made. */
    async startExecution(input: { tenantId: string; payoutId: string; expiresAt: string }) {
      // The wait ends when the payout expires (the event may arrive a while after creation).
      const timeoutSeconds =
        deps.timeoutSeconds ?? Math.max(1, Math.ceil((Date.parse(input.expiresAt) - now()) / 1000));
      return deps.workflow.start({ tenantId: input.tenantId, payoutId: input.payoutId, timeoutSeconds });
    },

    /**
     * The waiting task: stores its token on the payout so that the deciding approval can resume it.
     * If the decision was made (or the payout canceled) before the token arrived, resumes at once.
     */
    async awaitDecision(input: { tenantId: string; payoutId: string; taskToken: string }) {
      const outcome = await update(input.tenantId, input.payoutId, (payout) => {
        const decided = resumeOutcomeOf(payout);
        if (decided) return { result: decided };
        return {
          next: { ...payout, approvalTask: { token: input.taskToken }, version: payout.version + 1 },
          result: undefined,
        };
      });
      if (outcome) await deps.workflow.resume(input.taskToken, outcome);
      return { waiting: !outcome };
    },

    /**
     * The last step: approved → `queued` (execution follows), rejected → `rejected`, a timeout →
     * `expired` unless the decision was made meanwhile; a canceled payout stays as it is.
     */
    async finish(input: { tenantId: string; payoutId: string; outcome: ResumeOutcome | 'expired' }) {
      return update(input.tenantId, input.payoutId, (payout) => {
        if (payout.status !== 'pending_approval' || !payout.approval)
          return { result: { status: payout.status } };
        const decided = outcomeOf(payout.approval);
        const at = new Date(now()).toISOString();
        const byMember = (entry: { user_id: string; name: string } | null | undefined): Actor =>
          entry ? { type: 'member', id: entry.user_id, name: entry.name, email: '' } : SYSTEM;
        if (decided === 'approved') {
          const next = transition(payout, 'queued', at, { approvalTask: null });
          next.history = [
            ...(payout.history ?? []),
            { status: 'queued', at, actor: byMember(payout.approval.approvals.at(-1)) },
          ];
          return { next, result: { status: 'queued' } };
        }
        if (decided === 'rejected') {
          const next = transition(payout, 'rejected', at, { approvalTask: null });
          next.history = [
            ...(payout.history ?? []),
            { status: 'rejected', at, actor: byMember(payout.approval.rejected_by) },
          ];
          return { next, result: { status: 'rejected' } };
        }
        if (input.outcome !== 'expired') return { result: { status: payout.status } };
        return {
          next: transition(payout, 'expired', at, { approvalTask: null }),
          result: { status: 'expired' },
        };
      });
    },

    /** One person's decision (portal): recorded conditionally; the deciding one resumes the workflow. */
    async decide(caller: Caller, payoutId: string, input: { approve: boolean; comment: string | null }) {
      const { actor } = caller;
      if (actor.type !== 'member') throw new Error('Decisions are made by members');
      const result = await update(caller.tenantId, payoutId, (payout) => {
        const time = now();
        const { approval, outcome } = decide(payout, {
          userId: actor.id,
          name: actor.name,
          approve: input.approve,
          comment: input.comment,
          at: new Date(time).toISOString(),
        });
        const next: Payout = {
          ...payout,
          approval,
          updatedAt: new Date(time).toISOString(),
          lastAction: stampFor(caller, input.approve ? 'payout.approve' : 'payout.reject', time),
          version: payout.version + 1,
        };
        return { next, result: { payout: next, outcome } };
      });
      const token = result.payout.approvalTask?.token;
      if (result.outcome !== 'pending' && token) await deps.workflow.resume(token, result.outcome);
      return result;
    },

    /** After a cancel: a waiting execution ends (its finish step leaves the canceled payout alone). */
    async afterCancel(payout: Payout) {
      const token = payout.approvalTask?.token;
      if (token) await deps.workflow.resume(token, 'canceled');
    },
  };
}
