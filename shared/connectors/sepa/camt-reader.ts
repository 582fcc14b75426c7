import { amountOf, BankFileError, type BankFileEvent, type MessageReader } from './bank-file-events.js';

/** Bank transaction code of an entry or of one transaction in it (`BkTxCd`). */
interface TransactionCode {
  domain: string | null;
  family: string | null;
  subFamily: string | null;
  proprietary: string | null;
}

interface Entry {
  amountMinor: number | null;
  currency: string | undefined;
  direction: string | null;
  status: string | null;
  reversal: boolean;
  bookingDate: string | null;
  valueDate: string | null;
  code: TransactionCode;
  transactions: number;
  /** The one transaction of the entry that carries no amount of its own: it takes the entry's. */
  waiting: Transaction | null;
}

interface Transaction {
  endToEndId: string | null;
  amountMinor: number | null;
  currency: string | undefined;
  code: TransactionCode;
  hasReturnInformation: boolean;
  reason: string | null;
}

const noCode = (): TransactionCode => ({ domain: null, family: null, subFamily: null, proprietary: null });

/**
 * A German bank's proprietary code for a returned SEPA credit transfer: the DK's
 * `NRTI+159+…`/`NTRF+159` (business transaction code, GVC, 159 = "SEPA Credit Transfer return").
 */
const DK_RETURN = /^N[A-Z]{3}\+159(\+|$)/;

/**
 * Whether a credit entry is the return of one of our transfers. The ISO 20022 bank transaction code
 * for it, as the EPC's recommendation on customer reporting of SCTs (EPC188-09) gives it, is domain
 * `PMNT`, family `ICDT` (issued credit transfers), sub-family `RRTN` (reversal due to payment return);
 * some banks file it under `RCDT`. Banks that report only proprietary codes are recognised by
 * `RTRN` or the German GVC 159; and any credit whose transaction details carry return information
 * (`RtrInf`) is one whatever its code.
 */
function isReturn(code: TransactionCode, transaction: Transaction): boolean {
  if (transaction.hasReturnInformation) return true;
  if (
    code.domain === 'PMNT' &&
    (code.family === 'ICDT' || code.family === 'RCDT') &&
    code.subFamily === 'RRTN'
  )
    return true;
  return code.proprietary !== null && (code.proprietary === 'RTRN' || DK_RETURN.test(code.proprietary));
}

/**
 * Whether a debit entry is one of our credit transfers leaving the account: family `ICDT` when the
 * bank gives an ISO code (a direct debit collected from the account, `RDDT`, has an EndToEndId too
 * but is not ours); any debit when it gives only a proprietary code.
 */
function isCreditTransfer(code: TransactionCode): boolean {
  return code.family === null || code.family === 'ICDT';
}

/**
 * Reads a Bank to Customer Debit Credit Notification (`camt.054.001.02`, root
 * `BkToCstmrDbtCdtNtfctn`, entries under `Ntfctn`) or Statement (`camt.053.001.02`, root
 * `BkToCstmrStmt`, entries under `Stmt`). Every transaction detail (`TxDtls`) of a booked entry is
 * one event, as it closes: a batch-booked entry of 10,000 transfers is never held in memory. The
 * entry's own fields (`Sts`, `CdtDbtInd`, `BookgDt`, `BkTxCd`) come before its details in the
 * schema, so they are known by then.
 */
export function camtReader(
  type: 'camt.054' | 'camt.053',
  emit: (event: BankFileEvent) => void,
): MessageReader {
  const ENTRY = `${type === 'camt.054' ? 'Ntfctn' : 'Stmt'}/Ntry`;
  const DETAILS = `${ENTRY}/NtryDtls/TxDtls`;
  let messageId: string | null = null;
  let entry: Entry | null = null;
  let transaction: Transaction | null = null;
  let currency: string | undefined;

  function codeAt(path: string): TransactionCode | null {
    if (path.startsWith(`${DETAILS}/BkTxCd/`)) return transaction?.code ?? null;
    if (path.startsWith(`${ENTRY}/BkTxCd/`)) return entry?.code ?? null;
    return null;
  }

  function tell(current: Entry, tx: Transaction): void {
    if (current.status !== 'BOOK' || current.reversal) return;
    const endToEndId = tx.endToEndId;
    // NOTPROVIDED is what the EPC guidelines write when the ordering customer gave no id.
    if (!endToEndId || endToEndId === 'NOTPROVIDED') return;
    const code = tx.code.domain || tx.code.proprietary ? tx.code : current.code;
    const where = `Entry with EndToEndId ${endToEndId}`;
    const bookingDate = current.bookingDate ?? current.valueDate;
    if (current.direction === 'DBIT' && isCreditTransfer(code)) {
      if (!bookingDate) throw new BankFileError(`${where} is booked without a BookgDt`);
      emit({ kind: 'booked', endToEndId, ...amountOfTransaction(current, tx, where), bookingDate });
    } else if (current.direction === 'CRDT' && isReturn(code, tx)) {
      if (!bookingDate) throw new BankFileError(`${where} is booked without a BookgDt`);
      emit({
        kind: 'returned',
        endToEndId,
        reasonCode: tx.reason,
        ...amountOfTransaction(current, tx, where),
        bookingDate,
      });
    }
  }

  return {
    open(path, attributes) {
      if (path === ENTRY) {
        if (messageId === null)
          throw new BankFileError(`The ${type} file has no GrpHdr/MsgId before its entries`);
        entry = {
          amountMinor: null,
          currency: undefined,
          direction: null,
          status: null,
          reversal: false,
          bookingDate: null,
          valueDate: null,
          code: noCode(),
          transactions: 0,
          waiting: null,
        };
      } else if (path === DETAILS && entry) {
        if (entry.waiting)
          throw new BankFileError(
            `Entry with EndToEndId ${entry.waiting.endToEndId ?? '(none)'} has several TxDtls and one lacks AmtDtls`,
          );
        entry.transactions += 1;
        transaction = {
          endToEndId: null,
          amountMinor: null,
          currency: undefined,
          code: noCode(),
          hasReturnInformation: false,
          reason: null,
        };
      } else if (path === `${DETAILS}/RtrInf` && transaction) {
        transaction.hasReturnInformation = true;
      }
      // The currency of an amount is an attribute: kept from the element's opening to its text.
      if (path.endsWith('Amt')) currency = attributes.Ccy;
    },
    close(path, text) {
      const code = codeAt(path);
      if (code) {
        if (path.endsWith('/Domn/Cd')) code.domain = text;
        else if (path.endsWith('/Fmly/Cd')) code.family = text;
        else if (path.endsWith('/Fmly/SubFmlyCd')) code.subFamily = text;
        else if (path.endsWith('/Prtry/Cd')) code.proprietary = text;
        return;
      }
      switch (path) {
        case 'GrpHdr/MsgId':
          messageId = text;
          break;
        case 'GrpHdr':
          if (messageId === null) throw new BankFileError(`The ${type} file has no GrpHdr/MsgId`);
          emit({ kind: 'file', type, messageId, originalMessageId: null });
          break;
        case `${ENTRY}/Amt`:
          if (entry) {
            entry.amountMinor = amountOf(text, currency, 'Ntry/Amt');
            entry.currency = currency;
          }
          break;
        case `${ENTRY}/CdtDbtInd`:
          if (entry) entry.direction = text;
          break;
        // camt.05x.001.02 writes the status as text; versions from .08 on wrap it in Cd.
        case `${ENTRY}/Sts`:
        case `${ENTRY}/Sts/Cd`:
          if (entry && text) entry.status = text;
          break;
        case `${ENTRY}/RvslInd`:
          if (entry) entry.reversal = text === 'true' || text === '1';
          break;
        case `${ENTRY}/BookgDt/Dt`:
        case `${ENTRY}/BookgDt/DtTm`:
          if (entry) entry.bookingDate = text.slice(0, 10);
          break;
        case `${ENTRY}/ValDt/Dt`:
        case `${ENTRY}/ValDt/DtTm`:
          if (entry) entry.valueDate = text.slice(0, 10);
          break;
        case `${DETAILS}/Refs/EndToEndId`:
          if (transaction) transaction.endToEndId = text;
          break;
        case `${DETAILS}/AmtDtls/TxAmt/Amt`:
        case `${DETAILS}/AmtDtls/InstdAmt/Amt`:
          // The amount booked (TxAmt) wins over the amount instructed when a bank gives both.
          if (transaction && (transaction.amountMinor === null || path.endsWith('TxAmt/Amt'))) {
            transaction.amountMinor = amountOf(text, currency, 'TxDtls/AmtDtls');
            transaction.currency = currency;
          }
          break;
        case `${DETAILS}/RtrInf/Rsn/Cd`:
        case `${DETAILS}/RtrInf/Rsn/Prtry`:
          if (transaction) transaction.reason ??= text;
          break;
        case DETAILS:
          if (entry && transaction) {
            if (transaction.amountMinor === null && entry.transactions === 1) entry.waiting = transaction;
            else if (transaction.amountMinor === null)
              throw new BankFileError(
                `Entry with EndToEndId ${transaction.endToEndId ?? '(none)'} has several TxDtls and one lacks AmtDtls`,
              );
            else tell(entry, transaction);
          }
          transaction = null;
          break;
        case ENTRY:
          if (entry?.waiting) tell(entry, entry.waiting);
          entry = null;
          break;
      }
    },
    end() {
      if (messageId === null) throw new BankFileError(`The ${type} file has no GrpHdr/MsgId`);
    },
  };
}

/** A transaction's amount, or its entry's when the entry holds only this one transaction. */
function amountOfTransaction(
  entry: Entry,
  tx: Transaction,
  where: string,
): { amountMinor: number; currency: string } {
  const amountMinor = tx.amountMinor ?? entry.amountMinor;
  const currency = tx.amountMinor === null ? entry.currency : tx.currency;
  if (amountMinor === null || !currency) throw new BankFileError(`${where} has no amount`);
  return { amountMinor, currency };
}
