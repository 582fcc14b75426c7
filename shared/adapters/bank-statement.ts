import { endToEndIdOf } from '../connectors/sepa/identifiers.js';
import type { BankLedgerEntry } from '../domain/bank-files.js';
import type { ProviderRecord } from '../domain/reconciliation.js';
import type { BankFileStore } from '../ports/bank-files.js';
import type { ProviderStatement } from '../ports/reconciliation.js';

/** A line of the bank's statement as a provider record: booked money left, a return came back. */
const recordOf = (entry: BankLedgerEntry): ProviderRecord => ({
  providerReference: entry.endToEndId,
  payoutId: entry.payoutId,
  amount: entry.amount,
  currency: entry.currency,
  status: entry.kind === 'booked' ? 'paid' : 'returned',
  createdAt: `${entry.bookingDate}T00:00:00.000Z`,
});

/**
 * The `sepa_file` rail's statement (reconciliation, D71/D72): the bank's own camt.053/054 lines as
 * they arrived in the inbound prefix, by booking day; a payout's lines by its `EndToEndId`. A line
 * that names no payout of ours is money the account moved for someone else (`unknown_at_provider`).
 */
export function createBankStatement(deps: {
  files: Pick<BankFileStore, 'ledgerOfDay' | 'ledgerOf'>;
  tenantId: string;
}): ProviderStatement {
  return {
    async *records(date) {
      for await (const page of deps.files.ledgerOfDay(deps.tenantId, date)) yield page.map(recordOf);
    },
    async lookup(payout) {
      const lines = await deps.files.ledgerOf(deps.tenantId, endToEndIdOf(payout.id));
      // The return, when there is one, says more than the booking it follows.
      const line = lines.find((entry) => entry.kind === 'returned') ?? lines[0];
      return line ? recordOf(line) : undefined;
    },
  };
}
