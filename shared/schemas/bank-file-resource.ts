import type { BankFile } from '../domain/bank-files.js';

/** A SEPA file as the portal reads it (`GET /payout-rails/sepa-files`): never its transfers' IBANs. */
export function toBankFileResource(file: BankFile) {
  return {
    object: 'bank_file' as const,
    id: file.id,
    status: file.status,
    /** The cut-off the file is for: payouts queued before it are in it. */
    cut_off_at: file.slot,
    execution_date: file.executionDate,
    transfer_count: file.count,
    /** The sum of its amounts in minor units, as a decimal string (a bigint). */
    control_sum_minor: file.controlSumMinor,
    currency: 'EUR' as const,
    /** Where the bank gateway finds it in the bank files bucket; null until written (or when empty). */
    key: file.key,
    debtor: { name: file.debtor.name, iban: file.debtor.iban },
    created_at: file.createdAt,
  };
}
