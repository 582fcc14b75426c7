import { describe, expect, it } from 'vitest';
import type { ConnectorRuntime } from '../../shared/connectors/connector.js';
import { providerCall, retryAfterSeconds } from '../../shared/connectors/http.js';
import { createTokenBucket, rateForContainers } from '../../shared/connectors/token-bucket.js';
import {
  ProviderAuthenticationError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../shared/ports/payout-provider.js';

/** A clock that moves only when a sleeper sleeps: each sleep is recorded and advances time at once. */
function sleepingClock() {
  const clock = { time: 0, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
}

/** A frozen clock whose sleeps wait until the test wakes them, one by one. */
function manualClock() {
  const clock = { time: 0 };
  const sleepers: { ms: number; wake: () => void }[] = [];
  return {
    clock,
    sleepers,
    now: () => clock.time,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ ms, wake })),
  };
}

/** Lets every promise that can settle now settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createTokenBucket', () => {
  it('lets a burst through at once, then paces calls at the rate', async () => {
    const { clock, now, sleep } = sleepingClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, burst: 3, now, sleep });

    for (let call = 0; call < 5; call++) await bucket.take();

    expect(clock.sleeps).toEqual([500, 500]);
    expect(clock.time).toBe(1000);
  });

  it('saves up at most a burst while idle', async () => {
    const { clock, now, sleep } = sleepingClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, burst: 3, now, sleep });
    for (let call = 0; call < 3; call++) await bucket.take();

    clock.time += 60_000;
    for (let call = 0; call < 4; call++) await bucket.take();

    expect(clock.sleeps).toEqual([500]);
  });

  it('a burst defaults to one second of the rate (at least one token)', async () => {
    const fast = sleepingClock();
    const bucket = createTokenBucket({ ratePerSecond: 4, now: fast.now, sleep: fast.sleep });
    for (let call = 0; call < 5; call++) await bucket.take();
    expect(fast.clock.sleeps).toEqual([250]);

    const slow = sleepingClock();
    const share = createTokenBucket({ ratePerSecond: 0.5, now: slow.now, sleep: slow.sleep });
    for (let call = 0; call < 2; call++) await share.take();
    expect(slow.clock.sleeps).toEqual([2000]);
  });

  it('serves waiting callers first come, first served: a newcomer queues behind them', async () => {
    const { clock, sleepers, now, sleep } = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1, maxWaitMs: 10_000, now, sleep });
    const served: string[] = [];
    const take = (name: string) => bucket.take().then(() => void served.push(name));

    await take('a');
    const waiting = [take('b'), take('c'), take('d')];
    // Time passes: a token is in the bucket, but it is owed to b.
    clock.time = 1500;
    waiting.push(take('e'));
    await settle();

    expect(served).toEqual(['a']);
    // b, c and d wait one token each, in turn; e, arriving at 1.5 s, is served one second after d.
    expect(sleepers.map((sleeper) => sleeper.ms)).toEqual([1000, 2000, 3000, 3000]);
    const deadlines = [1000, 2000, 3000, 4500];
    for (const [index, sleeper] of sleepers.entries()) {
      clock.time = deadlines[index]!;
      sleeper.wake();
      await settle();
      expect(served).toHaveLength(index + 2);
    }
    await Promise.all(waiting);
    expect(served).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses like a 429, with Retry-After, when the wait would exceed maxWaitMs, without holding a place', async () => {
    const { clock, sleepers, now, sleep } = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1, maxWaitMs: 2500, now, sleep });
    await bucket.take();
    const waiting = [bucket.take(), bucket.take()];

    const error = await rejection(bucket.take());

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 3 });
    expect(sleepers.map((sleeper) => sleeper.ms)).toEqual([1000, 2000]);
    // The refused caller owes nothing: once the queue is served, the next wait is one token's.
    for (const [index, sleeper] of sleepers.entries()) {
      clock.time = sleeper.ms;
      sleeper.wake();
      await waiting[index];
    }
    void bucket.take();
    expect(sleepers.map((sleeper) => sleeper.ms)).toEqual([1000, 2000, 1000]);
  });

  it('needs a positive rate; a connector’s rate is shared among the containers', () => {
    expect(() => createTokenBucket({ ratePerSecond: 0 })).toThrow(/positive rate/);
    expect(() => createTokenBucket({ ratePerSecond: Number.NaN })).toThrow(/positive rate/);
    expect(rateForContainers(10, 4)).toBe(2.5);
    expect(rateForContainers(10, 0)).toBe(10);
  });
});

// ---------------------------------------------------------------------------------------------------

const NOW = Date.parse('2026-12-02T10:00:00.000Z');

/** A provider that answers every call with `answer` (or throws it), recording the calls and the limiter's. */
function fakeProvider(answer: Response | Error) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const limiter = { takes: 0, refuse: undefined as Error | undefined };
  const runtime: ConnectorRuntime = {
    baseUrl: 'https://provider.test/',
    timeoutMs: 1000,
    limiter: {
      async take() {
        limiter.takes += 1;
        if (limiter.refuse) throw limiter.refuse;
      },
    },
    fetch: (async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      if (answer instanceof Error) throw answer;
      return answer;
    }) as typeof fetch,
    now: () => NOW,
  };
  return { runtime, calls, limiter };
}

const create = { method: 'POST' as const, path: '/v1/transfers', body: '{}', mayCreate: true, key: 'po_1' };
const read = { method: 'GET' as const, path: '/v1/transfers?group=po_1', key: 'po_1' };
const answer = (status: number, body = '', headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : body, { status, headers });

describe('providerCall: errors every connector treats alike', () => {
  it('takes a token, then calls the base URL with the path, method, headers and body', async () => {
    const { runtime, calls, limiter } = fakeProvider(answer(200, '{"id":"tr_1"}'));

    const response = await providerCall(runtime, { ...create, headers: { 'Idempotency-Key': 'po_1' } });

    expect(response).toMatchObject({ status: 200, body: { id: 'tr_1' } });
    expect(limiter.takes).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://provider.test/v1/transfers');
    expect(calls[0]!.init).toMatchObject({
      method: 'POST',
      body: '{}',
      headers: { 'Idempotency-Key': 'po_1' },
    });
    expect(calls[0]!.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('makes no call when the rate limiter refuses', async () => {
    const { runtime, calls, limiter } = fakeProvider(answer(200));
    limiter.refuse = new ProviderUnavailableError(429, 2);

    await expect(providerCall(runtime, create)).rejects.toBe(limiter.refuse);
    expect(calls).toEqual([]);
  });

  it('429 with Retry-After in seconds: unavailable, retry after that many seconds', async () => {
    const { runtime } = fakeProvider(answer(429, '', { 'Retry-After': '7' }));

    const error = await rejection(providerCall(runtime, create));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
  });

  it('429 with Retry-After as an HTTP date: the seconds until then, by the runtime’s clock', async () => {
    const at = new Date(NOW + 90_000).toUTCString();
    const { runtime } = fakeProvider(answer(429, '', { 'Retry-After': at }));

    const error = await rejection(providerCall(runtime, read));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 90 });
  });

  it('reads Retry-After as seconds rounded up, a past date as 0, garbage as absent', () => {
    const headers = (value: string) => new Headers({ 'Retry-After': value });
    expect(retryAfterSeconds(headers('1.2'), NOW)).toBe(2);
    expect(retryAfterSeconds(headers(new Date(NOW - 5000).toUTCString()), NOW)).toBe(0);
    expect(retryAfterSeconds(headers('soon'), NOW)).toBeUndefined();
    expect(retryAfterSeconds(new Headers(), NOW)).toBeUndefined();
  });

  it('503 is unavailable (nothing was made), even on a creating call', async () => {
    for (const request of [create, read]) {
      const { runtime } = fakeProvider(answer(503));

      const error = await rejection(providerCall(runtime, request));

      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error).toMatchObject({ status: 503, retryAfterSeconds: undefined });
    }
  });

  it('500 on a creating call leaves the outcome unknown: ProviderTimeoutError', async () => {
    const { runtime } = fakeProvider(answer(500, '{"error":"boom"}'));

    const error = await rejection(providerCall(runtime, create));

    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect((error as Error).message).toContain('500');
  });

  it('500 on a read is unavailable', async () => {
    const { runtime } = fakeProvider(answer(500));

    const error = await rejection(providerCall(runtime, read));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 500 });
  });

  it('no answer (network error or timeout) on a creating call is ProviderTimeoutError, on a read unavailable', async () => {
    const failures = [
      new TypeError('fetch failed'),
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      new DOMException('This operation was aborted', 'AbortError'),
    ];
    for (const failure of failures) {
      const creating = fakeProvider(failure);
      const onCreate = await rejection(providerCall(creating.runtime, create));
      expect(onCreate).toBeInstanceOf(ProviderTimeoutError);
      expect((onCreate as Error).message).toContain(failure.name);

      const reading = fakeProvider(failure);
      const onRead = await rejection(providerCall(reading.runtime, read));
      expect(onRead).toBeInstanceOf(ProviderUnavailableError);
      expect(onRead).toMatchObject({ status: 0 });
    }
  });

  it('401 and 403 are ProviderAuthenticationError', async () => {
    for (const status of [401, 403]) {
      const { runtime } = fakeProvider(answer(status, '{"error":"invalid key"}'));

      const error = await rejection(providerCall(runtime, create));

      expect(error).toBeInstanceOf(ProviderAuthenticationError);
      expect(error).toMatchObject({ status });
    }
  });

  it('other 4xx are returned as they are, for the connector to map', async () => {
    const refused = await providerCall(
      fakeProvider(answer(400, '{"error":{"code":"account_invalid"}}')).runtime,
      create,
    );
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'account_invalid' } } });

    const missing = await providerCall(fakeProvider(answer(404, 'Not Found')).runtime, read);
    expect(missing).toMatchObject({ status: 404, body: undefined });
  });
});
