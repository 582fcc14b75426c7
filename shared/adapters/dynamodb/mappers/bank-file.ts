import type { BankFile, BankFileTransfer, BankLedgerEntry } from '../../../domain/bank-files.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey } from '../newest-first.js';
import { count, maybeCount, maybeText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const account = z.object({ name: text, iban: text, bic: maybeText });

const bankFileSchema = z.object({
  id: text,
  tenantId: text,
  slot: text,
  executionDate: text,
  status: z.enum(['building', 'written']),
  mode: z.enum(['test', 'live']),
  debtor: account,
  leaseUntil: maybeText,
  claimedAt: maybeText,
  count: maybeCount,
  controlSumMinor: maybeText,
  key: maybeText,
  createdAt: text,
  updatedAt: text,
  version: count,
});
true satisfies Exactly<z.output<typeof bankFileSchema>, BankFile>;

/** A SEPA file (sk FILE), listed per tenant newest first on gsi1. */
export const bankFileMapper = {
  entity: 'bank_file',
  toItem: (file: BankFile) => ({
    ...keys.bankFile(file.tenantId, file.id),
    gsi1pk: keys.bankFilesOfTenant(file.tenantId),
    gsi1sk: listingKey(file),
    entity: 'bank_file',
    fmt: ITEM_FORMAT,
    ...file,
  }),
  fromItem: (raw: Record<string, unknown>): BankFile => parseStored('bank_file', bankFileSchema, raw),
} satisfies ItemMapper<BankFile>;

const transferSchema = z.object({
  fileId: text,
  tenantId: text,
  payoutId: text,
  executionDate: text,
  amount: count,
  creditor: account,
  remittance: text,
});
true satisfies Exactly<z.output<typeof transferSchema>, BankFileTransfer>;

/** A transfer claimed by a SEPA file, in the file's partition (sk TX#date#payout). */
export const bankFileTransferMapper = {
  entity: 'bank_file_transfer',
  toItem: (transfer: BankFileTransfer) => ({
    ...keys.bankFileTransfer(transfer.tenantId, transfer.fileId, transfer.executionDate, transfer.payoutId),
    entity: 'bank_file_transfer',
    fmt: ITEM_FORMAT,
    ...transfer,
  }),
  fromItem: (raw: Record<string, unknown>): BankFileTransfer =>
    parseStored('bank_file_transfer', transferSchema, raw),
} satisfies ItemMapper<BankFileTransfer>;

const ledgerEntrySchema = z.object({
  tenantId: text,
  endToEndId: text,
  payoutId: maybeText,
  kind: z.enum(['booked', 'returned']),
  amount: count,
  currency: text,
  bookingDate: text,
  reasonCode: maybeText,
  fileKey: text,
  recordedAt: text,
});
true satisfies Exactly<z.output<typeof ledgerEntrySchema>, BankLedgerEntry>;

/** A bank statement line, by the transfer it names and what happened; listed per booking day on gsi1. */
export const bankLedgerEntryMapper = {
  entity: 'bank_ledger_entry',
  toItem: (entry: BankLedgerEntry) => ({
    ...keys.bankLedgerEntry(entry.tenantId, entry.endToEndId, entry.kind),
    gsi1pk: keys.bankLedgerOfDay(entry.tenantId, entry.bookingDate),
    gsi1sk: `${entry.endToEndId}#${entry.kind}`,
    entity: 'bank_ledger_entry',
    fmt: ITEM_FORMAT,
    ...entry,
  }),
  fromItem: (raw: Record<string, unknown>): BankLedgerEntry =>
    parseStored('bank_ledger_entry', ledgerEntrySchema, raw),
} satisfies ItemMapper<BankLedgerEntry>;
