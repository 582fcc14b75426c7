import { describe, expect, it } from 'vitest';
import { reportMapper } from '../../../shared/adapters/dynamodb/mappers/report.js';
import type { Report } from '../../../shared/domain/reports.js';
import { itBehavesAsAMapper } from './mapper-contract.js';
import { altered } from './refusal.js';

const report: Report = {
  id: 'rep_1',
  tenantId: 'ten_1',
  status: 'ready',
  filters: {
    createdGte: '2026-11-01T00:00:00.000Z',
    createdLt: '2026-12-01T00:00:00.000Z',
    status: 'paid',
    source: 'api',
    purpose: 'payroll',
    currency: 'EUR',
  },
  requestedBy: { type: 'system' },
  trigger: 'scheduled',
  rows: 2,
  totals: [{ currency: 'EUR', status: 'paid', count: 2, amount: '90071992547409930' }],
  fileKey: 'ten_1/reports/rep_1.csv',
  summaryKey: 'ten_1/reports/rep_1-totals.csv',
  failure: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:01:00.000Z',
  completedAt: '2026-12-01T00:01:00.000Z',
  lastAction: {
    id: 'act_1',
    action: 'report.request',
    actor: { type: 'api_key', id: 'key_1', createdBy: null },
    at: '2026-12-01T00:00:00.000Z',
    sourceIp: null,
    requestId: null,
  },
  version: 3,
};

describe('report items', () => {
  itBehavesAsAMapper(reportMapper, {
    value: report,
    key: { pk: 'TENANT#ten_1#REPORT#rep_1', sk: 'REPORT' },
    malformed: { totals: [{ currency: 'EUR', status: 'paid', count: 2, amount: 12.5 }] },
    fields: ['totals.0.amount'],
  });

  it('reads a total stored as a number (reports written before 2026-12) as decimal digits', () => {
    const item = altered(reportMapper.toItem(report), {
      fmt: undefined,
      totals: [{ currency: 'EUR', status: 'paid', count: 2, amount: 12_345 }],
    });

    expect(reportMapper.fromItem(item).totals).toEqual([
      { currency: 'EUR', status: 'paid', count: 2, amount: '12345' },
    ]);
  });
});
