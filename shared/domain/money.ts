import { ISO_4217_MINOR_UNITS } from './currency-table.js';

/**
 * The one money module: every entry point (API, batches, CSV files, inbound requests, CLI, reports
 * and the portal's browser bundle) parses, formats and checks amounts through these functions, with
 * one table of currencies and their decimals taken from ISO 4217 (`currency-codes`, generated into
 * ./currency-table.ts by `npm run currency-table`). Nothing else
 * computes decimals: the browser's currency data (CLDR) disagrees with ISO 4217 on 19 codes (HUF,
 * COP, IDR… have 2 decimals in ISO 4217, 0 in CLDR), and a second source once paid 100× what was
 * approved.
 *
 * Amounts are integers in minor units. One amount is a safe JavaScript integer (at most
 * {@link MAX_AMOUNT_MINOR}); sums of amounts are `bigint`, so a total can never overflow.
 */

/** Largest amount in minor units the API accepts (10^12: ten billion euros). */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

/**
 * ISO 4217 codes that are not money anyone is paid in: funds codes (ISO's `IsFund` entries: units of
 * account and next-day dollars), precious metals, bond-market units, the IMF's and regional
 * settlement units, the testing code and "no currency". `currency-codes` lists them beside real
 * currencies; a test checks the funds codes against the ISO list shipped with it.
 */
export const NON_PAYABLE_CURRENCIES: readonly string[] = [
  // Funds codes
  'BOV',
  'CHE',
  'CHW',
  'CLF',
  'COU',
  'MXV',
  'USN',
  'UYI',
  'UYW',
  // Precious metals
  'XAU',
  'XAG',
  'XPT',
  'XPD',
  // Bond-market units
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  // IMF Special Drawing Right, SUCRE, ADB unit of account
  'XDR',
  'XSU',
  'XUA',
  // Testing, no currency
  'XTS',
  'XXX',
];

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  Object.entries(ISO_4217_MINOR_UNITS).filter(([code]) => !NON_PAYABLE_CURRENCIES.includes(code)),
);

/** Every currency a payout may be made in, sorted: ISO 4217 codes of real currencies. */
export const PAYABLE_CURRENCIES: readonly string[] = [...EXPONENTS.keys()].sort();

/** Digits after the decimal point of a payable currency (EUR 2, JPY 0, KWD 3, HUF 2), else undefined. */
export function currencyExponent(code: string): number | undefined {
  return EXPONENTS.get(code);
}

/** Whether payouts may be made in `code` (an uppercase ISO 4217 code of a real currency). */
export function isPayableCurrency(code: string): boolean {
  return EXPONENTS.has(code);
}

function exponentOrThrow(currency: string): number {
  const exponent = EXPONENTS.get(currency);
  if (exponent === undefined) throw new Error(`Not a payable currency: ${currency}`);
  return exponent;
}

/**
 * Minor units as a plain decimal string with the currency's exponent: (1050, 'EUR') → '10.50',
 * (500, 'JPY') → '500', (1, 'KWD') → '0.001'. What CSV files (reports, results) carry. Integer
 * arithmetic only, never a float; a total may be a `bigint` of any size.
 */
export function formatMinorUnits(amount: number | bigint, currency: string): string {
  const exponent = exponentOrThrow(currency);
  if (typeof amount === 'number' && !Number.isSafeInteger(amount))
    throw new Error(`Amount must be a safe integer, got ${amount}`);
  const negative = amount < 0;
  const digits = (negative ? -BigInt(amount) : BigInt(amount)).toString();
  const sign = negative ? '-' : '';
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/**
 * Minor units as people read them, with the code first and thousands grouped, the same in every
 * locale: (123450, 'EUR') → 'EUR 1,234.50', (10000, 'HUF') → 'HUF 100.00', (100, 'JPY') → 'JPY 100'.
 * The portal, the approval inbox, the CLI and messages show amounts this way: what the approver
 * reads is exactly what is paid.
 */
export function formatMoney(amount: number | bigint, currency: string): string {
  const [whole = '', fraction] = formatMinorUnits(amount, currency).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const grouped = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** An example amount for hints and placeholders: 'EUR' → '25.00', 'JPY' → '25', 'KWD' → '25.000'. */
export function exampleAmount(currency: string): string {
  return formatMinorUnits(25 * 10 ** exponentOrThrow(currency), currency);
}

/** "2 decimals", "no decimals": how a currency's amounts are written, for hints and messages. */
export function decimalsRule(currency: string): string {
  const exponent = exponentOrThrow(currency);
  if (exponent === 0) return `${currency} amounts have no decimals`;
  return `${currency} amounts have at most ${exponent} decimal${exponent === 1 ? '' : 's'}`;
}

export type AmountParse = { ok: true; amount: number } | { ok: false; message: string };

/**
 * The one rule for an amount a person writes (the portal's amount fields, CSV files, the CLI): digits
 * with an optional decimal point and at most the currency's decimals, no signs, exponents or thousands
 * separators, more than zero and at most {@link MAX_AMOUNT_MINOR} minor units. ('10.50', 'EUR') →
 * 1050; ('100', 'HUF') → 10000; ('5.5', 'JPY') → a message. A comma is refused rather than guessed:
 * '1,000' is a thousand in one locale and one in another.
 */
export function parseAmount(text: string, currency: string): AmountParse {
  const exponent = EXPONENTS.get(currency);
  if (exponent === undefined) return { ok: false, message: 'needs a payable currency first' };
  const example = exampleAmount(currency);
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `enter an amount such as ${example}` };
  if (/^[\d.,]+$/.test(trimmed) && trimmed.includes(','))
    return {
      ok: false,
      message: `write the amount without thousands separators and with a point for decimals, such as ${example}`,
    };
  const match = /^(\d+)(?:\.(\d*))?$/.exec(trimmed);
  if (!match) return { ok: false, message: `must be a number such as ${example}, got '${trimmed}'` };
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent)
    return { ok: false, message: `${decimalsRule(currency)} (such as ${example})` };
  const minor =
    BigInt(match[1] ?? '0') * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  if (minor === 0n) return { ok: false, message: 'must be more than zero' };
  if (minor > BigInt(MAX_AMOUNT_MINOR))
    return { ok: false, message: `must be at most ${formatMoney(MAX_AMOUNT_MINOR, currency)}` };
  return { ok: true, amount: Number(minor) };
}

/** {@link parseAmount} for callers that only need the amount: undefined when the text is not one. */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const parsed = parseAmount(text, currency);
  return parsed.ok ? parsed.amount : undefined;
}

/** Totals per currency that never overflow: each sum is a `bigint`. Insertion order is kept. */
export class CurrencyTotals {
  private readonly sums = new Map<string, { count: number; amount: bigint }>();

  add(currency: string, amount: number | bigint): void {
    const sum = this.sums.get(currency) ?? { count: 0, amount: 0n };
    sum.count += 1;
    sum.amount += BigInt(amount);
    this.sums.set(currency, sum);
  }

  entries(): { currency: string; count: number; amount: bigint }[] {
    return [...this.sums].map(([currency, sum]) => ({ currency, ...sum }));
  }
}

/**
 * A total as a JSON integer when JavaScript holds it exactly, else null: JSON readers parse numbers
 * as doubles, so a larger value would arrive changed. Beside it an API always sends the exact
 * decimal string ({@link formatMinorUnits}).
 */
export function safeTotal(amount: bigint): number | null {
  return amount <= BigInt(Number.MAX_SAFE_INTEGER) && amount >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(amount)
    : null;
}
