import { describe, expect, it } from 'vitest';
import {
  dayRunMapper,
  reconciliationItemMapper,
  reconciliationMarkMapper,
  reconciliationPackMapper,
  reconciliationRunMapper,
} from '../../../shared/adapters/dynamodb/mappers/reconciliation.js';
import type { ReconciliationItem } from '../../../shared/domain/reconciliation.js';
import { itBehavesAsAMapper } from './mapper-contract.js';
import { altered, refusal } from './refusal.js';

const platform = {
  payoutId: 'po_1',
  reference: 'inv-1',
  amount: 10_000,
  currency: 'EUR',
  status: 'paid',
  providerReference: 'psp_1',
} as const;
const provider = {
  providerReference: 'psp_1',
  amount: 9_000,
  currency: 'EUR',
  status: 'paid',
  createdAt: '2026-12-01T10:00:00.000Z',
  foundBy: 'statement',
} as const;
const counts = {
  amount_mismatch: 1,
  status_mismatch: 0,
  missing_at_provider: 0,
  unknown_at_provider: 0,
  pending: 0,
  matched: 4,
};

describe('reconciliation run items', () => {
  itBehavesAsAMapper(reconciliationRunMapper, {
    value: {
      id: 'rec_1',
      tenantId: 'ten_1',
      connector: 'adyen',
      date: '2026-12-01',
      status: 'completed',
      trigger: 'scheduled',
      requestedBy: { type: 'system' },
      attempt: 1,
      counts,
      totals: [
        { currency: 'EUR', platform: { count: 5, amount: '50000' }, provider: { count: 5, amount: '49000' } },
      ],
      progress: { providerRecords: 5, payouts: 5 },
      failure: null,
      createdAt: '2026-12-02T01:00:00.000Z',
      updatedAt: '2026-12-02T01:05:00.000Z',
      startedAt: '2026-12-02T01:00:01.000Z',
      completedAt: '2026-12-02T01:05:00.000Z',
      lastAction: {
        id: 'act_1',
        action: 'reconciliation_run.request',
        actor: { type: 'system' },
        at: '2026-12-02T01:00:00.000Z',
        sourceIp: null,
        requestId: null,
      },
      version: 4,
    },
    key: { pk: 'TENANT#ten_1#RECON#rec_1', sk: 'RUN' },
    malformed: { counts: { ...counts, matched: '4' }, connector: 'venmo' },
    fields: ['connector', 'counts.matched'],
  });
});

describe('reconciliation item items', () => {
  const item: ReconciliationItem = {
    runId: 'rec_1',
    tenantId: 'ten_1',
    attempt: 1,
    key: 'psp_1',
    outcome: 'amount_mismatch',
    platform,
    provider,
    resolution: null,
    version: 1,
  };

  itBehavesAsAMapper(reconciliationItemMapper, {
    value: item,
    key: { pk: 'TENANT#ten_1#RECON#rec_1#1', sk: 'ITEM#0#psp_1' },
    malformed: { provider: { ...provider, foundBy: 'guess' } },
    fields: ['provider.foundBy'],
  });

  it('tags a resolved item as a resolution (relayed) and reads it back', () => {
    const resolved: ReconciliationItem = {
      ...item,
      resolution: { by: { type: 'system' }, note: 'refunded by hand', at: '2026-12-03T00:00:00.000Z' },
      version: 2,
    };

    const stored = reconciliationItemMapper.toItem(resolved);

    expect(stored.entity).toBe('reconciliation_resolution');
    expect(reconciliationItemMapper.fromItem(stored)).toEqual(resolved);
    expect(
      refusal(() => reconciliationItemMapper.fromItem(altered(stored, { note: 1, resolution: {} }))).entity,
    ).toBe('reconciliation_resolution');
  });
});

describe('reconciliation pack items', () => {
  const run = { tenantId: 'ten_1', id: 'rec_1', attempt: 2 };
  const items = [{ key: 'psp_1', platform, provider: { ...provider, amount: 10_000 } }];

  it('stores matched items under the pack key and reads its sequence and items back', () => {
    const stored = reconciliationPackMapper.toItem(run, 3, items);

    expect(stored).toMatchObject({ pk: 'TENANT#ten_1#RECON#rec_1#2', sk: 'ITEM#5#PACK#0000003', fmt: 1 });
    expect(reconciliationPackMapper.fromItem(stored)).toEqual({ seq: 3, items });
  });

  it('refuses a pack whose item lacks its key', () => {
    const stored = altered(reconciliationPackMapper.toItem(run, 3, items), {
      items: [{ platform, provider }],
    });

    const error = refusal(() => reconciliationPackMapper.fromItem(stored));

    expect([error.entity, error.sk, error.fields]).toEqual([
      'reconciliation_pack',
      'ITEM#5#PACK#0000003',
      ['items.0.key'],
    ]);
  });
});

describe('reconciliation marks and day runs', () => {
  it('reads back a payout mark, with and without its resolution time', () => {
    const mark = {
      payoutId: 'po_1',
      outcome: 'matched',
      runId: 'rec_1',
      at: '2026-12-02T01:05:00.000Z',
    } as const;
    const resolved = { ...mark, resolvedAt: '2026-12-03T00:00:00.000Z' };

    expect(reconciliationMarkMapper.fromItem(reconciliationMarkMapper.toItem('ten_1', mark))).toEqual(mark);
    expect(reconciliationMarkMapper.fromItem(reconciliationMarkMapper.toItem('ten_1', resolved))).toEqual(
      resolved,
    );
    expect(
      refusal(() =>
        reconciliationMarkMapper.fromItem({
          ...reconciliationMarkMapper.toItem('ten_1', mark),
          outcome: 'ok',
        }),
      ).fields,
    ).toEqual(['outcome']);
  });

  it('reads back a day run and refuses one without its start', () => {
    const dayRun = {
      runId: 'rec_1',
      connector: 'adyen',
      date: '2026-12-01',
      startedAt: '2026-12-02T01:00:01.000Z',
      completedAt: '2026-12-02T01:05:00.000Z',
    } as const;
    const stored = dayRunMapper.toItem('ten_1', dayRun);

    expect(stored).toMatchObject({ pk: 'TENANT#ten_1#RECONDAY#adyen#2026-12-01', sk: 'DAYRUN', fmt: 1 });
    expect(dayRunMapper.fromItem(altered(stored, { fmt: undefined }))).toEqual(dayRun);
    expect(refusal(() => dayRunMapper.fromItem(altered(stored, { startedAt: undefined }))).fields).toEqual([
      'startedAt',
    ]);
  });
});
