import { AppError } from './errors.js';

/**
 * Per-tenant request limits (OWASP API4, unrestricted resource consumption): payout creation and
 * listing, each counted per tenant per second. The limits are the tenant's own, set by an operator
 * (`npm run payouts -- tenants limits`), or these defaults.
 */
export type RateLimitedAction = 'create' | 'list';

export interface TenantLimits {
  createPerSecond: number;
  listPerSecond: number;
}

export const DEFAULT_LIMITS: TenantLimits = { createPerSecond: 100, listPerSecond: 100 };
/** DynamoDB writes one item up to ~1,000 times a second: a limit beyond it cannot be counted on one item. */
export const MAX_LIMIT_PER_SECOND = 1000;

export function limitOf(limits: Partial<TenantLimits> | undefined, action: RateLimitedAction): number {
  const merged = { ...DEFAULT_LIMITS, ...limits };
  return action === 'create' ? merged.createPerSecond : merged.listPerSecond;
}

/** The one-second window a moment falls in (its start, in epoch seconds). */
export const windowOf = (nowMs: number) => Math.floor(nowMs / 1000);

/** 429 with `Retry-After: 1` (windows are one second: the next one is less than a second away). */
export function rateLimited(action: RateLimitedAction, limit: number): AppError {
  const seconds = 1;
  return new AppError(
    'rate_limit_error',
    'rate_limited',
    `Too many ${action === 'create' ? 'creation' : 'listing'} requests: this account's limit is ${limit} per second. Retry after ${seconds} s.`,
    { headers: { 'retry-after': String(seconds) }, extra: { retry_after: seconds } },
  );
}
