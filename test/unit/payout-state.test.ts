import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../shared/domain/errors.js';
import {
  canTransition,
  isSettled,
  isTerminal,
  newPayout,
  PAYOUT_STATUSES,
  statusesLeadingTo,
  transition,
} from '../../shared/domain/payout.js';

const request = {
  amount: 1050,
  currency: 'EUR',
  destination: { type: 'email' as const, email: 'ada@example.com' },
  reference: 'r-1',
  purpose: 'refund' as const,
};
const created = newPayout({
  id: 'po_1',
  tenantId: 'ten_1',
  request,
  source: 'api',
  now: '2026-11-23T10:00:00.000Z',
});

describe('payout state machine', () => {
  it('follows exactly the contract: pending_approval → queued → processing → paid | failed, paid → returned, plus rejections and cancels', () => {
    const allowed = PAYOUT_STATUSES.flatMap((from) =>
      PAYOUT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'pending_approval→queued',
        'pending_approval→rejected',
        'pending_approval→expired',
        'pending_approval→canceled',
        'queued→processing',
        'queued→canceled',
        'processing→paid',
        'processing→failed',
        'paid→returned',
      ].sort(),
    );
  });

  it('treats failed, returned, rejected, expired and canceled as final; paid as settled but returnable', () => {
    expect(PAYOUT_STATUSES.filter(isTerminal).sort()).toEqual([
      'canceled',
      'expired',
      'failed',
      'rejected',
      'returned',
    ]);
    expect(PAYOUT_STATUSES.filter(isSettled).sort()).toEqual([
      'canceled',
      'expired',
      'failed',
      'paid',
      'rejected',
      'returned',
    ]);
  });

  it('lists the statuses a cancel may start from', () => {
    expect(statusesLeadingTo('canceled').sort()).toEqual(['pending_approval', 'queued']);
  });

  it('creates payouts without approval as queued, version 1', () => {
    expect(created).toMatchObject({
      status: 'queued',
      version: 1,
      approval: null,
      metadata: {},
      description: null,
    });
  });

  it('bumps the version on every legal transition and keeps the other fields', () => {
    const processing = transition(created, 'processing', '2026-11-23T10:00:01.000Z');
    const paid = transition(processing, 'paid', '2026-11-23T10:00:02.000Z', {
      paidAt: '2026-11-23T10:00:02.000Z',
    });
    expect(processing).toMatchObject({ status: 'processing', version: 2, amount: 1050 });
    expect(paid).toMatchObject({ status: 'paid', version: 3, paidAt: '2026-11-23T10:00:02.000Z' });
  });

  it('refuses illegal transitions with a typed error; a late cancel is payout_not_cancelable', () => {
    const processing = transition(created, 'processing', 'now');
    expect(() => transition(created, 'paid', 'now')).toThrow(IllegalTransitionError);
    expect(() => transition(processing, 'canceled', 'now')).toThrow(
      expect.objectContaining({ code: 'payout_not_cancelable', statusCode: 409 }),
    );
  });
});
