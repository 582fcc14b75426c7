/**
 * The `sepa_file` rail's pure core (issue 21): what the platform calls to check a payout for SEPA,
 * write a pain.001.001.03 file and read the bank's pain.002 and camt.053/054 answers. Nothing here
 * touches AWS, a database or the network; see README.md for the formats and the choices made.
 */

export {
  endToEndIdOf,
  paymentInformationIdOf,
  payoutIdOf,
  SEPA_IDENTIFIER_MAX,
  sepaIdentifierProblem,
} from './identifiers.js';
export { BankFileError, type BankFileEvent, type BankFileType, readBankFile } from './inbound.js';
export {
  Pain001Error,
  type Pain001Input,
  type SepaAccount,
  type SepaTransfer,
  writePain001,
} from './pain001.js';
export {
  isSepaBic,
  isSepaIban,
  normalBic,
  normalIban,
  remittanceOf,
  SEPA_AMOUNT_MAX_MINOR,
  type SepaPayoutInput,
  sepaPayoutProblems,
} from './payout-problems.js';
export { failureFromReason, SEPA_REASON_TEXTS, type SepaFailureCode } from './reasons.js';
export { isSepaText, SEPA_NAME_MAX, SEPA_REMITTANCE_MAX, sepaTextProblem, toSepaText } from './text.js';
