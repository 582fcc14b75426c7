import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors.js';
import { rateLimitsUseCase, sliceSize } from '../../../shared/use-cases/rate-limits.js';
import { testClock } from '../../fakes/clock.js';
import { memoryRequestCounter } from '../../fakes/memory-request-counter.js';
import { TENANT } from './given.js';

/** A function instance of the API: its own allowances, the shared counter. */
function instance(
  counter: ReturnType<typeof memoryRequestCounter>,
  now: () => number,
  createPerSecond: number,
) {
  return rateLimitsUseCase({ counter, limitsOf: async () => ({ createPerSecond }), now });
}

/** Sends `count` requests at once through `limits`; how many were let through and how many refused. */
async function burst(limits: ReturnType<typeof instance>, count: number, subject?: string) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => limits.take(TENANT, 'create', subject)),
  );
  const refused = results.filter((result) => result.status === 'rejected');
  for (const result of refused)
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited' });
  return { accepted: count - refused.length, refused: refused.length };
}

describe('per-tenant rate limits, counted in slices (D79)', () => {
  it('lets exactly the limit through in a second across instances, however the requests interleave', async () => {
    const clock = testClock('2026-12-01T09:00:00.000Z');
    const counter = memoryRequestCounter();
    const instances = [1, 2, 3].map(() => instance(counter, clock.now, 100));
    // Each instance served 60 requests a second before: they claim slices, not single tokens.
    for (let second = 0; second < 2; second++) {
      for (let step = 0; step < 10; step++) {
        for (const limits of instances) await burst(limits, 2);
        clock.advance(100);
      }
    }
    counter.claims.length = 0;

    const results = await Promise.all(instances.map((limits) => burst(limits, 80)));
    expect(results.reduce((sum, result) => sum + result.accepted, 0)).toBe(100);
    expect(counter.claims.some((count) => count > 1)).toBe(true);

    // The next second starts empty.
    clock.advance(1000);
    expect((await burst(instances[0] as ReturnType<typeof instance>, 1)).accepted).toBe(1);
  });

  it('a busy instance writes the counter once per slice, not once per request', async () => {
    const clock = testClock('2026-12-01T09:00:00.000Z');
    const counter = memoryRequestCounter();
    const limits = instance(counter, clock.now, 1000);
    let accepted = 0;
    // 400 requests a second, 10 every 25 ms, for two seconds.
    for (let step = 0; step < 80; step++) {
      accepted += (await burst(limits, 10)).accepted;
      clock.advance(25);
    }
    expect(accepted).toBe(800);
    expect(counter.claims.length).toBeLessThan(800 / 10);
    // Every request served was claimed first (the counter holds at least what was served).
    expect([...counter.counts.values()].reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(800);
  });

  it('an instance serving a request now and then claims one token per request, as a counter per request would', async () => {
    const clock = testClock('2026-12-01T09:00:00.000Z');
    const counter = memoryRequestCounter();
    const limits = instance(counter, clock.now, 100);
    for (let second = 0; second < 5; second++) {
      await limits.take(TENANT, 'create');
      clock.advance(1000);
    }
    expect(counter.claims).toEqual([1, 1, 1, 1, 1]);
  });

  it('once a slice does not fit, the rest of the second is claimed one token at a time, one write each', async () => {
    const clock = testClock('2026-12-01T09:00:01.000Z');
    const counter = memoryRequestCounter();
    const busy = instance(counter, clock.now, 100);
    // `busy` serves 400 a second (in the second before the one measured): slices of 10, a tenth of the limit.
    for (let step = 0; step < 40; step++) {
      await burst(busy, 2);
      clock.advance(25);
    }
    expect(clock.iso()).toBe('2026-12-01T09:00:02.000Z');
    // 95 of this second's 100 are taken by other instances.
    counter.counts.set(`${TENANT}|create|${Date.parse('2026-12-01T09:00:02.000Z') / 1000}`, 95);
    counter.claims.length = 0;
    expect(await burst(busy, 8)).toEqual({ accepted: 5, refused: 3 });
    // A slice of 10 that no longer fits yields one token (the counter's fallback); then single
    // tokens: 4 more granted, 1 refused, after which the second is full and nothing is written.
    // (Each later claim asks for the requests still waiting, and gets the one token left for it.)
    expect(counter.claims).toHaveLength(6);
    expect(counter.claims[0]).toBe(10);
  });

  it('a full second is remembered: a flood is refused without another write, with Retry-After', async () => {
    const clock = testClock('2026-12-01T09:00:00.400Z');
    const counter = memoryRequestCounter();
    const limits = instance(counter, clock.now, 5);
    expect(await burst(limits, 5)).toEqual({ accepted: 5, refused: 0 });
    const writes = counter.claims.length;
    expect(await burst(limits, 200)).toEqual({ accepted: 0, refused: 200 });
    expect(counter.claims.length).toBe(writes + 1);
    const refusal = await limits.take(TENANT, 'create').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).headers).toEqual({ 'retry-after': '1' });
  });

  it("a member's portal limit is theirs, counted one token at a time (its window is not a second's slice)", async () => {
    const clock = testClock('2026-12-01T09:00:00.000Z');
    const counter = memoryRequestCounter();
    const limits = rateLimitsUseCase({ counter, limitsOf: async () => undefined, now: clock.now });
    const take = (subject: string) =>
      limits.take(TENANT, 'portal', subject).then(
        () => true,
        () => false,
      );
    const ada = await Promise.all(Array.from({ length: 25 }, () => take('mem_ada')));
    const bob = await Promise.all(Array.from({ length: 3 }, () => take('mem_bob')));
    expect(ada.filter(Boolean)).toHaveLength(20);
    expect(bob.every(Boolean)).toBe(true);
  });
});

describe('sliceSize', () => {
  const base = { limit: 1000, windowSeconds: 1, served: 0, servedBefore: 0, elapsed: 0.1 };

  it('is the next quarter second at the instance’s own rate, at least 1, at most a tenth of the limit', () => {
    expect(sliceSize(base)).toBe(1);
    expect(sliceSize({ ...base, servedBefore: 200 })).toBe(50);
    // This second's rate is read over at least a quarter second: 40 served in 0.1 s is 160/s here.
    expect(sliceSize({ ...base, served: 40, elapsed: 0.1 })).toBe(40);
    expect(sliceSize({ ...base, served: 2, elapsed: 0.001 })).toBe(2);
    expect(sliceSize({ ...base, servedBefore: 10_000 })).toBe(100);
    expect(sliceSize({ ...base, limit: 5, servedBefore: 10_000 })).toBe(1);
  });

  it('never reaches past the end of the window, and is 1 for windows longer than a second', () => {
    expect(sliceSize({ ...base, servedBefore: 400, elapsed: 0.9 })).toBe(40);
    expect(sliceSize({ ...base, servedBefore: 400, elapsed: 1 })).toBe(1);
    expect(sliceSize({ ...base, windowSeconds: 60, servedBefore: 400 })).toBe(1);
  });
});
