import { AppError } from './errors.js';

/**
 * Per-tenant request limits (OWASP API4, unrestricted resource consumption): payout creation and
 * listing, each counted per tenant per second. The limits are the tenant's own, set by an operator
 * (`npm run payouts -- tenants limits`), or these defaults.
 */
export type RateLimitedAction = 'create' | 'list' | 'portal' | 'report';

/**
 * Limits every tenant has, not set per tenant (D56): the Business Portal's API, per member (a person
 * clicking stays far below it; a script flooding it does not, and cannot lock the rest of the team
 * out) and report creation, per tenant (an export reads a month of payouts: 30 queued in a second
 * was a hostile review's finding).
 */
export const FIXED_LIMITS: Readonly<Record<'portal' | 'report', { limit: number; windowSeconds: number }>> = {
  portal: { limit: 20, windowSeconds: 1 },
  report: { limit: 10, windowSeconds: 60 },
};

export interface TenantLimits {
  createPerSecond: number;
  listPerSecond: number;
}

export const DEFAULT_LIMITS: TenantLimits = { createPerSecond: 100, listPerSecond: 100 };
/** DynamoDB writes one item up to ~1,000 times a second: a limit beyond it cannot be counted on one item. */
export const MAX_LIMIT_PER_SECOND = 1000;

export function limitOf(limits: Partial<TenantLimits> | undefined, action: RateLimitedAction): number {
  if (action === 'portal' || action === 'report') return FIXED_LIMITS[action].limit;
  const merged = { ...DEFAULT_LIMITS, ...limits };
  return action === 'create' ? merged.createPerSecond : merged.listPerSecond;
}

/** The length of an action's window in seconds: a second, or a minute for reports. */
export const windowSecondsOf = (action: RateLimitedAction) =>
  action === 'portal' || action === 'report' ? FIXED_LIMITS[action].windowSeconds : 1;

/** The window a moment falls in for an action (its start, in epoch seconds): a second, or a minute. */
export const windowOf = (nowMs: number, action: RateLimitedAction = 'create') => {
  const seconds = windowSecondsOf(action);
  return Math.floor(nowMs / 1000 / seconds) * seconds;
};

const REQUESTS: Record<RateLimitedAction, string> = {
  create: 'creation requests',
  list: 'listing requests',
  portal: 'portal requests',
  report: 'reports requested',
};

/** 429 with `Retry-After`: the seconds until the next window (one, for the per-second limits). */
export function rateLimited(action: RateLimitedAction, limit: number, nowMs: number = Date.now()): AppError {
  const windowSeconds = windowSecondsOf(action);
  const seconds = Math.max(1, Math.ceil(windowOf(nowMs, action) + windowSeconds - nowMs / 1000));
  const per = windowSeconds === 60 ? 'minute' : 'second';
  return new AppError(
    'rate_limit_error',
    'rate_limited',
    `Too many ${REQUESTS[action]}: this account's limit is ${limit} per ${per}. Retry after ${seconds} s.`,
    { headers: { 'retry-after': String(seconds) }, extra: { retry_after: seconds } },
  );
}
