/**
 * The local bank (issue 21): the files a bank answers a pain.001 with, built from a small spec the
 * way banks write them, following the ISO 20022 message definitions, elements in schema order:
 * `pain.002.001.03` (Customer Payment Status Report), `camt.054.001.02` (Bank to Customer Debit
 * Credit Notification) and `camt.053.001.02` (Bank to Customer Statement). The tests' bank, and the
 * CLI's `sepa bank-reply` (a bank to try the rail against with `npm start`).
 */
import { endToEndIdOf } from '../shared/connectors/sepa/identifiers.js';
import { escapeXml } from '../shared/connectors/sepa/xml.js';
import { formatMinorUnits } from '../shared/domain/money.js';

const BANK_BIC = 'COBADEFFXXX';
const ACCOUNT_IBAN = 'DE89370400440532013000';
const CREATED = '2026-12-02T10:15:00';

const eur = (amountMinor: number | bigint) => `<Amt Ccy="EUR">${formatMinorUnits(amountMinor, 'EUR')}</Amt>`;

// ---------------------------------------------------------------------------------------------
// pain.002.001.03

export type Pain002Status = 'ACCP' | 'ACSC' | 'ACSP' | 'ACWC' | 'ACTC' | 'PDNG' | 'RJCT';

export interface Pain002Transaction {
  endToEndId: string;
  /** Left out: the transaction takes its block's or group's status, as banks may write it. */
  status?: Pain002Status;
  reasonCode?: string;
  /** Echoed in `OrgnlTxRef` when given. */
  amountMinor?: number;
}

export interface Pain002Block {
  paymentInformationId: string;
  status?: Pain002Status | 'PART';
  reasonCode?: string;
  transactions?: Pain002Transaction[];
}

export interface Pain002Spec {
  messageId?: string;
  originalMessageId: string;
  groupStatus?: Pain002Status | 'PART';
  groupReasonCode?: string;
  /** Shorthand for one block, `<originalMessageId>-1`, holding these transactions. */
  transactions?: Pain002Transaction[];
  blocks?: Pain002Block[];
}

const reason = (code: string | undefined) =>
  code
    ? `<StsRsnInf><Orgtr><Id><OrgId><BICOrBEI>${BANK_BIC}</BICOrBEI></OrgId></Id></Orgtr><Rsn><Cd>${escapeXml(code)}</Cd></Rsn></StsRsnInf>`
    : '';

/** A Customer Payment Status Report answering the pain.001 file `originalMessageId`. */
export function pain002(spec: Pain002Spec): string {
  const blocks = spec.blocks ?? [];
  if (spec.transactions)
    blocks.unshift({ paymentInformationId: `${spec.originalMessageId}-1`, transactions: spec.transactions });
  const count = blocks.reduce((sum, block) => sum + (block.transactions?.length ?? 0), 0);
  let statusId = 0;
  const transaction = (tx: Pain002Transaction) =>
    `<TxInfAndSts><StsId>STS${++statusId}</StsId><OrgnlEndToEndId>${escapeXml(tx.endToEndId)}</OrgnlEndToEndId>` +
    (tx.status ? `<TxSts>${tx.status}</TxSts>` : '') +
    reason(tx.reasonCode) +
    (tx.amountMinor === undefined
      ? ''
      : `<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">${formatMinorUnits(tx.amountMinor, 'EUR')}</InstdAmt></Amt><ReqdExctnDt>2026-12-03</ReqdExctnDt></OrgnlTxRef>`) +
    '</TxInfAndSts>';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    '<CstmrPmtStsRpt>\n' +
    `<GrpHdr><MsgId>${escapeXml(spec.messageId ?? `STS-${spec.originalMessageId}`.slice(0, 35))}</MsgId><CreDtTm>${CREATED}</CreDtTm>` +
    `<DbtrAgt><FinInstnId><BIC>${BANK_BIC}</BIC></FinInstnId></DbtrAgt></GrpHdr>\n` +
    `<OrgnlGrpInfAndSts><OrgnlMsgId>${escapeXml(spec.originalMessageId)}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>` +
    (count > 0 ? `<OrgnlNbOfTxs>${count}</OrgnlNbOfTxs>` : '') +
    (spec.groupStatus ? `<GrpSts>${spec.groupStatus}</GrpSts>` : '') +
    reason(spec.groupReasonCode) +
    '</OrgnlGrpInfAndSts>\n' +
    blocks
      .map(
        (block) =>
          `<OrgnlPmtInfAndSts><OrgnlPmtInfId>${escapeXml(block.paymentInformationId)}</OrgnlPmtInfId>` +
          (block.status ? `<PmtInfSts>${block.status}</PmtInfSts>` : '') +
          reason(block.reasonCode) +
          (block.transactions ?? []).map(transaction).join('\n') +
          '</OrgnlPmtInfAndSts>\n',
      )
      .join('') +
    '</CstmrPmtStsRpt>\n</Document>\n'
  );
}

// ---------------------------------------------------------------------------------------------
// camt.054.001.02 and camt.053.001.02

export interface BookedEntry {
  /** A booked debit of our credit transfers: one transaction, or several (batch booking). */
  kind: 'booked';
  transactions: { endToEndId: string; amountMinor: number }[];
  bookingDate?: string;
  status?: 'BOOK' | 'PDNG' | 'INFO';
  /** Leave out `TxDtls/AmtDtls`, as banks may for an entry of one transaction. */
  withoutTransactionAmounts?: boolean;
}

export interface ReturnedEntry {
  /** A credit: the creditor's bank sent a transfer back (SCT return). */
  kind: 'returned';
  /** The original transfer's EndToEndId, as the return carries it. */
  endToEndId: string;
  reasonCode?: string;
  amountMinor: number;
  bookingDate?: string;
  /**
   * How the bank codes it: ISO (`PMNT/ICDT/RRTN`, default), the German banks' proprietary GVC 159, or a
   * proprietary code the reader does not know (then only `RtrInf` tells it is a return).
   */
  code?: 'iso' | 'dk' | 'unknown';
}

export interface OtherEntry {
  /** Someone else's transfer into the account (`PMNT/RCDT/ESCT`) or a bank fee: not ours. */
  kind: 'incoming' | 'fee';
  endToEndId?: string;
  amountMinor: number;
  bookingDate?: string;
}

export type CamtEntry = BookedEntry | ReturnedEntry | OtherEntry;

export interface CamtSpec {
  messageId?: string;
  /** Any iterable: a generator makes a file of 50,000 entries without holding them. */
  entries: Iterable<CamtEntry>;
}

const DAY = '2026-12-03';

const bookingDates = (date: string | undefined) =>
  `<BookgDt><Dt>${date ?? DAY}</Dt></BookgDt><ValDt><Dt>${date ?? DAY}</Dt></ValDt>`;

const domain = (family: string, subFamily: string) =>
  `<Domn><Cd>PMNT</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>${subFamily}</SubFmlyCd></Fmly></Domn>`;

let entryReference = 0;

/** One `Ntry` of a notification or statement. */
export function camtEntry(entry: CamtEntry): string {
  const ref = `<AcctSvcrRef>BANKREF${++entryReference}</AcctSvcrRef>`;
  switch (entry.kind) {
    case 'booked': {
      const total = entry.transactions.reduce((sum, tx) => sum + BigInt(tx.amountMinor), 0n);
      const batch =
        entry.transactions.length > 1
          ? `<Btch><NbOfTxs>${entry.transactions.length}</NbOfTxs><TtlAmt Ccy="EUR">${formatMinorUnits(total, 'EUR')}</TtlAmt><CdtDbtInd>DBIT</CdtDbtInd></Btch>`
          : '';
      const details = entry.transactions
        .map(
          (tx) =>
            `<TxDtls><Refs><EndToEndId>${escapeXml(tx.endToEndId)}</EndToEndId></Refs>` +
            (entry.withoutTransactionAmounts
              ? ''
              : `<AmtDtls><TxAmt>${eur(tx.amountMinor)}</TxAmt></AmtDtls>`) +
            `<RltdPties><Cdtr><Nm>Creditor</Nm></Cdtr><CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct></RltdPties>` +
            `<RmtInf><Ustrd>Payout ${escapeXml(tx.endToEndId)}</Ustrd></RmtInf></TxDtls>`,
        )
        .join('');
      return (
        `<Ntry>${eur(total)}<CdtDbtInd>DBIT</CdtDbtInd><Sts>${entry.status ?? 'BOOK'}</Sts>${bookingDates(entry.bookingDate)}${ref}` +
        `<BkTxCd>${domain('ICDT', 'ESCT')}<Prtry><Cd>NMSC+116+00931</Cd><Issr>DK</Issr></Prtry></BkTxCd>` +
        `<NtryDtls>${batch}${details}</NtryDtls></Ntry>\n`
      );
    }
    case 'returned': {
      const code = entry.code ?? 'iso';
      const bankCode =
        code === 'iso'
          ? `<BkTxCd>${domain('ICDT', 'RRTN')}</BkTxCd>`
          : code === 'dk'
            ? '<BkTxCd><Prtry><Cd>NRTI+159+00931</Cd><Issr>DK</Issr></Prtry></BkTxCd>'
            : '<BkTxCd><Prtry><Cd>XRET</Cd><Issr>BANK</Issr></Prtry></BkTxCd>';
      return (
        `<Ntry>${eur(entry.amountMinor)}<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>${bookingDates(entry.bookingDate)}${ref}${bankCode}` +
        `<NtryDtls><TxDtls><Refs><EndToEndId>${escapeXml(entry.endToEndId)}</EndToEndId></Refs>` +
        `<AmtDtls><TxAmt>${eur(entry.amountMinor)}</TxAmt></AmtDtls>` +
        `<RltdPties><Dbtr><Nm>Creditor</Nm></Dbtr></RltdPties>` +
        `<RtrInf>${entry.reasonCode ? `<Rsn><Cd>${escapeXml(entry.reasonCode)}</Cd></Rsn>` : ''}<AddtlInf>RETURN OF SEPA CREDIT TRANSFER</AddtlInf></RtrInf>` +
        '</TxDtls></NtryDtls></Ntry>\n'
      );
    }
    case 'incoming':
    case 'fee': {
      const incoming = entry.kind === 'incoming';
      return (
        `<Ntry>${eur(entry.amountMinor)}<CdtDbtInd>${incoming ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>${bookingDates(entry.bookingDate)}${ref}` +
        `<BkTxCd>${incoming ? domain('RCDT', 'ESCT') : '<Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn>'}</BkTxCd>` +
        `<NtryDtls><TxDtls><Refs><EndToEndId>${escapeXml(entry.endToEndId ?? 'NOTPROVIDED')}</EndToEndId></Refs>` +
        `<AmtDtls><TxAmt>${eur(entry.amountMinor)}</TxAmt></AmtDtls></TxDtls></NtryDtls></Ntry>\n`
      );
    }
  }
}

const account = `<Acct><Id><IBAN>${ACCOUNT_IBAN}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BIC>${BANK_BIC}</BIC></FinInstnId></Svcr></Acct>`;

/** A Bank to Customer Debit Credit Notification, in parts (header, each entry, footer). */
export function* camt054Parts(spec: CamtSpec): Generator<string> {
  const messageId = spec.messageId ?? 'NTF-20261203-1';
  yield '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    `<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>${escapeXml(messageId)}</MsgId><CreDtTm>${CREATED}</CreDtTm></GrpHdr>\n` +
    `<Ntfctn><Id>${escapeXml(messageId)}-1</Id><CreDtTm>${CREATED}</CreDtTm>${account}\n`;
  for (const entry of spec.entries) yield camtEntry(entry);
  yield '</Ntfctn></BkToCstmrDbtCdtNtfctn>\n</Document>\n';
}

/** A Bank to Customer Debit Credit Notification (`camt.054.001.02`) holding `spec.entries`. */
export function camt054(spec: CamtSpec): string {
  return [...camt054Parts(spec)].join('');
}

/** A Bank to Customer Statement (`camt.053.001.02`) of one day holding `spec.entries`. */
export function camt053(spec: CamtSpec & { openingBalanceMinor?: number }): string {
  const messageId = spec.messageId ?? 'STM-20261203-1';
  const balance = (type: string) =>
    `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp>${eur(spec.openingBalanceMinor ?? 1_000_000_00)}<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${DAY}</Dt></Dt></Bal>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    `<BkToCstmrStmt><GrpHdr><MsgId>${escapeXml(messageId)}</MsgId><CreDtTm>${CREATED}</CreDtTm></GrpHdr>\n` +
    `<Stmt><Id>${escapeXml(messageId)}-1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>${CREATED}</CreDtTm>${account}` +
    // The closing balance is not worked out: nothing here reads it.
    `${balance('OPBD')}${balance('CLBD')}\n` +
    [...spec.entries].map(camtEntry).join('') +
    '</Stmt></BkToCstmrStmt>\n</Document>\n'
  );
}

/**
 * The bank's whole answer to one pain.001 file: a status report (each transfer accepted, or
 * rejected with its reason) and a notification booking every accepted transfer, then sending back
 * those to be returned.
 */
export function bankFiles(input: {
  messageId: string;
  transfers: readonly { payoutId: string; amount: number }[];
  rejected: ReadonlyMap<string, string>;
  returned: ReadonlyMap<string, string>;
}): { status: string; notification: string } {
  const accepted = input.transfers.filter((transfer) => !input.rejected.has(transfer.payoutId));
  return {
    status: pain002({
      originalMessageId: input.messageId,
      transactions: input.transfers.map((transfer) => {
        const reason = input.rejected.get(transfer.payoutId);
        return reason
          ? { endToEndId: endToEndIdOf(transfer.payoutId), status: 'RJCT' as const, reasonCode: reason }
          : { endToEndId: endToEndIdOf(transfer.payoutId), status: 'ACCP' as const };
      }),
    }),
    notification: camt054({
      messageId: `NTF-${input.messageId}`.slice(0, 35),
      entries: [
        ...(accepted.length > 0
          ? [
              {
                kind: 'booked' as const,
                bookingDate: new Date().toISOString().slice(0, 10),
                transactions: accepted.map((transfer) => ({
                  endToEndId: endToEndIdOf(transfer.payoutId),
                  amountMinor: transfer.amount,
                })),
              },
            ]
          : []),
        ...accepted.flatMap((transfer) => {
          const reason = input.returned.get(transfer.payoutId);
          return reason
            ? [
                {
                  kind: 'returned' as const,
                  bookingDate: new Date().toISOString().slice(0, 10),
                  endToEndId: endToEndIdOf(transfer.payoutId),
                  reasonCode: reason,
                  amountMinor: transfer.amount,
                },
              ]
            : [];
        }),
      ],
    }),
  };
}
