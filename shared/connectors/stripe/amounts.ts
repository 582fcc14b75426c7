import { currencyExponent } from '../../domain/money.js';

/**
 * Stripe's unit for an amount, from the platform's ISO 4217 minor units.
 *
 * Stripe counts amounts in "the currency's smallest unit" but its table is not ISO 4217's
 * (https://docs.stripe.com/currencies, "zero-decimal", "three-decimal" and "special cases"):
 *
 * | currency                         | ISO 4217 | Stripe | what is sent                                     |
 * |----------------------------------|----------|--------|--------------------------------------------------|
 * | most (EUR, USD, GBP, HUF, TWD…)  | 2        | 2      | the amount as is                                 |
 * | BIF CLP DJF GNF JPY KMF KRW PYG  | 0        | 0      | the amount as is                                 |
 * | RWF VND VUV XAF XOF XPF          |          |        |                                                  |
 * | MGA                              | 2        | 0      | amount / 100, refused unless whole ariary        |
 * | BHD JOD KWD OMR TND              | 3        | 3      | the amount as is                                 |
 * | IQD LYD (any other 3-decimal)    | 3        | 2      | amount / 10, refused unless it divides exactly   |
 * | ISK                              | 0        | 2      | amount × 100 (Stripe keeps two decimals, "00")   |
 * | UGX                              | 0        | ?      | refused (see below)                              |
 *
 * Stripe counts every currency it does not list as zero- or three-decimal with two decimals.
 *
 * HUF and TWD are two-decimal in Stripe's API (Stripe only rounds them to whole units for *bank
 * payouts*, which the connected account makes itself): a transfer carries them exactly as is.
 * Three-decimal amounts whose last digit is not 0 are refused by Stripe for card payments; if Stripe
 * refuses one for a transfer it says so with an error (mapped to provider_rejected), nothing is
 * rounded.
 *
 * UGX is refused: Stripe's documentation lists it among the zero-decimal currencies and also among
 * the "special cases" kept at two decimals for backwards compatibility, and the two readings differ by
 * a factor of 100. Until a transfer in a test account settles which one holds, no UGX payout leaves
 * through Stripe rather than one paying a hundredth or a hundred times the amount approved.
 */
const STRIPE_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  MGA: 0,
  PYG: 0,
  RWF: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  JOD: 3,
  KWD: 3,
  OMR: 3,
  TND: 3,
};

/** Currencies the connector refuses outright, and why. */
const REFUSED_CURRENCIES: Readonly<Record<string, string>> = {
  UGX: "Stripe's documentation gives UGX two different units (zero-decimal, and two decimals kept for backwards compatibility); the connector sends no UGX until that is settled",
};

const STRIPE_DEFAULT_EXPONENT = 2;

export type StripeAmount = { ok: true; amount: number; currency: string } | { ok: false; reason: string };

/**
 * `amount` (ISO 4217 minor units of `currency`) in Stripe's unit, with Stripe's lower-case code; or
 * why it cannot be sent exactly. Integer arithmetic only: nothing is ever rounded.
 */
export function stripeAmount(amount: number, currency: string): StripeAmount {
  const isoExponent = currencyExponent(currency);
  if (isoExponent === undefined) return { ok: false, reason: `${currency} is not a payable currency` };
  const refused = REFUSED_CURRENCIES[currency];
  if (refused) return { ok: false, reason: refused };
  if (!Number.isSafeInteger(amount) || amount <= 0)
    return { ok: false, reason: `the amount must be a positive whole number of minor units, got ${amount}` };
  const stripeExponent = STRIPE_EXPONENTS[currency] ?? STRIPE_DEFAULT_EXPONENT;
  const shift = stripeExponent - isoExponent;
  const minor = BigInt(amount);
  let converted: bigint;
  if (shift >= 0) {
    converted = minor * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (minor % divisor !== 0n)
      return {
        ok: false,
        reason: `Stripe counts ${currency} with ${stripeExponent} decimal${stripeExponent === 1 ? '' : 's'} (ISO 4217: ${isoExponent}); ${amount} minor units cannot be sent exactly`,
      };
    converted = minor / divisor;
  }
  if (converted > BigInt(Number.MAX_SAFE_INTEGER))
    return { ok: false, reason: `the amount is too large to send to Stripe exactly` };
  return { ok: true, amount: Number(converted), currency: currency.toLowerCase() };
}

/**
 * The inverse of {@link stripeAmount}, for what Stripe reports (reconciliation): an amount in Stripe's
 * unit of `currency` (Stripe's lower-case code or ISO's) as ISO 4217 minor units and the ISO code.
 * Undefined when it has no exact ISO amount (an ISK amount with non-zero "cents", a code that is not a
 * payable currency): nothing is rounded.
 */
export function isoAmountFromStripe(
  amount: number,
  currency: string,
): { amount: number; currency: string } | undefined {
  const code = currency.toUpperCase();
  const isoExponent = currencyExponent(code);
  if (isoExponent === undefined || !Number.isSafeInteger(amount)) return undefined;
  const stripeExponent = STRIPE_EXPONENTS[code] ?? STRIPE_DEFAULT_EXPONENT;
  const shift = isoExponent - stripeExponent;
  const value = BigInt(amount);
  let converted: bigint;
  if (shift >= 0) converted = value * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    if (value % divisor !== 0n) return undefined;
    converted = value / divisor;
  }
  if (converted > BigInt(Number.MAX_SAFE_INTEGER) || converted < -BigInt(Number.MAX_SAFE_INTEGER))
    return undefined;
  return { amount: Number(converted), currency: code };
}
