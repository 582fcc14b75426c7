import {
  type DecisionOutcome,
  decide,
  MAX_EXPIRY_HOURS,
  outcomeOf,
  requesterOf,
} from '../domain/approvals.js';
import { type Actor, type Caller, SYSTEM, stampFor } from '../domain/audit.js';
import { AppError, ValidationError } from '../domain/errors.js';
import { type Payout, transition } from '../domain/payout.js';
import type { ApprovalWorkflow, ResumeOutcome } from '../ports/approval-workflow.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import { updatePayout } from './update-payout.js';

const MAX_ATTEMPTS = 5;
/** How long a rejection stays news for its requester (the portal's notice). */
const RECENT_REJECTION_DAYS = 7;
const DAY_MS = 86_400_000;

/** One payout's answer in a bulk decision: decided, or why not (the others go on regardless). */
export type BulkDecisionResult =
  | { id: string; decided: true; outcome: DecisionOutcome; payout: Payout }
  | { id: string; decided: false; error: { code: string; message: string } };

/** A rejection tells the requester why: without a comment it is refused before anything is read. */
function requireRejectionComment(input: { approve: boolean; comment: string | null }) {
  if (!input.approve && !input.comment?.trim()) {
    throw new ValidationError([
      { param: 'comment', message: 'is required to reject: say why, the requester reads it' },
    ]);
  }
}

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
  /** Tests of expiry: wait this long instead of until the payout's `expiresAt`. */
  timeoutSeconds?: number;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  const update = <T>(
    tenantId: string,
    payoutId: string,
    change: (payout: Payout) => { next: Payout; result: T } | { result: T },
  ) => updatePayout(deps.payouts, { tenantId, payoutId, maxAttempts: MAX_ATTEMPTS }, change);

  /**
   * One person's decision (portal): recorded conditionally; the deciding one resumes the workflow.
   * A rejection needs a comment (400 naming `comment`).
   */
  async function decideOne(
    caller: Caller,
    payoutId: string,
    input: { approve: boolean; comment: string | null },
  ) {
    const { actor } = caller;
    if (actor.type !== 'member') throw new Error('Decisions are made by members');
    requireRejectionComment(input);
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
  }

  return {
    /**
     * How long the payout still waits for its decision: the seconds until its `expiresAt`, 0 or less
     * once it is overdue. A payout that no longer waits: 0 (the workflow's last step sees its status).
     */
    async secondsLeft(input: { tenantId: string; payoutId: string }): Promise<number> {
      const payout = await deps.payouts.get(input.tenantId, input.payoutId);
      if (!payout?.approval || payout.status !== 'pending_approval') return 0;
      if (deps.timeoutSeconds) return deps.timeoutSeconds;
      return Math.ceil((Date.parse(payout.approval.expiresAt) - now()) / 1000);
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
        const byMember = (entry: { userId: string; name: string } | null | undefined): Actor =>
          entry ? { type: 'member', id: entry.userId, name: entry.name, email: '' } : SYSTEM;
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
            { status: 'rejected', at, actor: byMember(payout.approval.rejectedBy) },
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

    decide: decideOne,

    /**
     * The same decision on several payouts, each on its own: one refusal (own payout, already
     * decided) does not stop the others. A rejection without a comment is refused for all at once.
     */
    async decideEach(
      caller: Caller,
      ids: string[],
      input: { approve: boolean; comment: string | null },
    ): Promise<BulkDecisionResult[]> {
      requireRejectionComment(input);
      const results: BulkDecisionResult[] = [];
      for (const id of new Set(ids)) {
        try {
          const { payout, outcome } = await decideOne(caller, id, input);
          results.push({ id, decided: true, outcome, payout });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          results.push({ id, decided: false, error: { code: error.code, message: error.message } });
        }
      }
      return results;
    },

    /**
     * A requester's payouts rejected in the last days, newest first: what the portal tells them.
     * Bounded: one page of the rejected payouts created within the longest approval wait before that.
     */
    async recentRejectionsOf(tenantId: string, memberId: string): Promise<Payout[]> {
      const since = now() - RECENT_REJECTION_DAYS * DAY_MS;
      const page = await deps.payouts.list(tenantId, {
        status: 'rejected',
        createdGte: new Date(since - MAX_EXPIRY_HOURS * 3_600_000).toISOString(),
        limit: 100,
      });
      return page.items.filter(
        (payout) =>
          requesterOf(payout) === memberId &&
          Date.parse(payout.approval?.rejectedBy?.at ?? payout.updatedAt) >= since,
      );
    },

    /** After a cancel: a waiting execution ends (its finish step leaves the canceled payout alone). */
    async afterCancel(payout: Payout) {
      const token = payout.approvalTask?.token;
      if (token) await deps.workflow.resume(token, 'canceled');
    },
  };
}
