import { parseAmount } from '../../domain/money.js';

/** The messages a bank sends back that {@link readBankFile} reads. */
export type BankFileType = 'pain.002' | 'camt.054' | 'camt.053';

/**
 * What a bank file says, in the order the file says it. `file` always comes first; then, for a
 * status report (pain.002), `accepted`, `rejected` and `file_rejected`; for a statement or a
 * notification (camt.053, camt.054), `booked` and `returned`. Each `endToEndId` is as the bank
 * wrote it (`payoutIdOf` turns it back into a payout id, or null for another system's transfer).
 */
export type BankFileEvent =
  | { kind: 'file'; type: BankFileType; messageId: string; originalMessageId: string | null }
  /**
   * The bank accepted the transfer for execution (not yet paid: a `booked` entry says that).
   * `status` is the ISO code: ACCP, ACSP, ACWC, or ACSC (settled on the debtor's side, which some
   * banks send instead of a statement).
   */
  | { kind: 'accepted'; endToEndId: string; status: string }
  /** The bank refused the transfer before executing it; `reasonCode` is an ISO 20022 code. */
  | { kind: 'rejected'; endToEndId: string; reasonCode: string | null }
  /** The bank refused a whole file (`originalPaymentInformationId` null) or one payment block of it. */
  | {
      kind: 'file_rejected';
      originalMessageId: string;
      originalPaymentInformationId: string | null;
      reasonCode: string | null;
    }
  /** The transfer left the debtor account (a booked debit). */
  | { kind: 'booked'; endToEndId: string; amountMinor: number; currency: string; bookingDate: string }
  /** The creditor's bank sent the money back; `endToEndId` is the original transfer's. */
  | {
      kind: 'returned';
      endToEndId: string;
      reasonCode: string | null;
      amountMinor: number;
      currency: string;
      bookingDate: string;
    };

/** A bank file that cannot be read: not XML, not a message this reader knows, or missing a part. */
export class BankFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BankFileError';
  }
}

/**
 * The receiver of one message type's elements, fed by the XML reader. Paths are the local names
 * below the message's root element joined by `/` (`OrgnlPmtInfAndSts/TxInfAndSts/TxSts`).
 */
export interface MessageReader {
  open(path: string, attributes: Readonly<Record<string, string>>): void;
  /** `text` is the element's trimmed text content (empty for elements holding only elements). */
  close(path: string, text: string): void;
  /** After the root element closed: throws if the file lacked something it must have. */
  end(): void;
}

/** An amount element's text in minor units, through the one money module; never a float. */
export function amountOf(text: string, currency: string | undefined, where: string): number {
  if (!currency) throw new BankFileError(`${where} has no Ccy attribute`);
  const parsed = parseAmount(text, currency);
  if (!parsed.ok)
    throw new BankFileError(`${where} '${text}' ${currency} is not an amount: ${parsed.message}`);
  return parsed.amount;
}
