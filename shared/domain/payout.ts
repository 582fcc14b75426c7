import { type ActionStamp, type Actor, SYSTEM } from './audit.js';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES } from './catalog.js';
import { IllegalTransitionError } from './errors.js';

export { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES };

/**
 * The payout state machine. This table is the only place that says which status may follow which;
 * every write in the repositories is conditioned on the expected status and version on top of it.
 *
 *   pending_approval ─► queued ─► processing ─► paid | failed
 *         │  └─► rejected | expired        │        └─► returned (days later: the bank sent it back)
 *         └──────────► canceled ◄──────────┘ (from pending_approval or queued only)
 */
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

const TRANSITIONS: Readonly<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  pending_approval: ['queued', 'rejected', 'expired', 'canceled'],
  queued: ['processing', 'canceled'],
  processing: ['paid', 'failed'],
  // A bank or wallet can send paid money back days later (a closed account): the provider says so.
  paid: ['returned'],
  failed: [],
  returned: [],
  rejected: [],
  expired: [],
  canceled: [],
};

export function canTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses from which `to` may be reached: the expected-status set of a conditional write. */
export function statusesLeadingTo(to: PayoutStatus): PayoutStatus[] {
  return PAYOUT_STATUSES.filter((from) => canTransition(from, to));
}

export function isTerminal(status: PayoutStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/**
 * Whether the platform's own work on the payout is over: executed (paid, failed, returned) or never
 * to be (rejected, expired, canceled). A paid payout is settled but not terminal: only its provider
 * can still move it (to `returned`).
 */
export function isSettled(status: PayoutStatus): boolean {
  return status !== 'pending_approval' && status !== 'queued' && status !== 'processing';
}

export function assertTransition(from: PayoutStatus, to: PayoutStatus): void {
  if (!canTransition(from, to)) {
    throw new IllegalTransitionError(
      from,
      to,
      to === 'canceled' ? 'payout_not_cancelable' : 'illegal_transition',
    );
  }
}

export type PayoutPurpose = (typeof PAYOUT_PURPOSES)[number];

export type PayoutSource = (typeof PAYOUT_SOURCES)[number];

export type Destination =
  | { type: 'bank_account'; account_holder_name: string; iban: string; bic?: string }
  | { type: 'email'; email: string }
  /** A Stripe Connect connected account (`acct_…`). */
  | { type: 'stripe_account'; account: string };

/** One approver's decision on a payout (the API and the stored item spell it `user_id`). */
export interface ApprovalDecision {
  userId: string;
  name: string;
  at: string;
  comment: string | null;
}

/**
 * The approvals a payout waits for. The domain spells it in camelCase; the stored item and the API
 * keep their snake_case names (`rejected_by`, `expires_at`), converted by the payout mapper and
 * `toPayoutResource`.
 */
export interface ApprovalState {
  required: number;
  approvals: ApprovalDecision[];
  rejectedBy: ApprovalDecision | null;
  expiresAt: string;
}

export interface ExecutionState {
  /** How many executor attempts have taken the lease. The first attempt never asks the provider first. */
  attempts: number;
  /** Until when the current attempt owns the payout; an expired lease can be taken over. */
  leaseExpiresAt: string;
}

/** The documentation of a payout made by a person in the portal. */
export interface ManualDetails {
  reasonCode: string;
  rationale: string;
  ticketUrl: string;
  customerReference: string;
  attachment: { key: string; filename: string; contentType: string; size: number } | null;
  requestedBy: Actor;
}

/** One status change of a payout and who made it: the timeline on the payout's page. */
export interface HistoryEntry {
  status: PayoutStatus;
  at: string;
  actor: Actor;
}

/** A payout as the platform stores it. The destination is complete here; the API masks it. */
export interface Payout {
  id: string;
  tenantId: string;
  status: PayoutStatus;
  amount: number;
  currency: string;
  destination: Destination;
  reference: string;
  purpose: PayoutPurpose;
  description: string | null;
  metadata: Record<string, string>;
  source: PayoutSource;
  batchId: string | null;
  approval: ApprovalState | null;
  failureCode: string | null;
  failureMessage: string | null;
  providerReference: string | null;
  /**
   * The rail that carries it (`sandbox`, `stripe`…), chosen by the tenant's routing rules when it is
   * created and never changed after: every attempt of the executor asks the same provider, with the
   * same key. Null only on payouts created before connectors existed (they leave through the sandbox).
   */
  connector?: string | null;
  /** The provider account (connector mode and account ids) that accepted its transfer, while it is in flight. */
  connectorAccount?: string | null;
  /** Why and when the provider sent paid money back (status `returned`). */
  returnCode?: string | null;
  returnedAt?: string | null;
  createdAt: string;
  updatedAt: string;
  paidAt: string | null;
  /** Execution bookkeeping (not part of the API resource): attempts and the current lease. */
  execution: ExecutionState | null;
  /** Set for payouts created in the portal. */
  manual?: ManualDetails | null;
  /** Every status this payout has had, oldest first (written with each change, in the same item). */
  history?: HistoryEntry[];
  /** The last action a person or an API key took on it (the relay turns it into an audit entry). */
  lastAction?: ActionStamp;
  /** The approval workflow's task token while it waits for the decision (never in the API resource). */
  approvalTask?: { token: string } | null;
  /** Incremented on every write; every conditional write names the version it read. */
  version: number;
}

/** The fields a caller supplies to create a payout (already validated). */
export interface PayoutRequest {
  amount: number;
  currency: string;
  destination: Destination;
  reference: string;
  purpose: PayoutPurpose;
  description?: string | null;
  metadata?: Record<string, string>;
  /** The rail chosen for it when it was accepted (batch items carry it from acceptance to expansion). */
  connector?: string;
}

/**
 * A new payout: `queued`, or `pending_approval` when the tenant's policy asks for approvals (the
 * requirement and the expiry are fixed on the payout here; a later policy change does not touch it).
 */
export function newPayout(input: {
  id: string;
  tenantId: string;
  request: PayoutRequest;
  source: PayoutSource;
  batchId?: string | null;
  now: string;
  manual?: ManualDetails | null;
  lastAction?: ActionStamp;
  /** Who asked for it when no action is stamped on it (a batch's payouts: the batch's requester). */
  actor?: Actor;
  approval?: { required: number; expiresAt: string };
  /** The rail the tenant's routing rules chose for it. */
  connector?: string | null;
}): Payout {
  const { request } = input;
  const actor = input.lastAction?.actor ?? input.actor ?? SYSTEM;
  const needsApproval = (input.approval?.required ?? 0) > 0;
  const status: PayoutStatus = needsApproval ? 'pending_approval' : 'queued';
  return {
    id: input.id,
    tenantId: input.tenantId,
    status,
    amount: request.amount,
    currency: request.currency,
    destination: request.destination,
    reference: request.reference,
    purpose: request.purpose,
    description: request.description ?? null,
    metadata: request.metadata ?? {},
    source: input.source,
    batchId: input.batchId ?? null,
    approval:
      needsApproval && input.approval
        ? {
            required: input.approval.required,
            approvals: [],
            rejectedBy: null,
            expiresAt: input.approval.expiresAt,
          }
        : null,
    failureCode: null,
    failureMessage: null,
    providerReference: null,
    ...(input.connector ? { connector: input.connector } : {}),
    createdAt: input.now,
    updatedAt: input.now,
    paidAt: null,
    execution: null,
    manual: input.manual ?? null,
    history: [{ status, at: input.now, actor }],
    ...(input.lastAction ? { lastAction: input.lastAction } : {}),
    version: 1,
  };
}

/**
 * The payout after a legal status change, with its version bumped and the change in its history.
 * Throws on an illegal one. `action` is set when a person or an API key made the change.
 */
export function transition(
  payout: Payout,
  to: PayoutStatus,
  now: string,
  changes: Partial<Payout> = {},
  action?: ActionStamp,
): Payout {
  assertTransition(payout.status, to);
  const entry: HistoryEntry = { status: to, at: now, actor: action?.actor ?? SYSTEM };
  return {
    ...payout,
    ...changes,
    status: to,
    updatedAt: now,
    history: [...(payout.history ?? []), entry],
    ...(action ? { lastAction: action } : {}),
    version: payout.version + 1,
  };
}

/**
 * Who may cancel a payout a person asked for: while it waits for approval, only its requester or an
 * admin may withdraw it (an approver or finance member could otherwise quietly drop a colleague's
 * request); once approved or queued, anyone whose role may cancel.
 */
export function mayCancel(payout: Pick<Payout, 'status' | 'manual'>, member: { id: string; admin: boolean }) {
  if (payout.status !== 'pending_approval' || member.admin) return true;
  const requester = payout.manual?.requestedBy;
  return requester?.type === 'member' && requester.id === member.id;
}
