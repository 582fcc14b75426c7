import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/domain/audit.js';
import { AUDIT_ACTIONS } from '../../shared/domain/catalog.js';
import type { AuditLog } from '../../shared/ports/team-store.js';
import { AUDIT_EXPORT_MAX_ENTRIES, auditLogUseCase } from '../../shared/use-cases/audit-log.js';
import { eventually, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

const context = withTestPlatform('audit-export');
const team = {} as Record<'admin' | 'requester' | 'approver' | 'finance', PortalClient>;
/** A name a spreadsheet would run as a formula: the export must defuse it. */
const FORMULA_NAME = '=HYPERLINK("https://evil.example","Fiona")';
const payouts = { approved: '', rejected: '' };

let counter = 0;
async function requestPayout(): Promise<string> {
  counter += 1;
  const response = await team.requester.request('POST', '/payouts', {
    body: {
      category: 'support_credit',
      amount: 2500,
      currency: 'EUR',
      destination: { type: 'email', email: 'customer@example.com' },
      customer_reference: `CUST-${counter}`,
      reason_code: 'service_disruption',
      rationale: 'The outage on 3 November kept this customer offline for four hours.',
      ticket_url: 'https://support.example.com/tickets/4711',
    },
    headers: { 'idempotency-key': `audit-export-${Date.now()}-${counter}` },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id;
}

/** Sets the support credit limit in EUR (minor units), keeping the rest of the criteria. */
async function setSupportCreditLimit(maxAmount: number) {
  const current = (await team.admin.request('GET', '/settings/manual-payouts')).body;
  const limits = current.limits.filter(
    (limit: any) => !(limit.category === 'support_credit' && limit.currency === 'EUR'),
  );
  const saved = await team.admin.request('PUT', '/settings/manual-payouts', {
    body: {
      reason_codes: current.reason_codes,
      min_rationale_length: current.min_rationale_length,
      limits: [...limits, { category: 'support_credit', currency: 'EUR', max_amount: maxAmount }],
      version: current.version,
    },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

async function csvOf(client: PortalClient, query: string) {
  const response = await fetch(`${context.platform.url}/portal-api/v1/audit-log?${query}`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  const text = await response.text();
  return { response, text, rows: response.ok ? (parse(text, { bom: true, columns: true }) as any[]) : [] };
}

beforeAll(async () => {
  const tenantId = context.tenant.tenantId;
  team.admin = await newMember(context.platform, tenantId, ['admin'], 'Ada Admin');
  team.requester = await newMember(context.platform, tenantId, ['requester'], 'Rita Requester');
  team.approver = await newMember(context.platform, tenantId, ['approver'], 'Arne Approver');
  team.finance = await newMember(context.platform, tenantId, ['finance'], FORMULA_NAME);

  await setSupportCreditLimit(9_900);
  await setSupportCreditLimit(12_000);
  const policy = (await team.admin.request('GET', '/settings/approval-policy')).body;
  const rules = policy.rules.map((rule: any) =>
    Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== null)),
  );
  const updated = await team.admin.request('PUT', '/settings/approval-policy', {
    body: { rules, expiry_hours: policy.expiry_hours === 48 ? 72 : 48, version: policy.version },
  });
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);

  payouts.approved = await requestPayout();
  payouts.rejected = await requestPayout();
  for (const [id, decision, body] of [
    [payouts.approved, 'approve', {}],
    [payouts.rejected, 'reject', { comment: 'No outage is recorded for this customer.' }],
  ] as const) {
    const decided = await team.approver.request('POST', `/payouts/${id}/${decision}`, { body });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  }
  const now = Date.now();
  const report = await team.finance.request('POST', '/reports', {
    body: {
      created_gte: new Date(now - 86_400_000).toISOString(),
      created_lt: new Date(now + 60_000).toISOString(),
    },
  });
  expect(report.status, JSON.stringify(report.body)).toBe(202);
}, 120_000);

/** The filtered log, once the relay has written what the test expects. */
const entriesOf = (action: string, count = 1) =>
  eventually(
    async () => (await team.admin.request('GET', `/audit-log?action=${action}&limit=100`)).body,
    (body) => body.data?.length >= count,
    20_000,
  ).then((body) => body.data as any[]);

describe('the audit log for an auditor', () => {
  it('records approve, reject, report request and policy update, each found by its filter', async () => {
    for (const action of ['payout.approve', 'payout.reject', 'report.request', 'approval_policy.update']) {
      expect(AUDIT_ACTIONS).toContain(action);
      const entries = await entriesOf(action);
      expect(entries.every((entry) => entry.action === action)).toBe(true);
    }
  });

  it('names people and objects, and says what changed in words with money formatted', async () => {
    const [approved] = await entriesOf('payout.approve');
    const criteria = await entriesOf('manual_payout_criteria.update', 2);
    const [policy] = await entriesOf('approval_policy.update');
    const [rejected] = await entriesOf('payout.reject');

    expect(approved.action_text).toBe('Payout approved');
    expect(approved.actor.label).toBe(`Arne Approver (${team.approver.email})`);
    expect(approved.target).toMatchObject({ type: 'payout', id: payouts.approved });
    expect(rejected.actor.label).toContain('Arne Approver');
    // Newest first: the second update raised the limit from 99.00 to 120.00.
    expect(criteria[0].changes_text).toContainEqual({
      field: 'Maximum amount, Support credit in EUR',
      before: 'EUR 99.00',
      after: 'EUR 120.00',
    });
    expect(policy.target.label).toBe('Approval policy');
    expect(policy.changes_text.map((change: any) => change.field)).toContain('Hours to decide');
    // No code names or member ids in what a person reads.
    const shown = JSON.stringify(
      [approved, ...criteria, policy, rejected].map((entry) => entry.changes_text),
    );
    expect(shown).not.toMatch(/\b[a-z]+_[a-z_]+\b|maxAmount|expiryHours/);
    expect(shown).not.toContain(team.approver.memberId);
  });

  it('exports every entry of the filter as CSV, formulas defused', async () => {
    const listed = await entriesOf('payout.approve');
    const approvals = await csvOf(team.finance, 'format=csv&action=payout.approve');
    const reports = await csvOf(team.finance, 'format=csv&action=report.request');
    const everything = await csvOf(team.finance, 'format=csv');

    expect(approvals.response.status).toBe(200);
    expect(approvals.response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(approvals.response.headers.get('content-disposition')).toMatch(
      /attachment; filename="audit-log-payout-approve-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    expect(approvals.rows.map((row) => row['Entry ID'])).toEqual(listed.map((entry) => entry.id));
    expect(approvals.rows.every((row) => row.Action === 'Payout approved')).toBe(true);
    expect(approvals.rows[0]).toMatchObject({
      Who: `Arne Approver (${team.approver.email})`,
      'Object ID': payouts.approved,
    });
    // The finance member's name starts with "=": a spreadsheet shows it as text, never runs it.
    expect(reports.rows[0].Who.startsWith(`'${FORMULA_NAME}`)).toBe(true);
    expect(everything.rows.length).toBeGreaterThan(approvals.rows.length);
    expect(everything.rows.some((row) => row.Changes.includes('EUR 99.00 → EUR 120.00'))).toBe(true);
  });

  it('refuses an unknown format and a filter it cannot read, naming the field', async () => {
    const format = await team.finance.request('GET', '/audit-log?format=xml');
    const date = await csvOf(team.finance, 'format=csv&created_gte=yesterday');
    const requester = await team.requester.request('GET', '/audit-log?format=csv');

    expect(format.status).toBe(400);
    expect(format.body.error.param).toBe('format');
    expect(date.response.status).toBe(400);
    expect(JSON.parse(date.text).error.param).toBe('created_gte');
    expect(requester.status).toBe(403);
  });
});

describe('the audit export is bounded', () => {
  /** An in-memory log of `count` entries, paged as the DynamoDB adapter pages. */
  function logOf(count: number): Pick<AuditLog, 'list'> {
    const entries: AuditEntry[] = Array.from({ length: count }, (_, index) => ({
      id: `aud_${String(count - index).padStart(26, '0')}`,
      tenantId: 't',
      at: new Date(Date.UTC(2026, 0, 1) + (count - index) * 1000).toISOString(),
      action: 'payout.create',
      actor: { type: 'system' },
      target: { type: 'payout', id: `po_${index}` },
      sourceIp: null,
      requestId: null,
      changes: { amount: { before: null, after: 9_900 }, currency: { before: null, after: 'EUR' } },
    }));
    const reads: number[] = [];
    return {
      async list(_tenant, query) {
        const start = query.startingAfter
          ? entries.findIndex((entry) => entry.id === query.startingAfter) + 1
          : 0;
        reads.push(start);
        const items = entries.slice(start, start + query.limit);
        return { items, hasMore: start + query.limit < entries.length };
      },
    };
  }
  const names = { members: async () => [], apiKeys: async () => [] };

  it('reads every page of the filter', async () => {
    const csv = await auditLogUseCase({ audit: logOf(250), ...names }).exportCsv('t', {});
    const rows = parse(csv, { bom: true, columns: true }) as any[];

    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((row) => row['Entry ID'])).size).toBe(250);
    expect(rows[0]).toMatchObject({
      Who: 'The platform',
      Changes: 'Amount: — → EUR 99.00\nCurrency: — → EUR',
    });
  });

  it(`refuses more than ${AUDIT_EXPORT_MAX_ENTRIES} entries with a 400 that asks for a shorter period`, async () => {
    const exported = auditLogUseCase({ audit: logOf(AUDIT_EXPORT_MAX_ENTRIES + 1), ...names }).exportCsv(
      't',
      {},
    );

    await expect(exported).rejects.toMatchObject({
      statusCode: 400,
      code: 'export_too_large',
      message: expect.stringContaining('shorter period'),
    });
  });
});
