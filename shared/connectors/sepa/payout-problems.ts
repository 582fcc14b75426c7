import { electronicFormatIBAN, isSEPACountry, isValidBIC, isValidIBAN } from 'ibantools';
import { formatMoney } from '../../domain/money.js';
import { isSepaCountryIban } from '../../domain/sepa-iban.js';
import { SEPA_NAME_MAX, SEPA_REMITTANCE_MAX, sepaTextProblem, toSepaText } from './text.js';

/**
 * Largest amount of one SEPA credit transfer: EUR 999,999,999.99 (the EPC rulebook's limit), below
 * the platform's own maximum of ten billion.
 */
export const SEPA_AMOUNT_MAX_MINOR = 99_999_999_999;

const REMITTANCE_SEPARATOR = ' - ';

/**
 * The unstructured remittance text (`RmtInf/Ustrd`) of a payout: its reference, then ` - ` and its
 * description, in the SEPA character set and at most 140 characters. The reference is what the
 * recipient's accounting matches on, so when both do not fit the description is cut, never the
 * reference. Longer than 140 only when the reference alone is: {@link sepaPayoutProblems} refuses
 * those at creation.
 */
export function remittanceOf(reference: string, description?: string | null): string {
  const ref = toSepaText(reference);
  const desc = toSepaText(description ?? '');
  if (desc === '' || ref === '') return ref || desc;
  const room = SEPA_REMITTANCE_MAX - ref.length - REMITTANCE_SEPARATOR.length;
  if (room < 1) return ref;
  return `${ref}${REMITTANCE_SEPARATOR}${desc.slice(0, room).trimEnd()}`;
}

/** IBAN without spaces, upper case (`de89 3704 …` → `DE893704…`), as a pain.001 file carries it. */
export function normalIban(iban: string): string {
  return electronicFormatIBAN(iban) ?? iban;
}

/** BIC without spaces, upper case, as a pain.001 file carries it. */
export function normalBic(bic: string): string {
  return bic.replace(/\s+/g, '').toUpperCase();
}

/** The schema's `BICIdentifier` pattern: stricter than ibantools on the location code (no `0`, `1`). */
const BIC_PATTERN = /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/;

/** Whether `bic` (normalised) is a BIC that ibantools knows the country of and the schema accepts. */
export function isSepaBic(bic: string): boolean {
  const normal = normalBic(bic);
  return BIC_PATTERN.test(normal) && isValidBIC(normal);
}

/** Whether `iban` (normalised) is a valid IBAN of a country in the SEPA scheme. */
export function isSepaIban(iban: string): boolean {
  const normal = normalIban(iban);
  return isValidIBAN(normal) && isSepaCountryIban(normal);
}

export interface SepaPayoutInput {
  currency: string;
  iban: string;
  bic?: string | null;
  accountHolderName: string;
  /** {@link remittanceOf} the payout's reference and description. */
  remittance: string;
  /** Minor units; checked against the SEPA maximum when given. */
  amountMinor?: number;
}

/**
 * Every reason a payout cannot go out as a SEPA credit transfer, all at once, each naming the API
 * field a person must change (the 400's `details`); empty when it can. Checked at creation so that
 * a file is never built with a transfer its bank would reject.
 */
export function sepaPayoutProblems(input: SepaPayoutInput): { param: string; message: string }[] {
  const problems: { param: string; message: string }[] = [];
  if (input.currency !== 'EUR')
    problems.push({ param: 'currency', message: `SEPA credit transfers are in EUR, not ${input.currency}` });
  if (input.amountMinor !== undefined && input.amountMinor > SEPA_AMOUNT_MAX_MINOR)
    problems.push({
      param: 'amount',
      message: `A SEPA credit transfer carries at most ${formatMoney(SEPA_AMOUNT_MAX_MINOR, 'EUR')}`,
    });
  const iban = normalIban(input.iban);
  if (!isValidIBAN(iban))
    problems.push({ param: 'destination.iban', message: 'IBAN is not valid (check digits or length)' });
  else if (!isSEPACountry(iban.slice(0, 2)))
    problems.push({
      param: 'destination.iban',
      message: `IBAN is of ${iban.slice(0, 2)}, which is not in the SEPA scheme`,
    });
  if (input.bic && !isSepaBic(input.bic))
    problems.push({
      param: 'destination.bic',
      message: 'BIC must be 8 or 11 letters and digits (e.g. DEUTDEFF)',
    });
  const name = sepaTextProblem(input.accountHolderName, SEPA_NAME_MAX, 'Account holder name');
  if (name) problems.push({ param: 'destination.account_holder_name', message: name });
  const remittance = sepaTextProblem(input.remittance, SEPA_REMITTANCE_MAX, 'Reference');
  if (remittance) problems.push({ param: 'reference', message: remittance });
  return problems;
}
