import { describe, expect, it } from 'vitest';
import { idempotencyMapper, payoutMapper } from '../../../shared/adapters/dynamodb/mappers/payout.js';
import type { Payout } from '../../../shared/domain/payout.js';
import type { IdempotencyRecord } from '../../../shared/ports/payout-repository.js';
import { altered, refusal } from './refusal.js';

const member = { type: 'member', id: 'usr_1', name: 'Ada', email: 'ada@example.com' } as const;

/** A payout with every optional part present. */
const payout: Payout = {
  id: 'po_1',
  tenantId: 'ten_1',
  status: 'processing',
  amount: 12_345,
  currency: 'EUR',
  destination: {
    type: 'bank_account',
    account_holder_name: 'Ada',
    iban: 'DE89370400440532013000',
    bic: 'COBADEFF',
  },
  reference: 'inv-1',
  purpose: 'refund',
  description: 'a refund',
  metadata: { customer_reference: 'c-1' },
  source: 'portal',
  batchId: 'bat_1',
  approval: {
    required: 1,
    approvals: [{ userId: 'usr_2', name: 'Bo', at: '2026-12-01T10:00:00.000Z', comment: null }],
    rejectedBy: null,
    expiresAt: '2026-12-04T10:00:00.000Z',
  },
  failureCode: null,
  failureMessage: null,
  providerReference: 'sbx_1',
  connector: 'sandbox',
  connectorAccount: 'test:acct',
  returnCode: null,
  returnedAt: null,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  paidAt: null,
  execution: { attempts: 1, leaseExpiresAt: '2026-12-01T10:05:00.000Z' },
  manual: {
    reasonCode: 'goodwill',
    rationale: 'late delivery',
    ticketUrl: 'https://tickets.example.com/1',
    customerReference: 'c-1',
    attachment: { key: 'att/1', filename: 'a.pdf', contentType: 'application/pdf', size: 10 },
    requestedBy: member,
  },
  history: [{ status: 'pending_approval', at: '2026-12-01T09:00:00.000Z', actor: member }],
  lastAction: {
    id: 'act_1',
    action: 'payout.approve',
    actor: { type: 'api_key', id: 'key_1', createdBy: 'usr_1' },
    at: '2026-12-01T10:00:00.000Z',
    sourceIp: '10.0.0.1',
    requestId: null,
  },
  approvalTask: null,
  version: 3,
};

describe('payout items', () => {
  it('reads back the payout it wrote, tagged with its entity and format 1', () => {
    const item = payoutMapper.toItem(payout);

    expect(item).toMatchObject({ pk: 'TENANT#ten_1#PAYOUT#po_1', sk: 'PAYOUT', entity: 'payout', fmt: 1 });
    expect(payoutMapper.fromItem(item)).toEqual(payout);
  });

  it('stores the approval under the names it always had (the audit log diffs them), read back in camelCase', () => {
    const rejected = {
      ...payout,
      approval: {
        ...(payout.approval as NonNullable<Payout['approval']>),
        rejectedBy: { userId: 'usr_3', name: 'Cy', at: '2026-12-01T11:00:00.000Z', comment: 'No ticket' },
      },
    };
    const item = payoutMapper.toItem(rejected);

    expect(item.approval).toEqual({
      required: 1,
      approvals: [{ user_id: 'usr_2', name: 'Bo', at: '2026-12-01T10:00:00.000Z', comment: null }],
      rejected_by: { user_id: 'usr_3', name: 'Cy', at: '2026-12-01T11:00:00.000Z', comment: 'No ticket' },
      expires_at: '2026-12-04T10:00:00.000Z',
    });
    expect(payoutMapper.fromItem(item)).toEqual(rejected);
  });

  it('reads an item written before formats existed (no fmt) as format 1', () => {
    const item = altered(payoutMapper.toItem(payout), { fmt: undefined });

    expect(payoutMapper.fromItem(item)).toEqual(payout);
  });

  it('refuses a malformed item, naming the entity, the key and the fields', () => {
    const item = altered(payoutMapper.toItem(payout), { amount: '12345', status: 'lost' });

    const error = refusal(() => payoutMapper.fromItem(item));

    expect([error.entity, error.pk, error.sk]).toEqual(['payout', 'TENANT#ten_1#PAYOUT#po_1', 'PAYOUT']);
    expect(error.fields).toEqual(['status', 'amount']);
    expect(error.message).toMatch(
      /^Stored payout item \(pk TENANT#ten_1#PAYOUT#po_1, sk PAYOUT\) is malformed: status: .*; amount: /,
    );
  });

  it('names a nested field by its path', () => {
    const item = altered(payoutMapper.toItem(payout), {
      history: [{ status: 'queued', at: 7, actor: member }],
    });

    expect(refusal(() => payoutMapper.fromItem(item)).fields).toEqual(['history.0.at']);
  });

  it('refuses an item of a format this code does not know', () => {
    const item = altered(payoutMapper.toItem(payout), { fmt: 2 });

    const error = refusal(() => payoutMapper.fromItem(item));

    expect(error.fields).toEqual(['fmt']);
    expect(error.message).toContain('fmt: format 2 is unknown here (this code reads format 1)');
  });

  it('reads the projections of status and batch, a missing batch as none', () => {
    expect(payoutMapper.statusOf({ status: 'paid' })).toBe('paid');
    expect(payoutMapper.batchOf({ id: 'po_2' })).toEqual({ id: 'po_2', batchId: null });
    expect(refusal(() => payoutMapper.statusOf({ status: 3 })).fields).toEqual(['status']);
  });
});

describe('idempotency items', () => {
  const record: IdempotencyRecord = {
    tenantId: 'ten_1',
    key: 'key-1',
    fingerprint: 'abc',
    response: { statusCode: 201, body: '{"id":"po_1"}' },
    createdAt: '2026-12-01T09:00:00.000Z',
    expiresAt: 1_796_000_000,
  };

  it('stores the expiry as the TTL attribute and reads the record back', () => {
    const item = idempotencyMapper.toItem(record);

    expect(item).toMatchObject({
      pk: 'TENANT#ten_1#IDEM#key-1',
      sk: 'IDEM',
      expires_at: 1_796_000_000,
      fmt: 1,
    });
    expect(idempotencyMapper.fromItem(item)).toEqual(record);
    expect(idempotencyMapper.fromItem(altered(item, { fmt: undefined }))).toEqual(record);
  });

  it('refuses a record without its response', () => {
    const item = altered(idempotencyMapper.toItem(record), { response: undefined });

    const error = refusal(() => idempotencyMapper.fromItem(item));

    expect([error.entity, error.pk, error.sk, error.fields]).toEqual([
      'idempotency',
      'TENANT#ten_1#IDEM#key-1',
      'IDEM',
      ['response'],
    ]);
  });
});
