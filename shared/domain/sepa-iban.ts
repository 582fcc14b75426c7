import { electronicFormatIBAN, isSEPACountry, isValidIBAN } from 'ibantools';

/**
 * Whether an IBAN (spaces and case as a person typed them) is valid and of a country in the SEPA
 * scheme: what routing asks before choosing the `sepa_file` rail. ibantools keeps the scheme's
 * country list; the SEPA connector's own checks (shared/connectors/sepa) use the same library.
 */
export function isSepaCountryIban(iban: string | undefined): boolean {
  if (!iban) return false;
  const normal = electronicFormatIBAN(iban) ?? iban;
  return isValidIBAN(normal) && isSEPACountry(normal.slice(0, 2));
}
