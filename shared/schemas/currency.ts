import * as z from 'zod';
import { isKnownCurrency } from '../domain/money.js';

/** An ISO 4217 alpha-3 code, uppercase, of a currency anyone pays out in. */
export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an uppercase ISO 4217 code such as EUR')
  .refine(isKnownCurrency, 'is not a known ISO 4217 currency');
