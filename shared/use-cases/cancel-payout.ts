import { type Caller, stampFor } from '../domain/audit.js';
import { type Payout, transition } from '../domain/payout.js';
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
  return async function cancelPayout(caller: Caller, payoutId: string): Promise<PayoutResource> {
    const target = { tenantId: caller.tenantId, payoutId, maxAttempts: MAX_ATTEMPTS };
    const canceled = await updatePayout(deps.payouts, target, (current) => {
      const time = now();
      const action = stampFor(caller, 'payout.cancel', time);
      const next = transition(current, 'canceled', new Date(time).toISOString(), {}, action);
      return { next, result: next };
    });
    await deps.afterCancel?.(canceled);
    return toPayoutResource(canceled);
  };
}
