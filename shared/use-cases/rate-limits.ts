import {
  limitOf,
  type RateLimitedAction,
  rateLimited,
  type TenantLimits,
  windowOf,
  windowSecondsOf,
} from '../domain/rate-limits.js';

/** Counts requests per tenant, action and window (a conditional counter in the table). */
export interface RequestCounter {
  /**
   * Adds `count` to the window's count if that keeps it within `limit`; otherwise adds 1 if the
   * window is below `limit`. Returns what it added: `count`, 1, or 0 when the window is full.
   */
  claim(tenantId: string, action: string, window: number, limit: number, count: number): Promise<number>;
}

/** How long a function instance keeps a tenant's limits: a change applies within a minute. */
const LIMITS_CACHE_MS = 60_000;

/**
 * How far ahead an instance claims: the requests it would serve in this share of a second at the rate
 * it served them so far. A slice left unused when the second ends is lost to the tenant, so it is
 * kept to what the next quarter second needs, and never past the window's end.
 */
const SLICE_SECONDS = 0.25;
/** No slice is more than a tenth of the limit: ten instances at full speed share a second. */
const MAX_SLICE_SHARE = 0.1;
/** Allowances an instance keeps before it forgets those of past windows (one per tenant, action, member). */
const MAX_ALLOWANCES = 10_000;

/** The tokens an instance holds for one tenant, action and window. */
interface Allowance {
  window: number;
  left: number;
  /** Requests this instance let through in this window, and in the window before. */
  served: number;
  servedBefore: number;
  /** The window is full: no request is let through until the next one (and nothing is written). */
  full: boolean;
  /** A slice did not fit: the rest of the window is claimed one token at a time (one write each). */
  tight: boolean;
  windowSeconds: number;
  /** Requests of this instance waiting for a claim: the next claim asks for at least as many. */
  waiting: number;
  /** A claim in flight: the requests that arrive meanwhile wait for it instead of claiming too. */
  claiming?: Promise<void>;
}

/**
 * The slice an instance claims: what it would serve in the next `SLICE_SECONDS` (or until the
 * window ends, if sooner) at its recent rate, between 1 and a tenth of the limit. A slow instance
 * claims one token per request, exactly as a counter per request would.
 */
export function sliceSize(input: {
  limit: number;
  windowSeconds: number;
  /** Requests served in this window so far and in the previous one. */
  served: number;
  servedBefore: number;
  /** Seconds into the window. */
  elapsed: number;
}): number {
  if (input.windowSeconds !== 1) return 1;
  // This second's rate is read over at least a slice's time: two quick requests at the start of a
  // second are not a rate of thousands.
  const rate = Math.max(input.servedBefore, input.served / Math.max(input.elapsed, SLICE_SECONDS));
  const ahead = Math.min(SLICE_SECONDS, Math.max(0, input.windowSeconds - input.elapsed));
  const wanted = Math.floor(rate * ahead + 1e-9);
  return Math.max(1, Math.min(wanted, Math.floor(input.limit * MAX_SLICE_SHARE)));
}

/**
 * Per-tenant rate limits on the API's hot paths (D79). The count of each tenant, action and
 * one-second window is one conditional counter in the table, shared by every function instance
 * (in-memory counting would multiply the limit by the number of instances). An instance does not
 * write it for every request: it claims a slice of tokens at once — its own rate over the next
 * quarter second — and serves requests from the slice until it runs out. The sum of all slices
 * never exceeds the limit (each claim is one conditional write), so the limit holds exactly; what
 * an instance holds unused when the second ends is the price (a tenant near its limit may be
 * refused a few requests early). An instance serving a request now and then claims one token per
 * request, as before. A full window is remembered until it ends: a flood writes nothing more.
 * The limits themselves are read from the tenant once a minute per instance.
 */
export function rateLimitsUseCase(deps: {
  counter: RequestCounter;
  limitsOf: (tenantId: string) => Promise<Partial<TenantLimits> | undefined>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { limits: Partial<TenantLimits> | undefined; until: number }>();
  const allowances = new Map<string, Allowance>();

  async function limitsOf(tenantId: string, at: number) {
    const cached = cache.get(tenantId);
    if (cached && cached.until > at) return cached.limits;
    const limits = await deps.limitsOf(tenantId);
    cache.set(tenantId, { limits, until: at + LIMITS_CACHE_MS });
    return limits;
  }

  /** The allowance of `key` in the window `at` falls in (a new window starts empty). */
  function allowanceOf(key: string, window: number, windowSeconds: number): Allowance {
    const current = allowances.get(key);
    if (current?.window === window) return current;
    const servedBefore = current?.window === window - windowSeconds ? current.served : 0;
    const fresh: Allowance = {
      window,
      windowSeconds,
      left: 0,
      served: 0,
      servedBefore,
      full: false,
      tight: false,
      waiting: 0,
    };
    if (allowances.size >= MAX_ALLOWANCES) {
      // Forget the allowances whose window has ended (of any length: seconds and minutes).
      const nowSeconds = now() / 1000;
      for (const [other, allowance] of allowances)
        if (allowance.window + allowance.windowSeconds <= nowSeconds) allowances.delete(other);
    }
    allowances.set(key, fresh);
    return fresh;
  }

  async function claim(allowance: Allowance, tenantId: string, counted: string, limit: number, at: number) {
    const count = allowance.tight
      ? 1
      : sliceSize({
          limit,
          windowSeconds: allowance.windowSeconds,
          served: allowance.served,
          servedBefore: allowance.servedBefore,
          elapsed: at / 1000 - allowance.window,
        });
    // Requests already waiting in this instance (one process serving many at once) are served by
    // this claim too, rather than one round trip each.
    const wanted = Math.min(limit, Math.max(count, allowance.waiting));
    const granted = await deps.counter.claim(tenantId, counted, allowance.window, limit, wanted);
    allowance.left += granted;
    if (granted < wanted) allowance.tight = true;
    if (granted === 0) allowance.full = true;
  }

  return {
    /**
     * Counts one request; throws 429 `rate_limited` (with Retry-After) when over the limit. With a
     * `subject` (a member), the limit is that subject's within the tenant, not the whole tenant's.
     */
    async take(tenantId: string, action: RateLimitedAction, subject?: string): Promise<void> {
      const limit = limitOf(await limitsOf(tenantId, now()), action);
      const counted = subject ? `${action}.${subject}` : action;
      const key = `${tenantId}\u0000${counted}`;
      const windowSeconds = windowSecondsOf(action);
      for (;;) {
        const at = now();
        const allowance = allowanceOf(key, windowOf(at, action), windowSeconds);
        if (allowance.left > 0) {
          allowance.left -= 1;
          allowance.served += 1;
          return;
        }
        if (allowance.full) throw rateLimited(action, limit, at);
        if (!allowance.claiming) {
          allowance.claiming = claim(allowance, tenantId, counted, limit, at).finally(() => {
            allowance.claiming = undefined;
          });
        }
        allowance.waiting += 1;
        try {
          await allowance.claiming;
        } finally {
          allowance.waiting -= 1;
        }
      }
    },
  };
}

export type RateLimits = ReturnType<typeof rateLimitsUseCase>;
