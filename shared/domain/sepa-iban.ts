/**
 * The countries of the SEPA scheme, by the two letters every IBAN begins with: the EEA, Switzerland,
 * the United Kingdom, Andorra, Monaco, San Marino, Vatican City and Gibraltar (the EPC's list, as
 * ibantools keeps it; test/unit/sepa-cut-off.test.ts checks the two agree). A list here rather than
 * ibantools itself: routing runs in functions that must not bundle ibantools' 17 KB for two letters.
 */
export const SEPA_COUNTRIES: ReadonlySet<string> = new Set([
  'AD',
  'AT',
  'BE',
  'BG',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'GI',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MC',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'SM',
  'VA',
]);

/**
 * Whether a bank account is in a SEPA country (its IBAN's country code, spaces and case as a person
 * typed them): what routing asks before choosing the `sepa_file` rail. The IBAN itself was checked
 * when the payout was created (ibantools), and the SEPA checks run again on the chosen rail.
 */
export function isSepaCountryIban(iban: string | undefined): boolean {
  const country = iban?.replace(/\s+/g, '').slice(0, 2).toUpperCase();
  return country !== undefined && SEPA_COUNTRIES.has(country);
}
