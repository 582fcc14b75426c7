import type { RequestCounter } from '../../shared/use-cases/rate-limits.js';

/**
 * The table's request counter in memory, with the DynamoDB adapter's rule: a claim of `count` is
 * added only if the window stays within the limit, else one token if there is room for one. Claims
 * resolve on a later task, as a network call does, so concurrent requests really interleave.
 */
export function memoryRequestCounter(): RequestCounter & { claims: number[]; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const claims: number[] = [];
  return {
    counts,
    claims,
    async claim(tenantId, action, window, limit, count) {
      await new Promise((resolve) => setImmediate(resolve));
      claims.push(count);
      const key = `${tenantId}|${action}|${window}`;
      const current = counts.get(key) ?? 0;
      const granted = current + count <= limit ? count : current < limit ? 1 : 0;
      counts.set(key, current + granted);
      return granted;
    },
  };
}
