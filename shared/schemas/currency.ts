import { isPayableCurrency } from '../domain/money.js';
import * as z from '../zod.js';

/**
 * An ISO 4217 alpha-3 code, uppercase, of a currency anyone pays out in (shared/domain/money.ts).
 * One problem per bad value: a malformed code is not also reported as unknown.
 */
export const currencyCode = z.string().check(
  z.regex(/^[A-Z]{3}$/, { message: 'must be an uppercase ISO 4217 code such as EUR', abort: true }),
  z.refine(
    isPayableCurrency,
    'is not a currency payouts can be made in (an ISO 4217 code of a real currency; not funds codes, metals or IMF units)',
  ),
  z.meta({
    description: 'ISO 4217 code of a real currency (not funds codes, precious metals, XDR, XSU, XUA or XTS)',
  }),
);
