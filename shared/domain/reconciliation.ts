import type { ActionStamp, Actor } from './audit.js';
import type { ConnectorName } from './connectors.js';
import type { Payout, PayoutStatus } from './payout.js';

/**
 * Reconciliation (D71): the provider's own record of the money that moved on a day, compared line by
 * line with this platform's payouts, so finance signs off on facts rather than on our own records.
 *
 * Outcomes, differences first (the order items are listed in):
 *
 * | outcome               | meaning |
 * |-----------------------|---------|
 * | `amount_mismatch`     | both sides know the transfer; amount or currency differ |
 * | `status_mismatch`     | both know it; their states disagree (returned there, paid here) |
 * | `missing_at_provider` | we say the money went out; the provider has no such transfer |
 * | `unknown_at_provider` | the provider moved money for no payout of ours |
 * | `pending`             | still in flight at the cut-off on either side: checked again the next day |
 * | `matched`             | both sides agree |
 */
export const RECONCILIATION_OUTCOMES = [
  'amount_mismatch',
  'status_mismatch',
  'missing_at_provider',
  'unknown_at_provider',
  'pending',
  'matched',
] as const;
export type ReconciliationOutcome = (typeof RECONCILIATION_OUTCOMES)[number];

/** Outcomes that are differences (a run with any of them raises the alarm). */
export const DIFFERENCES: readonly ReconciliationOutcome[] = [
  'amount_mismatch',
  'status_mismatch',
  'missing_at_provider',
  'unknown_at_provider',
];

/** What a provider says happened to one transfer. */
export type ProviderRecordStatus = 'pending' | 'paid' | 'failed' | 'returned';

/**
 * One line of a provider's statement: a transfer (or its reversal) as the provider records it,
 * read from the provider's own listing (Stripe balance transactions, Adyen transactions, PayPal
 * payout items, the sandbox's ledger).
 */
export interface ProviderRecord {
  /** The provider's id of the transfer (what the payout stores as `provider_reference`). */
  providerReference: string;
  /**
   * The key the connector sent with the transfer, when the record carries it (`transfer_group`,
   * `reference`, `sender_batch_id`, the idempotency key): our payout id, or null.
   */
  payoutId: string | null;
  /** Minor units, as sent (a positive number). */
  amount: number;
  currency: string;
  status: ProviderRecordStatus;
  /** When the provider made it (ISO 8601). */
  createdAt: string;
}

/** Our side of an item: the payout as read at the run. */
export interface PlatformSide {
  payoutId: string;
  reference: string;
  amount: number;
  currency: string;
  status: PayoutStatus;
  providerReference: string | null;
}

/** The provider's side of an item. */
export interface ProviderSide {
  providerReference: string;
  /** Null when found by a lookup that does not say (then only the states are compared). */
  amount: number | null;
  currency: string | null;
  status: ProviderRecordStatus;
  createdAt: string | null;
  /**
   * How it was found: on the day's statement, or by asking the provider about the payout's own
   * transfer (a transfer made on another day than the payout was created on).
   */
  foundBy: 'statement' | 'lookup';
}

/** The statuses in which a payout reached its rail (the only ones reconciled). */
export const RECONCILED_STATUSES: readonly PayoutStatus[] = ['processing', 'paid', 'failed', 'returned'];

export function platformSideOf(payout: Payout): PlatformSide {
  return {
    payoutId: payout.id,
    reference: payout.reference,
    amount: payout.amount,
    currency: payout.currency,
    status: payout.status,
    providerReference: payout.providerReference ?? null,
  };
}

/**
 * The outcome of one item. Amounts are compared first (a wrong amount is the worst difference, whatever
 * the states); a side still in flight is `pending`; a failed payout the provider never booked agrees.
 */
export function classify(
  platform: PlatformSide | null,
  provider: Pick<ProviderSide, 'amount' | 'currency' | 'status'> | null,
): ReconciliationOutcome {
  if (!platform && !provider) throw new Error('an item needs at least one side');
  // A transfer we never asked for, even a failed one, is someone using the tenant's account.
  if (!platform) return 'unknown_at_provider';
  if (!provider) {
    if (platform.status === 'processing') return 'pending';
    // No money left: nothing to find at the provider.
    if (platform.status === 'failed') return 'matched';
    return 'missing_at_provider';
  }
  const amountKnown = provider.amount !== null && provider.currency !== null;
  if (amountKnown && (provider.amount !== platform.amount || provider.currency !== platform.currency))
    return 'amount_mismatch';
  if (platform.status === 'processing' || provider.status === 'pending') return 'pending';
  return platform.status === provider.status ? 'matched' : 'status_mismatch';
}

export type ReconciliationRunStatus = 'pending' | 'running' | 'completed' | 'failed';

/** Totals of one currency, both sides: the money that went out and stayed out (paid). */
export interface ReconciliationTotal {
  currency: string;
  platform: { count: number; amount: string };
  provider: { count: number; amount: string };
}

export type ReconciliationCounts = Record<ReconciliationOutcome, number>;

/** A reconciliation run: one tenant, one connector, one UTC day; each run its own record. */
export interface ReconciliationRun {
  id: string;
  tenantId: string;
  connector: ConnectorName;
  /** The UTC day reconciled, `YYYY-MM-DD`. */
  date: string;
  status: ReconciliationRunStatus;
  trigger: 'request' | 'scheduled';
  requestedBy: Actor;
  /**
   * The attempt whose items count: a worker that crashed mid-run starts a new attempt, whose items
   * live under their own keys, so a half-written attempt is never read (and never mixed with another).
   */
  attempt: number;
  counts: ReconciliationCounts | null;
  totals: ReconciliationTotal[] | null;
  /** Provider records read and payouts compared (progress while running). */
  progress: { providerRecords: number; payouts: number };
  failure: string | null;
  createdAt: string;
  updatedAt: string;
  /** When the attempt whose items count began (runs stored before it was kept have none). */
  startedAt?: string | null;
  completedAt: string | null;
  lastAction?: ActionStamp;
  version: number;
}

/** A resolution: a person looked at a difference and wrote down why it is fine or what was done. */
export interface ItemResolution {
  by: Actor;
  note: string;
  at: string;
}

/** One compared line of a run. */
export interface ReconciliationItem {
  runId: string;
  tenantId: string;
  attempt: number;
  /** Stable within the run: the payout id, or the provider's reference when there is no payout. */
  key: string;
  outcome: ReconciliationOutcome;
  platform: PlatformSide | null;
  provider: ProviderSide | null;
  resolution: ItemResolution | null;
  lastAction?: ActionStamp;
  version: number;
}

export const emptyCounts = (): ReconciliationCounts =>
  Object.fromEntries(RECONCILIATION_OUTCOMES.map((outcome) => [outcome, 0])) as ReconciliationCounts;

/** Counts and per-currency totals as a run goes (held in memory: one entry per currency). */
export function runTally() {
  const counts = emptyCounts();
  const totals = new Map<string, { platform: [number, bigint]; provider: [number, bigint] }>();
  const totalOf = (currency: string) => {
    const total = totals.get(currency) ?? { platform: [0, 0n], provider: [0, 0n] };
    totals.set(currency, total);
    return total;
  };
  const count = (item: Pick<ReconciliationItem, 'outcome' | 'platform' | 'provider'>, sign: 1 | -1) => {
    counts[item.outcome] += sign;
    if (item.platform?.status === 'paid') {
      const side = totalOf(item.platform.currency).platform;
      side[0] += sign;
      side[1] += BigInt(sign * item.platform.amount);
    }
    if (item.provider?.status === 'paid' && item.provider.amount !== null && item.provider.currency) {
      const side = totalOf(item.provider.currency).provider;
      side[0] += sign;
      side[1] += BigInt(sign * item.provider.amount);
    }
  };
  return {
    counts,
    add(item: Pick<ReconciliationItem, 'outcome' | 'platform' | 'provider'>) {
      count(item, 1);
    },
    /** Takes back an item counted before (one a later statement line changed). */
    remove(item: Pick<ReconciliationItem, 'outcome' | 'platform' | 'provider'>) {
      count(item, -1);
    },
    totals: (): ReconciliationTotal[] =>
      [...totals.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, { platform, provider }]) => ({
          currency,
          platform: { count: platform[0], amount: platform[1].toString() },
          provider: { count: provider[0], amount: provider[1].toString() },
        })),
  };
}

/** A UTC day `YYYY-MM-DD` as its half-open range of instants. */
export function dayRange(date: string): { from: string; until: string } {
  const from = `${date}T00:00:00.000Z`;
  return { from, until: new Date(Date.parse(from) + 86_400_000).toISOString() };
}

/** The previous UTC day of `now`: what the nightly run reconciles. */
export const previousDay = (now: number) => new Date(now - 86_400_000).toISOString().slice(0, 10);

/**
 * A payout's reconciliation as its own record says (a mark beside the payout): written for every
 * outcome but `matched` of the payout's own day, so a day of matched payouts writes no mark (D74).
 */
export interface ReconciliationMark {
  outcome: ReconciliationOutcome;
  runId: string;
  at: string;
  resolvedAt?: string;
}

/** The latest completed run of one connector and UTC day: what the payout report reads "matched" from. */
export interface DayRun {
  runId: string;
  connector: ConnectorName;
  date: string;
  /** When its counted attempt began: a payout unchanged since was compared in the state it has now. */
  startedAt: string;
  completedAt: string;
}

/**
 * The payout report's `reconciliation_status` and `reconciled_at` of one payout (D74), from its mark
 * and the latest completed run of its connector and creation day:
 * - a mark written by that run or later (a difference, pending, a payout a later day's statement
 *   named) says what it says, `resolved` once a person resolved it; a `matched` or `pending` mark
 *   only while the payout has not changed since (a difference stays until a person resolves it);
 * - otherwise the run compared the payout and found nothing to write — `matched` — when the payout was
 *   in a reconciled status and has not changed since the run began;
 * - otherwise nothing: the payout is not reconciled in the state it has now.
 */
export function reconciliationOf(
  payout: Pick<Payout, 'status' | 'updatedAt'>,
  mark: ReconciliationMark | undefined,
  dayRun: DayRun | undefined,
): { status: 'resolved' | ReconciliationOutcome; at: string } | undefined {
  if (
    mark &&
    (!dayRun || mark.at >= dayRun.startedAt) &&
    (DIFFERENCES.includes(mark.outcome) || payout.updatedAt <= mark.at)
  )
    return { status: mark.resolvedAt ? 'resolved' : mark.outcome, at: mark.at };
  if (dayRun && RECONCILED_STATUSES.includes(payout.status) && payout.updatedAt <= dayRun.startedAt)
    return { status: 'matched', at: dayRun.completedAt };
  return undefined;
}
