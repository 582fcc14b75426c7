import { AppError, IllegalTransitionError } from './errors.js';
import { type Payout, transition } from './payout.js';

/** What the provider says happened to a transfer. */
export type TransferOutcome =
  | {
      status: 'paid';
      providerReference: string;
      /** The provider may still send the money back: ask about the transfer again this much later. */
      checkAgainAfterSeconds?: number;
    }
  /**
   * Accepted, not final yet (a bank transfer on its way): the payout stays `processing` with the
   * provider's reference until the provider's webhook (or a later look) says paid, failed or returned.
   */
  | { status: 'pending'; providerReference: string }
  | { status: 'failed'; providerReference: string; failureCode: string; failureMessage: string }
  /** Paid, then sent back by the bank or wallet (`returnCode`: why, in the platform's codes). */
  | { status: 'returned'; providerReference: string; returnCode: string; returnedAt: string };

const iso = (time: number) => new Date(time).toISOString();

export function leaseIsActive(payout: Payout, now: number): boolean {
  return payout.execution !== null && Date.parse(payout.execution.leaseExpiresAt) > now;
}

/**
 * Phase 1 of execution: `queued → processing`, taking the lease for the first attempt, or, for a
 * payout left `processing` by an attempt that died (its lease expired), taking the lease over for a
 * new attempt. Throws if another attempt holds a live lease or the payout is not executable.
 */
export function takeLease(payout: Payout, now: number, leaseSeconds: number): Payout {
  const leaseExpiresAt = iso(now + leaseSeconds * 1000);
  if (payout.status === 'processing') {
    if (leaseIsActive(payout, now))
      throw new LeaseHeldError(payout.id, payout.execution?.leaseExpiresAt ?? null);
    const attempts = (payout.execution?.attempts ?? 0) + 1;
    return {
      ...payout,
      execution: { attempts, leaseExpiresAt },
      updatedAt: iso(now),
      version: payout.version + 1,
    };
  }
  // Anything but `queued` is refused by the state machine (IllegalTransitionError).
  return transition(payout, 'processing', iso(now), { execution: { attempts: 1, leaseExpiresAt } });
}

/**
 * Phase 3 of execution: `processing → paid | failed` with what the provider reported. A transfer the
 * provider accepted but has not finished (`pending`) leaves the payout `processing`, now holding the
 * provider's reference and the rail: its webhook (or a later look) settles it.
 */
export function settle(
  payout: Payout,
  outcome: TransferOutcome,
  now: number,
  connector: string,
  account?: string,
): Payout {
  // A transfer already returned when this attempt learns of it was paid first: paid now, returned next.
  if (outcome.status === 'paid' || outcome.status === 'returned') {
    return transition(payout, 'paid', iso(now), {
      providerReference: outcome.providerReference,
      paidAt: iso(now),
      connector,
    });
  }
  if (outcome.status === 'pending') {
    if (payout.status !== 'processing') throw new IllegalTransitionError(payout.status, 'processing');
    // One payout, one transfer: a pending answer naming another transfer than the one stored is a
    // provider-side inconsistency to look at, never a reason to forget the first transfer.
    if (payout.providerReference && payout.providerReference !== outcome.providerReference)
      throw new Error(
        `Payout ${payout.id}: the provider reports transfer ${outcome.providerReference}, but ${payout.providerReference} is stored`,
      );
    return {
      ...payout,
      providerReference: outcome.providerReference,
      connector,
      ...(account ? { connectorAccount: account } : {}),
      updatedAt: iso(now),
      version: payout.version + 1,
    };
  }
  return transition(payout, 'failed', iso(now), {
    providerReference: outcome.providerReference,
    failureCode: outcome.failureCode,
    failureMessage: outcome.failureMessage,
    connector,
  });
}

/** `paid → returned`, as the provider reported it (a return it reports again changes nothing). */
export function markReturned(
  payout: Payout,
  outcome: Extract<TransferOutcome, { status: 'returned' }>,
  now: number,
): Payout {
  return transition(payout, 'returned', iso(now), {
    returnCode: outcome.returnCode,
    returnedAt: outcome.returnedAt,
  });
}

/** Another attempt owns the payout right now; the message must come back later. */
export class LeaseHeldError extends AppError {
  constructor(
    payoutId: string,
    /** When the attempt's lease ends: the message comes back then, not on the backoff. */
    readonly until: string | null,
  ) {
    super('conflict_error', 'execution_in_progress', `Payout ${payoutId} is being executed until ${until}`);
    this.name = 'LeaseHeldError';
  }
}
