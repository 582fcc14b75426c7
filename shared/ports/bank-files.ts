import type { BankFile, BankFileTransfer, BankLedgerEntry } from '../domain/bank-files.js';
import type { Page } from './payout-repository.js';

/** SEPA files, their transfers and the bank's statement lines (D72). */
export interface BankFileStore {
  /** Creates the file unless one with its id (its slot) exists; returns the stored one either way. */
  createOrGet(file: BankFile): Promise<BankFile>;
  get(tenantId: string, fileId: string): Promise<BankFile | undefined>;
  /** @throws ConcurrentModificationError when the stored file is not at `current.version` */
  save(input: { current: BankFile; next: BankFile }): Promise<void>;
  /** Newest first. */
  list(tenantId: string, query: { limit: number; startingAfter?: string }): Promise<Page<BankFile>>;
  /** Writes transfers of a file (rewriting one writes the same content). */
  putTransfers(transfers: readonly BankFileTransfer[]): Promise<void>;
  /** A file's transfers in file order (execution date, then payout id), page by page. */
  transfers(file: Pick<BankFile, 'tenantId' | 'id'>): AsyncIterable<BankFileTransfer[]>;
  /** Removes transfers whose payout another file claimed (a claim lost to a race). */
  dropTransfers(transfers: readonly BankFileTransfer[]): Promise<void>;
  /** Records statement lines; the same line recorded again (a file read twice) is one line. */
  recordLedger(entries: readonly BankLedgerEntry[]): Promise<void>;
  /** The statement lines of a booking day, page by page. */
  ledgerOfDay(tenantId: string, date: string): AsyncIterable<BankLedgerEntry[]>;
  /** The lines naming one transfer by its `EndToEndId` (its booking, its return). */
  ledgerOf(tenantId: string, endToEndId: string): Promise<BankLedgerEntry[]>;
}

/** The bank files bucket: files out to the bank gateway, the bank's files in. */
export interface BankFileObjects {
  /** Writes an object from chunks (a multipart upload: never the whole file in memory). */
  write(key: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<void>;
  /** An object's content as a stream of chunks. */
  read(key: string): AsyncIterable<Uint8Array>;
}
