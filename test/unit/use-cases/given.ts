import type { Actor, Caller } from '../../../shared/domain/audit.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { CreatePayoutBody } from '../../../shared/schemas/payout-request.js';

/** Arrange-step builders shared by the use-case tests (not a test file: vitest picks `*.test.ts`). */

export const TENANT = 'ten_A';
export const OTHER_TENANT = 'ten_B';

export const member = (id: string, name = id): Extract<Actor, { type: 'member' }> => ({
  type: 'member',
  id,
  name,
  email: `${id}@example.com`,
});

/** Who calls a changing use case: a member of the tenant by default, or an API key. */
export function callerOf(actor: Actor, tenantId = TENANT): Caller {
  return { tenantId, actor, sourceIp: '203.0.113.7', requestId: 'req-1' };
}

export const apiKey = (id = 'ak_1', createdBy: string | null = null): Actor => ({
  type: 'api_key',
  id,
  createdBy,
});

/** A valid create body (as zod outputs it), EUR 25.00 to an email wallet. */
export function payoutBody(overrides: Partial<CreatePayoutBody> = {}): CreatePayoutBody {
  return {
    amount: 2500,
    currency: 'EUR',
    destination: { type: 'email', email: 'ada@example.com' },
    reference: 'inv-1001',
    purpose: 'refund',
    ...overrides,
  };
}

/**
 * `port` with other writers landing just before each of its next calls of `method`: the `rivals`
 * run in order, one per call, then calls go straight through. How a test loses a race on purpose.
 */
export function racing<T extends object>(port: T, method: keyof T, rivals: (() => Promise<unknown>)[]): T {
  const queue = [...rivals];
  return new Proxy(port, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        await queue.shift()?.();
        return value.apply(target, args);
      };
    },
  });
}

/** The AppError a use case refused with (fails the test if it resolved or threw anything else). */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}
