import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  deliveryIdFor,
  generateSigningSecret,
  liveSecrets,
  nextRetryDelay,
  parseRetrySchedule,
  rotateSecret,
  signedHeaders,
  type WebhookEndpoint,
  wantsEvent,
} from '../../shared/domain/webhooks.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const endpoint: WebhookEndpoint = {
  id: 'we_1',
  tenantId: 'ten_1',
  url: 'https://hooks.example.com',
  description: null,
  enabledEvents: ['payout.paid'],
  status: 'enabled',
  disabledReason: null,
  secrets: [{ secret: generateSigningSecret(), createdAt: new Date(T0).toISOString(), expiresAt: null }],
  failingSince: null,
  createdAt: new Date(T0).toISOString(),
  updatedAt: new Date(T0).toISOString(),
  version: 1,
};

describe('retry schedule', () => {
  it("is the contract's by default: 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h — about 3 days", () => {
    expect(DEFAULT_RETRY_SCHEDULE.slice(0, 6)).toEqual([5, 300, 1800, 7200, 18000, 36000]);
    const hours = DEFAULT_RETRY_SCHEDULE.reduce((sum, seconds) => sum + seconds, 0) / 3600;
    expect(hours).toBeGreaterThan(60);
    expect(hours).toBeLessThan(80);
  });

  it('is configurable and refuses nonsense', () => {
    expect(parseRetrySchedule('1, 2,3')).toEqual([1, 2, 3]);
    expect(() => parseRetrySchedule('1,x')).toThrow(/comma-separated seconds/);
  });

  it('jitters ±20 %, keeps a floor after 429s and timeouts, honours Retry-After within bounds, and ends', () => {
    const at = (random: number, extra: Partial<Parameters<typeof nextRetryDelay>[0]> = {}) =>
      nextRetryDelay({
        schedule: DEFAULT_RETRY_SCHEDULE,
        attempt: 2,
        throttledOrTimedOut: false,
        random: () => random,
        ...extra,
      });
    expect([at(0), at(1)]).toEqual([240, 360]);
    expect(
      nextRetryDelay({
        schedule: DEFAULT_RETRY_SCHEDULE,
        attempt: 1,
        throttledOrTimedOut: true,
        random: () => 0.5,
      }),
    ).toBe(30);
    expect(at(0.5, { retryAfterSeconds: 1200 })).toBe(1200);
    expect(at(0.5, { retryAfterSeconds: 999_999 })).toBe(3600);
    expect(at(0.5, { retryAfterSeconds: 10 })).toBe(300);
    expect(nextRetryDelay({ schedule: [1, 1], attempt: 3, throttledOrTimedOut: false })).toBeUndefined();
  });
});

describe('signing and rotation', () => {
  it('signs so that the official library verifies', () => {
    const body = '{"id":"evt_1"}';
    const headers = signedHeaders({
      eventId: 'evt_1',
      body,
      secrets: liveSecrets(endpoint, T0),
      now: Date.now(),
    });
    expect(headers['webhook-id']).toBe('evt_1');
    expect(new Webhook(endpoint.secrets[0]!.secret).verify(body, headers)).toEqual({ id: 'evt_1' });
  });

  it('keeps the old secret signing for 24 hours after a rotation, then only the new one', () => {
    const { endpoint: rotated, secret } = rotateSecret(endpoint, T0);
    expect(liveSecrets(rotated, T0 + 3600_000)).toEqual([secret, endpoint.secrets[0]!.secret]);
    expect(liveSecrets(rotated, T0 + 24 * 3600_000 + 1)).toEqual([secret]);
    expect(rotated.version).toBe(2);
  });

  it('a second rotation drops secrets whose overlap is over', () => {
    const first = rotateSecret(endpoint, T0);
    const second = rotateSecret(first.endpoint, T0 + 25 * 3600_000);
    expect(second.endpoint.secrets.map((entry) => entry.secret)).toEqual([second.secret, first.secret]);
  });
});

describe('subscriptions and ids', () => {
  it('an enabled endpoint wants the events it lists, or all with "*"', () => {
    expect(wantsEvent(endpoint, 'payout.paid')).toBe(true);
    expect(wantsEvent(endpoint, 'payout.failed')).toBe(false);
    expect(wantsEvent({ ...endpoint, enabledEvents: ['*'] }, 'payout.failed')).toBe(true);
    expect(wantsEvent({ ...endpoint, status: 'disabled' }, 'payout.paid')).toBe(false);
  });

  it('one delivery id per (event, endpoint)', () => {
    expect(deliveryIdFor('evt_1', 'we_1')).toBe(deliveryIdFor('evt_1', 'we_1'));
    expect(deliveryIdFor('evt_1', 'we_1')).not.toBe(deliveryIdFor('evt_1', 'we_2'));
  });
});
