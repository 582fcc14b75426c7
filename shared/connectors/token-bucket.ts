import { ProviderUnavailableError } from '../ports/payout-provider.js';

/** Paces the calls a connector makes to its provider. */
export interface RequestLimiter {
  /** Waits for a request token; throws ProviderUnavailableError (429-like) when none comes in time. */
  take(): Promise<void>;
}

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. A caller waits up to
 * `maxWaitMs` for a token, then gives up with a ProviderUnavailableError (the message comes back
 * later, like a 429 from the provider): the provider's limit is respected before it has to refuse.
 *
 * The bucket lives in one Lambda container. The executor's reserved concurrency bounds how many
 * containers there are, so a connector's rate is divided among them (`forContainers`): together they
 * never exceed the provider's rate. `maxConcurrency` alone bounds concurrency, not requests a second.
 */
export function createTokenBucket(options: {
  ratePerSecond: number;
  burst?: number;
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): RequestLimiter {
  const rate = options.ratePerSecond;
  if (!(rate > 0)) throw new Error(`A token bucket needs a positive rate, got ${rate}`);
  const burst = Math.max(1, options.burst ?? Math.ceil(rate));
  const maxWaitMs = options.maxWaitMs ?? 5_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let tokens = burst;
  let refilledAt = now();
  // Tokens promised to callers still waiting: a later caller queues behind them, never overtakes.
  let owed = 0;

  function refill() {
    const time = now();
    tokens = Math.min(burst, tokens + ((time - refilledAt) / 1000) * rate);
    refilledAt = time;
  }

  return {
    async take() {
      refill();
      if (owed === 0 && tokens >= 1) {
        tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((owed + 1 - tokens) / rate) * 1000);
      if (waitMs > maxWaitMs)
        throw new ProviderUnavailableError(
          429,
          Math.ceil(waitMs / 1000),
          `The connector's own rate limit (${rate}/s) is reached: retried later`,
        );
      owed += 1;
      try {
        await sleep(waitMs);
      } finally {
        owed -= 1;
      }
      refill();
      tokens -= 1;
    },
  };
}

/** One container's share of a connector's rate, when `containers` may call the provider at once. */
export function rateForContainers(ratePerSecond: number, containers: number): number {
  return ratePerSecond / Math.max(1, containers);
}
