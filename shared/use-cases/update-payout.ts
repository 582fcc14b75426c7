import { ConcurrentModificationError, NotFoundError } from '../domain/errors.js';
import type { Payout } from '../domain/payout.js';
import type { PayoutRepository } from '../ports/payout-repository.js';

/**
 * Reads a payout, lets `change` decide its next version (or answer without writing), and writes it
 * conditioned on the status and version read. If someone else wrote meanwhile, reads and decides
 * again, up to `maxAttempts` times; the domain's answer on the fresh read is what counts.
 */
export async function updatePayout<T>(
  payouts: PayoutRepository,
  target: { tenantId: string; payoutId: string; maxAttempts: number },
  change: (payout: Payout) => { next: Payout; result: T } | { result: T },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await payouts.get(target.tenantId, target.payoutId);
    if (!current) throw new NotFoundError('payout', target.payoutId);
    const decided = change(current);
    if (!('next' in decided)) return decided.result;
    try {
      await payouts.transition({ current, next: decided.next });
      return decided.result;
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= target.maxAttempts) throw error;
    }
  }
}
