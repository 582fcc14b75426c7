import { describe, expect, it } from 'vitest';
import { apiKeyHint, generateApiKey, hashApiKey, looksLikeApiKey } from '../../shared/domain/api-keys.js';
import { canonicalJson, requestFingerprint } from '../../shared/domain/fingerprint.js';
import { idTime, newId, PAYOUT_ID_PATTERN, payoutIdFor } from '../../shared/domain/ids.js';

describe('ids', () => {
  it('sort by creation time and carry it', () => {
    const early = newId('evt', 1_700_000_000_000);
    const late = newId('evt', 1_700_000_000_001);
    const again = newId('evt', 1_700_000_000_000);
    expect(early < late).toBe(true);
    expect(again < late).toBe(true);
    expect(idTime(late)).toBe(1_700_000_000_001);
  });

  it('derive a payout id from tenant and reference: the same pair, the same id; any other pair, another', () => {
    const id = payoutIdFor('ten_A', 'refund-8812');
    expect(id).toMatch(PAYOUT_ID_PATTERN);
    expect(payoutIdFor('ten_A', 'refund-8812')).toBe(id);
    expect(payoutIdFor('ten_B', 'refund-8812')).not.toBe(id);
    expect(payoutIdFor('ten_A', 'refund-8813')).not.toBe(id);
    // An unambiguous encoding keeps (tenant, reference) pairs from colliding by concatenation.
    expect(payoutIdFor('ten_A\nx', 'y')).not.toBe(payoutIdFor('ten_A', 'x\ny'));
  });
});

describe('request fingerprints', () => {
  it('ignore key order at every depth but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
    expect(requestFingerprint('op', { a: 1, b: 2 })).toBe(requestFingerprint('op', { b: 2, a: 1 }));
    expect(requestFingerprint('op', { a: 1 })).not.toBe(requestFingerprint('op', { a: 2 }));
    expect(requestFingerprint('op', { a: 1 })).not.toBe(requestFingerprint('other', { a: 1 }));
  });
});

describe('API keys', () => {
  it('are sk_test_/sk_live_ with 192 random bits, hashed for storage, hinted for display', () => {
    const key = generateApiKey('test');
    expect(key).toMatch(/^sk_test_[A-Za-z0-9_-]{32}$/);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey(generateApiKey('live'))).toBe(true);
    expect(generateApiKey('test')).not.toBe(key);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key.slice(8));
    expect(apiKeyHint(key)).toBe(`sk_test_…${key.slice(-4)}`);
  });
});
