import { describe, expect, it } from 'vitest';
import {
  decide,
  defaultApprovalPolicy,
  outcomeOf,
  requiredApprovals,
} from '../../shared/domain/approvals.js';
import { eventTypesForChange } from '../../shared/domain/events.js';
import { newPayout, type Payout, transition } from '../../shared/domain/payout.js';

const policy = defaultApprovalPolicy('ten_1', '2026-01-01T00:00:00.000Z');
const requester = { type: 'member' as const, id: 'u-req', name: 'Rita', email: 'rita@example.com' };

function pending(required: number): Payout {
  return newPayout({
    id: 'po_1',
    tenantId: 'ten_1',
    request: {
      amount: 2500,
      currency: 'EUR',
      destination: { type: 'email', email: 'a@example.com' },
      reference: 'r1',
      purpose: 'support_credit',
    },
    source: 'portal',
    now: '2026-01-01T00:00:00.000Z',
    manual: {
      reasonCode: 'x',
      rationale: 'y',
      ticketUrl: 'https://t',
      customerReference: 'c',
      attachment: null,
      requestedBy: requester,
    },
    approval: { required, expiresAt: '2026-01-04T00:00:00.000Z' },
  });
}

const decision = (userId: string, approve = true) => ({
  userId,
  name: userId,
  approve,
  comment: null,
  at: '2026-01-02T00:00:00.000Z',
});

describe('approval policy', () => {
  it.each([
    ['a portal payout', { source: 'portal', purpose: 'support_credit', currency: 'EUR', amount: 2500 }, 1],
    ['an API payout', { source: 'api', purpose: 'refund', currency: 'EUR', amount: 2500 }, 0],
    ['a high-value API payout', { source: 'api', purpose: 'refund', currency: 'EUR', amount: 1_000_000 }, 2],
    ['just below the threshold', { source: 'api', purpose: 'refund', currency: 'EUR', amount: 999_999 }, 0],
    [
      'a high-value portal payout (the strictest rule wins)',
      { source: 'portal', purpose: 'refund', currency: 'USD', amount: 5_000_000 },
      2,
    ],
    [
      'a large amount in a currency with no threshold',
      { source: 'api', purpose: 'refund', currency: 'JPY', amount: 5_000_000 },
      0,
    ],
  ] as const)('%s needs %#', (_, payout, expected) => {
    expect(requiredApprovals(policy, payout)).toBe(expected);
  });

  it('starts a payout that needs approval as pending_approval, with its requirement and expiry', () => {
    const payout = pending(2);

    expect(payout.status).toBe('pending_approval');
    expect(payout.approval).toEqual({
      required: 2,
      approvals: [],
      rejectedBy: null,
      expiresAt: '2026-01-04T00:00:00.000Z',
    });
    expect(pending(0).status).toBe('queued');
    expect(pending(0).approval).toBeNull();
  });
});

describe('decisions (four eyes)', () => {
  it('refuses the requester, a second approval by the same person, and decisions once decided', () => {
    const payout = pending(2);
    const once = { ...payout, approval: decide(payout, decision('u-a')).approval };

    expect(() => decide(payout, decision('u-req'))).toThrow(
      expect.objectContaining({ code: 'self_approval_refused' }),
    );
    expect(() => decide(once, decision('u-a'))).toThrow(expect.objectContaining({ code: 'already_decided' }));
    const rejected = { ...payout, approval: decide(payout, decision('u-b', false)).approval };
    expect(() => decide(rejected, decision('u-c'))).toThrow(
      expect.objectContaining({ code: 'payout_not_pending_approval' }),
    );
  });

  it('is approved at the quorum and rejected by one rejection', () => {
    const payout = pending(2);
    const first = decide(payout, decision('u-a'));
    const second = decide({ ...payout, approval: first.approval }, decision('u-b'));
    const rejected = decide({ ...payout, approval: first.approval }, decision('u-b', false));

    expect(first.outcome).toBe('pending');
    expect(second.outcome).toBe('approved');
    expect(rejected.outcome).toBe('rejected');
    expect(outcomeOf(rejected.approval)).toBe('rejected');
  });

  it('announces a release as payout.approved and payout.queued, other decisions by their status', () => {
    const payout = pending(1);
    const now = '2026-01-02T00:00:00.000Z';

    expect(eventTypesForChange(undefined, payout)).toEqual(['payout.created', 'payout.approval_requested']);
    expect(eventTypesForChange(payout, transition(payout, 'queued', now))).toEqual([
      'payout.approved',
      'payout.queued',
    ]);
    expect(eventTypesForChange(payout, transition(payout, 'rejected', now))).toEqual(['payout.rejected']);
    expect(eventTypesForChange(payout, transition(payout, 'expired', now))).toEqual(['payout.expired']);
  });
});
