import { ConcurrentModificationError } from '../domain/errors.js';
import { markReturned, settle, takeLease } from '../domain/execution.js';
import { isSettled, type Payout } from '../domain/payout.js';
import { type PayoutProvider, ProviderTimeoutError } from '../ports/payout-provider.js';
import type { PayoutRepository } from '../ports/payout-repository.js';

export type ExecutionResult = 'paid' | 'failed' | 'skipped';

/** Later looks at a transfer: a message that comes back to the executor after a delay. */
export interface TransferChecks {
  schedule(tenantId: string, payoutId: string, afterSeconds: number): Promise<void>;
}

/** The transfer's provider has not settled the payout yet: look again later (the message retries). */
export class NotSettledYetError extends Error {
  constructor(payoutId: string) {
    super(`Payout ${payoutId} is not settled yet: its transfer is checked again later`);
    this.name = 'NotSettledYetError';
  }
}

/**
 * A later look at a paid payout's transfer (a return the provider reports days after paying). The
 * message only says where to look: the payout is read from the table and the transfer from the
 * provider, and `paid → returned` is a conditional write (a second look changes nothing).
 */
export function checkTransferUseCase(deps: {
  payouts: PayoutRepository;
  provider: PayoutProvider;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  return async function check(tenantId: string, payoutId: string): Promise<'returned' | 'unchanged'> {
    const payout = await deps.payouts.get(tenantId, payoutId);
    if (!payout) return 'unchanged';
    if (!isSettled(payout.status)) throw new NotSettledYetError(payoutId);
    if (payout.status !== 'paid') return 'unchanged';
    const outcome = await deps.provider.findTransfer(payout.id);
    if (outcome?.status !== 'returned') return 'unchanged';
    try {
      await deps.payouts.transition({ current: payout, next: markReturned(payout, outcome, now()) });
    } catch (error) {
      // Returned by a concurrent look (or changed meanwhile): the next look sees it.
      if (error instanceof ConcurrentModificationError) return 'unchanged';
      throw error;
    }
    return 'returned';
  };
}

const MAX_RACES = 3;

/**
 * Executes one payout in three atomic phases. Any message about it may arrive any number of times,
 * and the process may die between any two lines; the outcome is still exactly one transfer.
 *
 *   (1) conditional write queued → processing, taking a lease (attempt n)
 *   (2) provider.createTransfer(key = payout id)        ← same key on every attempt
 *   (3) conditional write processing → paid | failed
 *
 *   died after (1)          → redelivery waits for the lease to expire, takes it over (attempt n+1)
 *   died after (2)          → attempt n+1 asks the provider about the key first and settles with that
 *   provider timed out (2)  → ask about the key at once; unknown still → retry later, never "pay again"
 *   duplicate message       → lease held → retry later; or payout already final → skipped
 *   lost the race at (3)    → someone took the lease over after it expired; they settle it
 */
export function executePayoutUseCase(deps: {
  payouts: PayoutRepository;
  provider: PayoutProvider;
  /** How long an attempt owns a payout; longer than the executor's timeout, so attempts never overlap. */
  leaseSeconds: number;
  /** Asks for a later look at a transfer (a provider that may still send the money back). */
  checks?: TransferChecks;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function transfer(payout: Payout) {
    const key = payout.id;
    // Only an attempt that follows another can find a transfer already made.
    const earlier = (payout.execution?.attempts ?? 1) > 1 ? await deps.provider.findTransfer(key) : undefined;
    if (earlier) return earlier;
    try {
      return await deps.provider.createTransfer({
        idempotencyKey: key,
        amount: payout.amount,
        currency: payout.currency,
        destination: payout.destination,
      });
    } catch (error) {
      if (!(error instanceof ProviderTimeoutError)) throw error;
      const known = await deps.provider.findTransfer(key);
      if (known) return known;
      throw error; // still unknown: the message comes back later and this attempt's successor asks again
    }
  }

  return async function execute(tenantId: string, payoutId: string): Promise<ExecutionResult> {
    for (let race = 0; race < MAX_RACES; race++) {
      const current = await deps.payouts.get(tenantId, payoutId);
      if (!current || isSettled(current.status) || current.status === 'pending_approval') return 'skipped';

      const leased = takeLease(current, now(), deps.leaseSeconds); // throws LeaseHeldError: retry later
      try {
        await deps.payouts.transition({ current, next: leased });
      } catch (error) {
        if (error instanceof ConcurrentModificationError) continue; // canceled or taken meanwhile: re-read
        throw error;
      }

      const outcome = await transfer(leased);
      const settled = settle(leased, outcome, now(), deps.provider.name);
      // Asked for before the write, not after: a crash in between leaves a check that finds the payout
      // not yet paid and comes back later, never a paid payout whose return nobody looks for.
      const checkAfter =
        outcome.status === 'returned'
          ? 0
          : outcome.status === 'paid'
            ? outcome.checkAgainAfterSeconds
            : undefined;
      if (checkAfter !== undefined && deps.checks) await deps.checks.schedule(tenantId, payoutId, checkAfter);
      try {
        await deps.payouts.transition({ current: leased, next: settled });
        return settled.status as ExecutionResult;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        const latest = await deps.payouts.get(tenantId, payoutId);
        if (latest && isSettled(latest.status)) return 'skipped';
        throw error;
      }
    }
    throw new ConcurrentModificationError(`Payout ${payoutId} kept changing under the executor`);
  };
}
