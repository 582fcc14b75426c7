import { formatMinorUnits } from '../../domain/money.js';
import { paymentInformationIdOf, sepaIdentifierProblem } from './identifiers.js';
import { isSepaBic, isSepaIban, normalBic, normalIban, SEPA_AMOUNT_MAX_MINOR } from './payout-problems.js';
import { SEPA_NAME_MAX, SEPA_REMITTANCE_MAX, sepaTextProblem, toSepaText } from './text.js';
import { escapeXml } from './xml.js';

/** One credit transfer of a pain.001 file: one payout. */
export interface SepaTransfer {
  /** The payout's `EndToEndId` (see `endToEndIdOf`): what the bank echoes back. */
  endToEndId: string;
  amountMinor: number;
  currency: 'EUR';
  creditor: SepaAccount;
  /** Unstructured remittance text, at most 140 characters after transliteration (`remittanceOf`). */
  remittance: string;
  /** Requested execution date, `YYYY-MM-DD`. */
  executionDate: string;
}

export interface SepaAccount {
  name: string;
  iban: string;
  bic?: string | null;
}

export interface Pain001Input {
  /** The file's `MsgId`: a SEPA identifier of at most 35 characters (33 keeps `PmtInfId`s whole). */
  messageId: string;
  createdAt: Date;
  initiatingPartyName: string;
  /** The tenant's account the transfers are paid from. */
  debtor: SepaAccount;
  /** What the group header announces; the writer checks the transfers add up to it. */
  numberOfTransactions: number;
  controlSumMinor: bigint;
  /** Sorted by `executionDate`: one payment information block is opened per date. */
  transactions: AsyncIterable<SepaTransfer>;
}

/** A pain.001 file could not be written as asked: the caller must not upload what it has. */
export class Pain001Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Pain001Error';
  }
}

const NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03';

/** Chunks of about this many characters are yielded: small enough to stream, large enough to be cheap. */
const CHUNK_SIZE = 8192;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day as `YYYY-MM-DD` (`Date.parse` alone would take 2026-02-30 as 2 March). */
function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Writes a SEPA credit transfer initiation file (ISO 20022 `pain.001.001.03`, as the EPC's
 * customer-to-bank guidelines use it), yielding it in chunks of a few KB so that a file of any size
 * is built in bounded memory (piped into an S3 multipart upload).
 *
 * Layout: a group header (`MsgId`, `CreDtTm`, `NbOfTxs`, `CtrlSum`, `InitgPty`); then one `PmtInf`
 * per requested execution date (transfer method, batch booking, service level SEPA, debtor, debtor
 * agent, charges shared `SLEV`); in each, one `CdtTrfTxInf` per transfer. The header comes first
 * but its count and sum are the caller's; the writer adds up what it writes and throws a
 * {@link Pain001Error} after the last transfer if they differ, so a wrong header never leaves.
 *
 * Every text goes through {@link toSepaText} and XML escaping; identifiers, IBANs, BICs, amounts and
 * dates are checked and a transfer that the bank would reject throws (a last guard: payouts are
 * checked at creation with `sepaPayoutProblems`).
 */
export async function* writePain001(input: Pain001Input): AsyncGenerator<string> {
  checkHeader(input);
  let buffer = `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<CstmrCdtTrfInitn>\n${groupHeader(input)}`;
  let count = 0;
  let sum = 0n;
  let currentDate: string | null = null;
  let blocks = 0;
  for await (const transfer of input.transactions) {
    checkTransfer(transfer, count + 1);
    if (transfer.executionDate !== currentDate) {
      if (currentDate !== null && transfer.executionDate < currentDate)
        throw new Pain001Error(
          `Transfers are not sorted by execution date: ${transfer.endToEndId} (${transfer.executionDate}) comes after ${currentDate}`,
        );
      if (currentDate !== null) buffer += '</PmtInf>\n';
      blocks += 1;
      currentDate = transfer.executionDate;
      buffer += paymentInformationHeader(input, paymentInformationIdOf(input.messageId, blocks), currentDate);
    }
    buffer += creditTransfer(transfer);
    count += 1;
    sum += BigInt(transfer.amountMinor);
    if (buffer.length >= CHUNK_SIZE) {
      yield buffer;
      buffer = '';
    }
  }
  if (count !== input.numberOfTransactions || sum !== input.controlSumMinor)
    throw new Pain001Error(
      `The file's header announces ${input.numberOfTransactions} transfers for ${formatMinorUnits(input.controlSumMinor, 'EUR')} EUR, but ${count} transfers for ${formatMinorUnits(sum, 'EUR')} EUR were written`,
    );
  yield `${buffer}</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n`;
}

function checkHeader(input: Pain001Input): void {
  const problems = [
    sepaIdentifierProblem(input.messageId, 'Message id'),
    sepaTextProblem(input.initiatingPartyName, SEPA_NAME_MAX, 'Initiating party name'),
    sepaTextProblem(input.debtor.name, SEPA_NAME_MAX, 'Debtor name'),
    isSepaIban(input.debtor.iban)
      ? null
      : `Debtor IBAN '${input.debtor.iban}' is not a valid IBAN of a SEPA country`,
    !input.debtor.bic || isSepaBic(input.debtor.bic) ? null : `Debtor BIC '${input.debtor.bic}' is not valid`,
    Number.isSafeInteger(input.numberOfTransactions) && input.numberOfTransactions > 0
      ? null
      : `A file needs at least one transfer, got numberOfTransactions ${input.numberOfTransactions}`,
    Number.isNaN(input.createdAt.getTime()) ? 'Creation time is not a valid date' : null,
  ].filter((problem) => problem !== null);
  if (problems.length > 0) throw new Pain001Error(problems.join('; '));
}

function checkTransfer(transfer: SepaTransfer, position: number): void {
  const what = `Transfer ${position} (${transfer.endToEndId})`;
  const problems = [
    sepaIdentifierProblem(transfer.endToEndId, 'EndToEndId'),
    transfer.currency === 'EUR' ? null : `currency is ${transfer.currency}, not EUR`,
    Number.isSafeInteger(transfer.amountMinor) &&
    transfer.amountMinor > 0 &&
    transfer.amountMinor <= SEPA_AMOUNT_MAX_MINOR
      ? null
      : `amount ${transfer.amountMinor} is not between 1 and ${SEPA_AMOUNT_MAX_MINOR} cents`,
    sepaTextProblem(transfer.creditor.name, SEPA_NAME_MAX, 'creditor name'),
    isSepaIban(transfer.creditor.iban) ? null : `creditor IBAN is not a valid IBAN of a SEPA country`,
    !transfer.creditor.bic || isSepaBic(transfer.creditor.bic) ? null : 'creditor BIC is not valid',
    sepaTextProblem(transfer.remittance, SEPA_REMITTANCE_MAX, 'remittance information'),
    isDate(transfer.executionDate)
      ? null
      : `execution date '${transfer.executionDate}' is not a date (YYYY-MM-DD)`,
  ].filter((problem) => problem !== null);
  if (problems.length > 0) throw new Pain001Error(`${what}: ${problems.join('; ')}`);
}

/** Text in the SEPA set, escaped for XML (the set has `'`, which needs nothing in element content). */
function text(value: string): string {
  return escapeXml(toSepaText(value));
}

function groupHeader(input: Pain001Input): string {
  // Seconds, in UTC: xs:dateTime, and what the EPC's examples show.
  const created = `${input.createdAt.toISOString().slice(0, 19)}Z`;
  return (
    `<GrpHdr><MsgId>${escapeXml(input.messageId)}</MsgId><CreDtTm>${created}</CreDtTm>` +
    `<NbOfTxs>${input.numberOfTransactions}</NbOfTxs>` +
    `<CtrlSum>${formatMinorUnits(input.controlSumMinor, 'EUR')}</CtrlSum>` +
    `<InitgPty><Nm>${text(input.initiatingPartyName)}</Nm></InitgPty></GrpHdr>\n`
  );
}

/**
 * The opening of a payment information block, up to its first transfer. Its own `NbOfTxs` and
 * `CtrlSum` are optional in the schema and left out: they would need the day's totals before its
 * transfers are read, and the group header already carries the file's.
 */
function paymentInformationHeader(input: Pain001Input, paymentInformationId: string, date: string): string {
  const { debtor } = input;
  return (
    `<PmtInf><PmtInfId>${escapeXml(paymentInformationId)}</PmtInfId><PmtMtd>TRF</PmtMtd>` +
    '<BtchBookg>true</BtchBookg>' +
    '<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>' +
    `<ReqdExctnDt>${date}</ReqdExctnDt>` +
    `<Dbtr><Nm>${text(debtor.name)}</Nm></Dbtr>` +
    `<DbtrAcct><Id><IBAN>${normalIban(debtor.iban)}</IBAN></Id></DbtrAcct>` +
    `<DbtrAgt><FinInstnId>${debtor.bic ? `<BIC>${normalBic(debtor.bic)}</BIC>` : '<Othr><Id>NOTPROVIDED</Id></Othr>'}</FinInstnId></DbtrAgt>` +
    '<ChrgBr>SLEV</ChrgBr>\n'
  );
}

function creditTransfer(transfer: SepaTransfer): string {
  const { creditor } = transfer;
  // Without a BIC the element is left out: the IBAN alone routes a SEPA transfer ("IBAN only").
  const agent = creditor.bic
    ? `<CdtrAgt><FinInstnId><BIC>${normalBic(creditor.bic)}</BIC></FinInstnId></CdtrAgt>`
    : '';
  return (
    `<CdtTrfTxInf><PmtId><EndToEndId>${escapeXml(transfer.endToEndId)}</EndToEndId></PmtId>` +
    `<Amt><InstdAmt Ccy="EUR">${formatMinorUnits(transfer.amountMinor, 'EUR')}</InstdAmt></Amt>` +
    agent +
    `<Cdtr><Nm>${text(creditor.name)}</Nm></Cdtr>` +
    `<CdtrAcct><Id><IBAN>${normalIban(creditor.iban)}</IBAN></Id></CdtrAcct>` +
    `<RmtInf><Ustrd>${text(transfer.remittance)}</Ustrd></RmtInf></CdtTrfTxInf>\n`
  );
}
