import { currencyExponent } from '../../domain/money.js';

/**
 * Currencies whose minor units Adyen counts differently from ISO 4217, from Adyen's currency table
 * (docs.adyen.com/development-resources/currency-codes, "differs from standard"): Adyen wants CLP
 * and ISK with 2 decimals (ISO: 0) and CVE and IDR with 0 (ISO: 2). The platform's amounts are ISO
 * 4217 minor units, so sending them as they are would pay 100 times too much or too little.
 */
export const ADYEN_DECIMALS_DIFFERING_FROM_ISO: Readonly<Record<string, number>> = {
  CLP: 2,
  CVE: 0,
  IDR: 0,
  ISK: 2,
};

export type AdyenAmount =
  | { ok: true; amount: { currency: string; value: number } }
  | { ok: false; message: string };

/**
 * The amount as Adyen reads it. Everywhere Adyen's decimals equal ISO 4217's, Adyen's minor units
 * are the platform's: the value is sent unchanged, never converted through a float. Currencies
 * where they differ are refused (the payout fails `unsupported_destination` before anything is
 * sent): a wrong amount is never sent, and the tenant can route them through another rail.
 */
export function adyenAmount(amount: number, currency: string): AdyenAmount {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return { ok: false, message: `Adyen: ${currency} — not a payable currency` };
  if (!Number.isSafeInteger(amount) || amount <= 0)
    return { ok: false, message: `Adyen: amount — ${amount} is not a positive whole number of minor units` };
  const adyenDecimals = ADYEN_DECIMALS_DIFFERING_FROM_ISO[currency];
  if (adyenDecimals !== undefined)
    return {
      ok: false,
      message:
        `Adyen: ${currency} — Adyen counts ${currency} in ${adyenDecimals} decimals where ISO 4217 counts ` +
        `${exponent}; this connector does not send ${currency} payouts, route them through another rail`,
    };
  return { ok: true, amount: { currency, value: amount } };
}

/**
 * An amount Adyen reports (a transaction's `value`, in Adyen's minor units) in ISO 4217 minor units,
 * for reconciliation: unchanged except in the four currencies above (CLP, ISK: Adyen has two more
 * decimals; CVE, IDR: two fewer). Undefined when there is no exact ISO amount (a CLP value with
 * non-zero "cents", a code that is not a payable currency): nothing is rounded.
 */
export function isoAmountFromAdyen(value: number, currency: string): number | undefined {
  const exponent = currencyExponent(currency);
  if (exponent === undefined || !Number.isSafeInteger(value)) return undefined;
  const shift = exponent - (ADYEN_DECIMALS_DIFFERING_FROM_ISO[currency] ?? exponent);
  const amount = BigInt(value);
  if (shift >= 0) {
    const converted = amount * 10n ** BigInt(shift);
    return converted <= BigInt(Number.MAX_SAFE_INTEGER) && converted >= -BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(converted)
      : undefined;
  }
  const divisor = 10n ** BigInt(-shift);
  return amount % divisor === 0n ? Number(amount / divisor) : undefined;
}
