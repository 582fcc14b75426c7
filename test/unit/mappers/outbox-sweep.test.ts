import { describe, expect, it } from 'vitest';
import { sweepMarkMapper } from '../../../shared/adapters/dynamodb/mappers/outbox-sweep.js';
import { altered, refusal } from './refusal.js';

describe('outbox sweep note items', () => {
  const mark = {
    tenantId: 'ten_1',
    payoutId: 'po_1',
    status: 'queued',
    count: 2,
    nextAt: '2026-12-01T00:10:00.000Z',
  };

  it('stores the note with its expiry (30 days after the next sweep) and reads it back', () => {
    const item = sweepMarkMapper.toItem(mark, 30);

    expect(item).toMatchObject({
      pk: 'TENANT#ten_1#PAYOUT#po_1',
      sk: 'SWEEP',
      expires_at: Date.parse('2026-12-01T00:10:00.000Z') / 1000 + 30 * 86_400,
      fmt: 1,
    });
    expect(sweepMarkMapper.fromItem(item)).toEqual(mark);
    expect(sweepMarkMapper.fromItem(altered(item, { fmt: undefined }))).toEqual(mark);
  });

  it('refuses a note without its count', () => {
    const error = refusal(() =>
      sweepMarkMapper.fromItem(altered(sweepMarkMapper.toItem(mark, 30), { count: undefined })),
    );

    expect([error.entity, error.pk, error.sk, error.fields]).toEqual([
      'outbox_sweep',
      'TENANT#ten_1#PAYOUT#po_1',
      'SWEEP',
      ['count'],
    ]);
  });
});
