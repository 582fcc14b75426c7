import { beforeAll, describe, expect, it } from 'vitest';
import { withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

const context = withTestPlatform('portal-settings');
let admin: PortalClient;
let viewer: PortalClient;

beforeAll(async () => {
  admin = await newMember(context.platform, context.tenant.tenantId, ['admin'], 'Settings Admin');
  viewer = await newMember(context.platform, context.tenant.tenantId, ['viewer'], 'Settings Viewer');
}, 60_000);

describe('payout criteria: bad input is a 400 naming the field, and nothing is saved', () => {
  it('refuses a limit listed twice for the same category and currency (the second would be ignored)', async () => {
    const current = (await admin.request('GET', '/settings/manual-payouts')).body;
    const limits = [...current.limits, { category: 'support_credit', currency: 'EUR', max_amount: 999_999 }];
    const answer = await admin.request('PUT', '/settings/manual-payouts', {
      body: {
        reason_codes: current.reason_codes,
        min_rationale_length: current.min_rationale_length,
        limits,
        version: current.version,
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { param: `limits.${limits.length - 1}.currency`, message: expect.stringContaining('EUR') },
    ]);
    expect((await admin.request('GET', '/settings/manual-payouts')).body.version).toBe(current.version);
  });

  it('refuses a reason code listed twice, and a currency that is not a payable ISO 4217 code', async () => {
    const current = (await admin.request('GET', '/settings/manual-payouts')).body;
    const first = current.reason_codes[0];
    const unknown = await admin.request('PUT', '/settings/manual-payouts', {
      body: {
        reason_codes: current.reason_codes,
        min_rationale_length: current.min_rationale_length,
        limits: [{ category: 'support_credit', currency: 'XYZ', max_amount: 100 }],
        version: current.version,
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe('limits.0.currency');
    const repeated = await admin.request('PUT', '/settings/manual-payouts', {
      body: {
        reason_codes: [...current.reason_codes, { code: first.code, label: 'Again' }],
        min_rationale_length: current.min_rationale_length,
        limits: current.limits,
        version: current.version,
      },
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.details.map((detail: { param: string }) => detail.param)).toEqual([
      `reason_codes.${current.reason_codes.length}.code`,
    ]);
  });

  it('saves a currency added to one category and read back', async () => {
    const current = (await admin.request('GET', '/settings/manual-payouts')).body;
    const saved = await admin.request('PUT', '/settings/manual-payouts', {
      body: {
        reason_codes: current.reason_codes,
        min_rationale_length: current.min_rationale_length,
        limits: [...current.limits, { category: 'one_time_refund', currency: 'CHF', max_amount: 12_345 }],
        version: current.version,
      },
    });
    expect(saved.status).toBe(200);
    expect((await viewer.request('GET', '/settings/manual-payouts')).body.limits).toContainEqual({
      category: 'one_time_refund',
      currency: 'CHF',
      max_amount: 12_345,
    });
  });
});

describe('approval policy: purposes are kept, bad input is a 400 naming the field', () => {
  it('saves a rule limited to purposes, which a viewer reads but cannot change', async () => {
    const current = (await admin.request('GET', '/settings/approval-policy')).body;
    const rule = {
      name: 'Large credits',
      purposes: ['support_credit', 'one_time_refund'],
      currency: 'JPY',
      min_amount: 50_000,
      approvals: 2,
    };
    const saved = await admin.request('PUT', '/settings/approval-policy', {
      body: { rules: [rule], expiry_hours: 48, version: current.version },
    });
    expect(saved.status).toBe(200);
    const read = await viewer.request('GET', '/settings/approval-policy');
    expect(read.body.rules).toEqual([{ ...rule, sources: null }]);
    const refused = await viewer.request('PUT', '/settings/approval-policy', {
      body: { rules: [], expiry_hours: 48, version: read.body.version },
    });
    expect(refused.status).toBe(403);
  });

  it('names each bad field of each rule', async () => {
    const current = (await admin.request('GET', '/settings/approval-policy')).body;
    const answer = await admin.request('PUT', '/settings/approval-policy', {
      body: {
        rules: [
          { name: 'No currency', min_amount: 100, approvals: 1 },
          { name: 'Bad purpose', purposes: ['gifts'], approvals: 9 },
        ],
        expiry_hours: 0,
        version: current.version,
      },
    });
    expect(answer.status).toBe(400);
    const params = answer.body.error.details.map((detail: { param: string }) => detail.param).sort();
    expect(params).toEqual(['expiry_hours', 'rules.0.currency', 'rules.1.approvals', 'rules.1.purposes.0']);
  });
});
