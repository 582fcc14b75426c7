import { type Caller, stampFor } from '../domain/audit.js';
import { ForbiddenError } from '../domain/errors.js';
import { mayCancel, type Payout, transition } from '../domain/payout.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import { type PayoutResource, toPayoutResource } from '../schemas/payouts.js';
import { updatePayout } from './update-payout.js';

const MAX_ATTEMPTS = 3;

/**
 * Cancels a payout that is `pending_approval` or `queued`. The write is conditioned on the status and
 * version just read; if an executor or approver moved the payout meanwhile, read again and re-decide
 * (the domain then answers 409 payout_not_cancelable if it is too late).
 */
export function cancelPayoutUseCase(deps: {
  payouts: PayoutRepository;
  /** Ends a waiting approval execution (its finish step leaves the canceled payout alone). */
  afterCancel?: (payout: Payout) => Promise<void>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  /**
   * `member`: the portal member canceling (their rule, `mayCancel`, is checked on the payout as read
   * for the write); an API key may cancel any payout of its tenant.
   */
  return async function cancelPayout(
    caller: Caller,
    payoutId: string,
    member?: { id: string; admin: boolean },
  ): Promise<PayoutResource> {
    const target = { tenantId: caller.tenantId, payoutId, maxAttempts: MAX_ATTEMPTS };
    const canceled = await updatePayout(deps.payouts, target, (current) => {
      if (member && !mayCancel(current, member))
        throw new ForbiddenError(
          'Only the requester of this payout or an admin can cancel it while it awaits approval.',
        );
      const time = now();
      const action = stampFor(caller, 'payout.cancel', time);
      const next = transition(current, 'canceled', new Date(time).toISOString(), {}, action);
      return { next, result: next };
    });
    await deps.afterCancel?.(canceled);
    return toPayoutResource(canceled);
  };
}
