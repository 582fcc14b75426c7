import { isSepaText } from './text.js';

/** Longest identifier (`MsgId`, `PmtInfId`, `EndToEndId`) in pain.001: ISO's Max35Text. */
export const SEPA_IDENTIFIER_MAX = 35;

/**
 * What keeps `id` from being a SEPA identifier, or null. The EPC guidelines restrict references and
 * identifiers to the SEPA character set and add: not empty, at most 35 characters, no leading or
 * trailing `/`, no `//` (banks use `/` to separate structured parts). No space either: the bank
 * echoes the identifier back and a space is where one would trim it.
 */
export function sepaIdentifierProblem(id: string, what: string): string | null {
  if (id === '') return `${what} is empty`;
  if (id.length > SEPA_IDENTIFIER_MAX)
    return `${what} '${id}' is longer than ${SEPA_IDENTIFIER_MAX} characters`;
  if (!isSepaText(id) || id.includes(' '))
    return `${what} '${id}' has characters outside the SEPA set (letters, digits, / - ? : ( ) . , ' +)`;
  if (id.startsWith('/') || id.endsWith('/') || id.includes('//'))
    return `${what} '${id}' starts or ends with '/' or contains '//', which SEPA forbids`;
  return null;
}

const PAYOUT_ID = /^po_([0-9A-HJKMNP-TV-Z]{26})$/;
const PAYOUT_END_TO_END_ID = /^po-([0-9A-HJKMNP-TV-Z]{26})$/;

/**
 * The `EndToEndId` a payout travels under: its id with `-` for `_` (`po_01J…` → `po-01J…`). The
 * underscore is not in the SEPA character set, and a bank that replaces it (with a space or a full
 * stop, as some do) would echo back an id nothing matches. 29 characters, within the 35 allowed.
 */
export function endToEndIdOf(payoutId: string): string {
  const match = PAYOUT_ID.exec(payoutId);
  if (!match) throw new Error(`Not a payout id: '${payoutId}'`);
  return `po-${match[1]}`;
}

/**
 * The payout id an `EndToEndId` from a bank file stands for, or null when it is not one this
 * platform wrote (another system's transfer from the same account, `NOTPROVIDED`): the caller records
 * those for reconciliation rather than dropping them.
 */
export function payoutIdOf(endToEndId: string): string | null {
  const match = PAYOUT_END_TO_END_ID.exec(endToEndId.trim());
  return match ? `po_${match[1]}` : null;
}

/**
 * The `PmtInfId` of the `index`-th (1-based) payment information block of a file: the message id
 * with `-<index>` appended, the message id shortened if needed to stay within 35 characters. Unique
 * within the file; unique across files as long as message ids are at most 33 characters and differ.
 */
export function paymentInformationIdOf(messageId: string, index: number): string {
  const suffix = `-${index}`;
  return `${messageId.slice(0, SEPA_IDENTIFIER_MAX - suffix.length)}${suffix}`;
}
