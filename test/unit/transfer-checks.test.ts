import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError } from '../../shared/domain/errors.js';
import type { TransferOutcome } from '../../shared/domain/execution.js';
import { newPayout, type Payout } from '../../shared/domain/payout.js';
import type { PayoutProvider } from '../../shared/ports/payout-provider.js';
import type { PayoutRepository } from '../../shared/ports/payout-repository.js';
import {
  checkTransferUseCase,
  executePayoutUseCase,
  NotSettledYetError,
} from '../../shared/use-cases/execute-payout.js';

/** The payouts in memory: a conditional write on the version, and a switch that kills the next write. */
function memoryPayouts(initial: Payout) {
  let stored = initial;
  const control = { crashOnStatus: undefined as string | undefined };
  const payouts = {
    async get() {
      return stored;
    },
    async transition({ current, next }: { current: Payout; next: Payout }) {
      if (current.version !== stored.version) throw new ConcurrentModificationError('changed');
      if (next.status === control.crashOnStatus) throw new Error('the executor died before this write');
      stored = next;
    },
  } as unknown as PayoutRepository;
  return { payouts, control, stored: () => stored };
}

/** A provider whose transfer is paid, then reported returned once `returned` is set. */
function returningProvider() {
  const state = { returned: false, created: 0 };
  const paid: TransferOutcome = { status: 'paid', providerReference: 'ref_1', checkAgainAfterSeconds: 5 };
  const provider: PayoutProvider = {
    name: 'fake',
    async createTransfer() {
      state.created += 1;
      return paid;
    },
    async findTransfer() {
      return state.returned
        ? {
            status: 'returned',
            providerReference: 'ref_1',
            returnCode: 'account_closed',
            returnedAt: '2026-12-02T10:00:00.000Z',
          }
        : paid;
    },
  };
  return { provider, state };
}

const payout = newPayout({
  id: 'po_1',
  tenantId: 'ten_1',
  request: {
    amount: 100,
    currency: 'EUR',
    destination: { type: 'email', email: 'a@example.com' },
    reference: 'r-1',
    purpose: 'refund',
  },
  source: 'api',
  now: '2026-12-02T09:00:00.000Z',
});

describe('later looks at a transfer (returns)', () => {
  it('asks for the look before writing paid: an executor that dies in between leaves a look that waits, never none', async () => {
    const store = memoryPayouts(payout);
    const { provider } = returningProvider();
    const scheduled: number[] = [];
    const execute = executePayoutUseCase({
      payouts: store.payouts,
      provider,
      leaseSeconds: 30,
      checks: { schedule: async (_tenant, _id, after) => void scheduled.push(after) },
    });
    store.control.crashOnStatus = 'paid';
    await expect(execute('ten_1', 'po_1')).rejects.toThrow(/died/);
    expect(scheduled).toEqual([5]);
    // The look arrives while the payout is still processing: not settled yet, so it comes back later.
    const check = checkTransferUseCase({ payouts: store.payouts, provider });
    await expect(check('ten_1', 'po_1')).rejects.toBeInstanceOf(NotSettledYetError);
  });

  it('marks a paid payout returned only when the provider says so, once', async () => {
    const store = memoryPayouts(payout);
    const { provider, state } = returningProvider();
    const execute = executePayoutUseCase({
      payouts: store.payouts,
      provider,
      leaseSeconds: 30,
      checks: { schedule: async () => undefined },
    });
    expect(await execute('ten_1', 'po_1')).toBe('paid');
    expect(store.stored()).toMatchObject({ status: 'paid', connector: 'fake' });

    const check = checkTransferUseCase({ payouts: store.payouts, provider });
    expect(await check('ten_1', 'po_1')).toBe('unchanged');
    state.returned = true;
    expect(await check('ten_1', 'po_1')).toBe('returned');
    expect(store.stored()).toMatchObject({
      status: 'returned',
      returnCode: 'account_closed',
      returnedAt: '2026-12-02T10:00:00.000Z',
    });
    expect(await check('ten_1', 'po_1')).toBe('unchanged');
    expect(store.stored().history?.map((entry) => entry.status)).toEqual([
      'queued',
      'processing',
      'paid',
      'returned',
    ]);
    expect(state.created).toBe(1);
  });
});
