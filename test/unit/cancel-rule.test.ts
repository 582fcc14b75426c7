import { describe, expect, it } from 'vitest';
import { payoutIdFor } from '../../shared/domain/ids.js';
import { newPayout, type Payout, type PayoutStatus } from '../../shared/domain/payout.js';
import { cancelPayoutUseCase } from '../../shared/use-cases/cancel-payout.js';
import { testClock } from '../fakes/clock.js';
import { memoryPorts } from '../fakes/memory-ports.js';
import { apiKey, callerOf, member, payoutBody, refusal, TENANT } from './use-cases/given.js';

/**
 * Who may cancel a payout a person asked for (issue 22: the rule moved from the portal's route into
 * the domain, `mayCancel`, and is checked by the use case on the payout as read for the write).
 */
const START = '2026-12-01T09:00:00.000Z';
const rita = member('u-rita', 'Rita Requester');

function portalPayout(status: PayoutStatus): Payout {
  const payout = newPayout({
    id: payoutIdFor(TENANT, 'credit-1'),
    tenantId: TENANT,
    request: payoutBody({ reference: 'credit-1' }),
    source: 'portal',
    now: START,
  });
  return {
    ...payout,
    status,
    manual: {
      reasonCode: 'service_outage',
      rationale: 'Outage credit',
      ticketUrl: 'https://tickets.example.com/1',
      customerReference: 'CUST-1',
      attachment: null,
      requestedBy: rita,
    },
  };
}

function setUp(status: PayoutStatus) {
  const { payouts } = memoryPorts();
  const payout = portalPayout(status);
  payouts.seed(payout);
  const cancel = cancelPayoutUseCase({ payouts, now: testClock(START).now });
  return { payouts, payout, cancel };
}

describe('canceling a payout that awaits approval', () => {
  it('refuses another member who is not an admin (403), and changes nothing', async () => {
    const { payouts, payout, cancel } = setUp('pending_approval');
    const error = await refusal(cancel(callerOf(member('u-bo')), payout.id, { id: 'u-bo', admin: false }));
    expect([error.statusCode, error.code, error.message]).toEqual([
      403,
      'forbidden',
      'Only the requester of this payout or an admin can cancel it while it awaits approval.',
    ]);
    expect((await payouts.get(TENANT, payout.id))?.status).toBe('pending_approval');
  });

  it.each([
    ['its requester', { id: rita.id, admin: false }],
    ['an admin', { id: 'u-grace', admin: true }],
    ['an API key (no member)', undefined],
  ] as const)('lets %s cancel it', async (_who, canceler) => {
    const { payouts, payout, cancel } = setUp('pending_approval');
    const caller = callerOf(canceler ? member(canceler.id) : apiKey());
    expect((await cancel(caller, payout.id, canceler)).status).toBe('canceled');
    expect((await payouts.get(TENANT, payout.id))?.status).toBe('canceled');
  });

  it('once queued, any member whose role may cancel can', async () => {
    const { payout, cancel } = setUp('queued');
    expect((await cancel(callerOf(member('u-bo')), payout.id, { id: 'u-bo', admin: false })).status).toBe(
      'canceled',
    );
  });
});
