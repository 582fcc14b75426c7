import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LIMIT_PER_SECOND } from '../../shared/domain/rate-limits.js';
import { countItems, payoutBody, withTestPlatform } from '../helpers/platform.js';

/** Items one successful create writes: the idempotency record and the payout. */
const ITEMS_PER_PAYOUT = 2;

// Its own DynamoDB Local: 1,500 requests' stream records would slow the shared one for every other
// file (its GetRecords cost grows with every record it holds, D57).
const ctx = withTestPlatform('bad-input', { dynamodbEndpoint: undefined });

const bankAccount = (overrides: Record<string, unknown>) => ({
  type: 'bank_account',
  account_holder_name: 'Ada Lovelace',
  iban: 'DE89370400440532013000',
  ...overrides,
});

describe('bad input gets a 4xx naming the field, and writes nothing', () => {
  const cases: [string, Record<string, unknown> | string, string, string][] = [
    ['malformed JSON', '{"amount": 10,', 'invalid_json', 'body'],
    ['a JSON array', '[]', 'validation_failed', 'body'],
    ['an empty body', '', 'validation_failed', 'body'],
    ['a string amount', { amount: '1050' }, 'validation_failed', 'amount'],
    ['a float amount', { amount: 10.5 }, 'validation_failed', 'amount'],
    ['a negative amount', { amount: -1 }, 'validation_failed', 'amount'],
    ['a zero amount', { amount: 0 }, 'validation_failed', 'amount'],
    ['a huge amount', { amount: 1e13 }, 'validation_failed', 'amount'],
    ['an unknown currency', { currency: 'ABC' }, 'validation_failed', 'currency'],
    ['a lowercase currency', { currency: 'eur' }, 'validation_failed', 'currency'],
    ['gold as currency', { currency: 'XAU' }, 'validation_failed', 'currency'],
    [
      'a bad IBAN checksum',
      { destination: bankAccount({ iban: 'DE89370400440532013001' }) },
      'validation_failed',
      'destination.iban',
    ],
    ['a bad BIC', { destination: bankAccount({ bic: 'NOTABIC' }) }, 'validation_failed', 'destination.bic'],
    [
      'a missing holder name',
      { destination: bankAccount({ account_holder_name: '' }) },
      'validation_failed',
      'destination.account_holder_name',
    ],
    [
      'an unknown destination type',
      { destination: { type: 'crypto', wallet: 'x' } },
      'validation_failed',
      'destination.type',
    ],
    [
      'a bad email',
      { destination: { type: 'email', email: 'not-an-email' } },
      'validation_failed',
      'destination.email',
    ],
    ['a reference with spaces', { reference: 'has spaces' }, 'validation_failed', 'reference'],
    ['a 129-character reference', { reference: 'r'.repeat(129) }, 'validation_failed', 'reference'],
    ['an unknown purpose', { purpose: 'bribe' }, 'validation_failed', 'purpose'],
    ['an unknown field', { status: 'paid' }, 'validation_failed', 'status'],
    [
      'an unknown nested field',
      { destination: bankAccount({ routing: '1' }) },
      'validation_failed',
      'destination.routing',
    ],
    [
      '51 metadata keys',
      { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'validation_failed',
      'metadata',
    ],
    [
      'a 41-character metadata key',
      { metadata: { ['k'.repeat(41)]: 'v' } },
      'validation_failed',
      `metadata.${'k'.repeat(41)}`,
    ],
    [
      'a 501-character metadata value',
      { metadata: { note: 'v'.repeat(501) } },
      'validation_failed',
      'metadata.note',
    ],
    ['a non-string metadata value', { metadata: { count: 3 } }, 'validation_failed', 'metadata.count'],
  ];

  it.each(cases)('%s', async (_label, change, code, param) => {
    const before = await countItems(ctx.platform);
    const rawBody = typeof change === 'string' ? change : JSON.stringify(payoutBody(change));
    const response = await ctx.tenant.request('POST', '/v1/payouts', {
      rawBody,
      headers: { 'idempotency-key': `bad-${_label}` },
    });

    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
    if (code === 'validation_failed') {
      expect(response.body.error.details).toContainEqual({ param, message: expect.any(String) });
    }
    expect(await countItems(ctx.platform)).toBe(before);
  });

  it('lists every problem of a body at once', async () => {
    const response = await ctx.tenant.createPayout({
      amount: -5,
      currency: 'eur',
      destination: { type: 'email' },
      reference: '',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { param: string }) => detail.param)).toEqual(
      expect.arrayContaining(['amount', 'currency', 'destination.email', 'reference']),
    );
  });

  it('requires an Idempotency-Key and names it', async () => {
    const before = await countItems(ctx.platform);
    const response = await ctx.tenant.request('POST', '/v1/payouts', { body: payoutBody() });
    const tooLong = await ctx.tenant.createPayout(payoutBody(), 'k'.repeat(256));

    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'idempotency_key_missing', param: 'Idempotency-Key' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.param).toBe('Idempotency-Key');
    expect(await countItems(ctx.platform)).toBe(before);
  });

  it('answers 413 for a body above 64 KiB', async () => {
    const before = await countItems(ctx.platform);
    const response = await ctx.tenant.createPayout(payoutBody({ description: 'x'.repeat(70 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large' });
    expect(await countItems(ctx.platform)).toBe(before);
  });
});

describe('generated bodies (property-based)', () => {
  const valid = () => payoutBody();
  const fields = [
    'amount',
    'currency',
    'destination',
    'reference',
    'purpose',
    'description',
    'metadata',
    'unknown',
  ];
  const mutatedBody = fc
    .record({ field: fc.constantFrom(...fields), value: fc.oneof(fc.jsonValue(), fc.constant(undefined)) })
    .map(({ field, value }) => JSON.stringify({ ...valid(), [field]: value }));
  const mutatedDestination = fc
    .record({
      field: fc.constantFrom('type', 'iban', 'bic', 'account_holder_name', 'email', 'extra'),
      value: fc.jsonValue(),
    })
    .map(({ field, value }) =>
      JSON.stringify({ ...valid(), destination: { ...valid().destination, [field]: value } }),
    );
  const anyJson = fc.jsonValue().map((value) => JSON.stringify(value));
  const anyText = fc.string({ maxLength: 200 });
  const bodies = fc.oneof(mutatedBody, mutatedDestination, anyJson, anyText);

  it('never answers 5xx, and only 201s write anything', async () => {
    // Bad input is the subject here, not the rate limit (1,500 requests at ~100/s would meet it).
    await ctx.platform.admin.setLimits(ctx.tenant.tenantId, { createPerSecond: MAX_LIMIT_PER_SECOND });
    const before = await countItems(ctx.platform);
    let created = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (rawBody) => {
        runs += 1;
        const response = await ctx.tenant.request('POST', '/v1/payouts', {
          rawBody,
          headers: { 'idempotency-key': `prop-${runs}` },
        });
        expect(response.status).toBeLessThan(500);
        if (response.status === 201) created += 1;
        else expect(response.body.error.param ?? response.body.error.code).toBeTruthy();
      }),
      { numRuns: 1500 },
    );
    expect(await countItems(ctx.platform)).toBe(before + created * ITEMS_PER_PAYOUT);
  }, 300_000);
});
