import currencyCodes from 'currency-codes';

/** Largest amount in minor units the API accepts (10^12: ten billion euros). */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

/** Number of minor-unit digits of an ISO 4217 currency, or undefined for an unknown or non-monetary code. */
export function currencyExponent(code: string): number | undefined {
  // currency-codes matches case-insensitively; ISO 4217 codes are uppercase.
  if (!/^[A-Z]{3}$/.test(code)) return undefined;
  const entry = currencyCodes.code(code);
  // Precious metals, bond units and testing codes (XAU, XTS, XXX…) are listed under pseudo-countries
  // named 'Zz…': they are not money anyone pays out.
  if (!entry || entry.countries.every((country) => country.startsWith('Zz'))) return undefined;
  return entry.digits;
}

export function isKnownCurrency(code: string): boolean {
  return currencyExponent(code) !== undefined;
}

/**
 * Minor units as a decimal string with the currency's exponent: (1050, 'EUR') → '10.50',
 * (500, 'JPY') → '500', (1, 'KWD') → '0.001'. Integer arithmetic only; never a float.
 */
export function formatMinorUnits(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new Error(`Unknown currency ${currency}`);
  if (!Number.isSafeInteger(amount)) throw new Error(`Amount must be a safe integer, got ${amount}`);
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount).toString();
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/**
 * A decimal amount in major units → minor units: ('10.50', 'EUR') → 1050, ('500', 'JPY') → 500.
 * Undefined for anything else: more decimals than the currency has, signs, exponents, separators.
 */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const exponent = currencyExponent(currency);
  const match = /^(\d{1,13})(?:\.(\d+))?$/.exec(text.trim());
  if (exponent === undefined || !match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  return Number(`${match[1]}${fraction.padEnd(exponent, '0')}`);
}
