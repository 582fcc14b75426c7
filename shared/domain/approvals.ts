import type { ActionStamp } from './audit.js';
import { AppError } from './errors.js';
import type { ApprovalState, Payout, PayoutPurpose, PayoutSource } from './payout.js';

/**
 * Approval policies: which payouts need how many approvals, and the four-eyes rules of deciding.
 * A policy is evaluated when a payout is created and the result is stored on it (`approval.required`,
 * `expiresAt`): a later policy change applies to new payouts only.
 */
export interface ApprovalRule {
  name: string;
  /** Conditions; an absent one matches everything. `minAmount` (minor units) needs `currency`. */
  sources?: PayoutSource[];
  purposes?: PayoutPurpose[];
  currency?: string;
  minAmount?: number;
  /** Approvals by different people this rule asks for (1–5). */
  approvals: number;
}

export interface ApprovalPolicy {
  tenantId: string;
  rules: ApprovalRule[];
  /** How long a payout waits for its decision before it expires. */
  expiryHours: number;
  /**
   * How long a granted `approver` or `admin` role waits before it takes effect when no second admin
   * confirms it (DEFAULT_GRANT_DELAY_HOURS when unset).
   */
  roleGrantDelayHours?: number;
  /** Every member signs in with two steps, not only approvers and admins (D53). */
  mfaRequiredForAll?: boolean;
  updatedAt: string;
  version: number;
  lastAction?: ActionStamp;
}

/**
 * The longest wait a policy may set: 20 days. Timers in Node (the local runtime) overflow above
 * ~24.8 days; Step Functions itself would wait up to a year.
 */
export const MAX_EXPIRY_HOURS = 480;
export const MAX_APPROVALS = 5;

/** Every portal payout needs one approval; 10,000.00 or more in EUR, USD or GBP needs two. */
export function defaultApprovalPolicy(tenantId: string, now: string): ApprovalPolicy {
  const highValue = (currency: string): ApprovalRule => ({
    name: `High value (${currency})`,
    currency,
    minAmount: 1_000_000,
    approvals: 2,
  });
  return {
    tenantId,
    rules: [
      { name: 'Portal payouts', sources: ['portal'], approvals: 1 },
      highValue('EUR'),
      highValue('USD'),
      highValue('GBP'),
    ],
    expiryHours: 72,
    updatedAt: now,
    version: 0,
  };
}

function matches(
  rule: ApprovalRule,
  payout: Pick<Payout, 'source' | 'purpose' | 'currency' | 'amount'>,
): boolean {
  if (rule.sources && !rule.sources.includes(payout.source)) return false;
  if (rule.purposes && !rule.purposes.includes(payout.purpose)) return false;
  if (rule.currency && rule.currency !== payout.currency) return false;
  if (rule.minAmount !== undefined && payout.amount < rule.minAmount) return false;
  return true;
}

/** The approvals a payout needs under a policy: the most any matching rule asks for (0: none). */
export function requiredApprovals(
  policy: ApprovalPolicy,
  payout: Pick<Payout, 'source' | 'purpose' | 'currency' | 'amount'>,
): number {
  return Math.max(0, ...policy.rules.filter((rule) => matches(rule, payout)).map((rule) => rule.approvals));
}

export type DecisionOutcome = 'approved' | 'rejected' | 'pending';

/**
 * Who requested a payout, for the four-eyes rule: the member who made it in the portal, or the member
 * who created the API key that made it (an admin cannot approve what their own key asked for).
 */
export function requesterOf(payout: Payout): string | null {
  const actor = payout.manual?.requestedBy ?? payout.history?.[0]?.actor;
  if (actor?.type === 'member') return actor.id;
  if (actor?.type === 'api_key') return actor.createdBy ?? null;
  return null;
}

export class ApprovalRefusedError extends AppError {
  constructor(code: string, message: string, statusCode = 403) {
    super(statusCode === 409 ? 'conflict_error' : 'permission_error', code, message, { statusCode });
    this.name = 'ApprovalRefusedError';
  }
}

/** Where an approval state stands: approved at the quorum, rejected at the first rejection. */
export function outcomeOf(approval: ApprovalState): DecisionOutcome {
  if (approval.rejectedBy) return 'rejected';
  return approval.approvals.length >= approval.required ? 'approved' : 'pending';
}

/** Why `userId` may not decide on `payout` at `at`, or undefined when they may. */
function refusalOf(payout: Payout, userId: string, at: string): ApprovalRefusedError | undefined {
  const approval = payout.approval;
  if (payout.status !== 'pending_approval' || !approval || outcomeOf(approval) !== 'pending') {
    return new ApprovalRefusedError(
      'payout_not_pending_approval',
      `This payout is ${payout.status.replace('_', ' ')}: there is nothing to decide.`,
      409,
    );
  }
  // Past its deadline the payout waits only for the workflow's timer to mark it expired: a late
  // approval must not win that race and pay what nobody decided on in time.
  if (Date.parse(at) >= Date.parse(approval.expiresAt)) {
    return new ApprovalRefusedError(
      'approval_expired',
      'The time to decide on this payout has run out: it expires and is not paid.',
      409,
    );
  }
  if (requesterOf(payout) === userId) {
    return new ApprovalRefusedError(
      'self_approval_refused',
      'You requested this payout: someone else has to decide on it (four eyes).',
    );
  }
  if (approval.approvals.some((entry) => entry.userId === userId)) {
    return new ApprovalRefusedError(
      'already_decided',
      'You already approved this payout: the next approval has to come from someone else.',
      409,
    );
  }
  return undefined;
}

/** Whether `userId` may decide on `payout` now (the approvals inbox shows it). */
export const mayDecide = (payout: Payout, userId: string, at = new Date().toISOString()): boolean =>
  !refusalOf(payout, userId, at);

/**
 * Why a person cannot decide on a payout, for the approvals inbox to say in words: the payout is
 * already decided, its time ran out, they requested it, or they already approved it.
 */
export type CannotDecideReason = 'decided' | 'expired' | 'own_request' | 'already_approved';

const REASON_BY_REFUSAL: Record<string, CannotDecideReason> = {
  payout_not_pending_approval: 'decided',
  approval_expired: 'expired',
  self_approval_refused: 'own_request',
  already_decided: 'already_approved',
};

/** Why `userId` cannot decide on `payout` at `at`, or null when they can. */
export function cannotDecideReasonOf(
  payout: Payout,
  userId: string,
  at = new Date().toISOString(),
): CannotDecideReason | null {
  const refused = refusalOf(payout, userId, at);
  return refused ? (REASON_BY_REFUSAL[refused.code] ?? 'decided') : null;
}

/**
 * Records one person's decision. Four eyes, no override: the requester never decides on their own
 * payout (not even an admin), one person counts once, one rejection rejects. Throws (403/409) when
 * the decision is not allowed; returns the new approval state and where it stands.
 */
export function decide(
  payout: Payout,
  decision: { userId: string; name: string; approve: boolean; comment: string | null; at: string },
): { approval: ApprovalState; outcome: DecisionOutcome } {
  const refused = refusalOf(payout, decision.userId, decision.at);
  if (refused) throw refused;
  const approval = payout.approval as ApprovalState;
  const entry = { userId: decision.userId, name: decision.name, at: decision.at, comment: decision.comment };
  const next: ApprovalState = decision.approve
    ? { ...approval, approvals: [...approval.approvals, entry] }
    : { ...approval, rejectedBy: entry };
  return { approval: next, outcome: outcomeOf(next) };
}
