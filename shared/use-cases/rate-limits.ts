import {
  limitOf,
  type RateLimitedAction,
  rateLimited,
  type TenantLimits,
  windowOf,
} from '../domain/rate-limits.js';

/** Counts requests per tenant, action and one-second window (a conditional counter in the table). */
export interface RequestCounter {
  /** Adds one to the window's count unless it already reached `limit`; false when it had. */
  increment(tenantId: string, action: string, window: number, limit: number): Promise<boolean>;
}

/** How long a function instance keeps a tenant's limits: a change applies within a minute. */
const LIMITS_CACHE_MS = 60_000;

/**
 * Per-tenant rate limits on the API's hot paths. Each request is one conditional increment of the
 * tenant's counter for the current second, shared by every function instance (in-memory counting
 * would multiply the limit by the number of instances). The limits themselves are read from the
 * tenant once a minute per instance.
 */
export function rateLimitsUseCase(deps: {
  counter: RequestCounter;
  limitsOf: (tenantId: string) => Promise<Partial<TenantLimits> | undefined>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { limits: Partial<TenantLimits> | undefined; until: number }>();

  async function limitsOf(tenantId: string, at: number) {
    const cached = cache.get(tenantId);
    if (cached && cached.until > at) return cached.limits;
    const limits = await deps.limitsOf(tenantId);
    cache.set(tenantId, { limits, until: at + LIMITS_CACHE_MS });
    return limits;
  }

  return {
    /**
     * Counts one request; throws 429 `rate_limited` (with Retry-After) when over the limit. With a
     * `subject` (a member), the limit is that subject's within the tenant, not the whole tenant's.
     */
    async take(tenantId: string, action: RateLimitedAction, subject?: string): Promise<void> {
      const at = now();
      const limit = limitOf(await limitsOf(tenantId, at), action);
      const counted = subject ? `${action}.${subject}` : action;
      if (!(await deps.counter.increment(tenantId, counted, windowOf(at, action), limit)))
        throw rateLimited(action, limit, at);
    },
  };
}

export type RateLimits = ReturnType<typeof rateLimitsUseCase>;
