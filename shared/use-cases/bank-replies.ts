import { payoutIdOf } from '../connectors/sepa/identifiers.js';
import { type BankFileEvent, readBankFile } from '../connectors/sepa/inbound.js';
import { failureFromReason } from '../connectors/sepa/reasons.js';
import type { BankLedgerEntry } from '../domain/bank-files.js';
import { fileIdOfMessage } from '../domain/bank-files.js';
import type { TransferOutcome } from '../domain/execution.js';
import { inParallel } from '../domain/parallel.js';
import type { Payout } from '../domain/payout.js';
import type { BankFileObjects, BankFileStore } from '../ports/bank-files.js';
import type { PayoutRepository } from '../ports/payout-repository.js';

/** Lines are applied this many at a time, so many in flight. */
const PAGE = 100;
const IN_FLIGHT = 8;

/** Where a tenant's bank gateway drops the bank's files in the bank files bucket. */
export const inboundPrefix = (tenantId: string) => `tenants/${tenantId}/inbound/`;

/** The tenant a key of the inbound prefix belongs to, or null for any other key. */
export function tenantOfInboundKey(key: string): string | null {
  const match = /^tenants\/(ten_[0-9A-Za-z]+)\/inbound\/[^/]+$/.exec(key);
  return match ? (match[1] as string) : null;
}

export interface BankFileReading {
  key: string;
  type: string | null;
  /** Payouts changed by the file, and lines that changed nothing (already applied, or not ours). */
  applied: number;
  unchanged: number;
  /** `EndToEndId`s of lines naming no payout of this tenant: kept for reconciliation. */
  unknown: string[];
}

/**
 * The bank's answers to SEPA files (issue 21, D72): a pain.002 status report or a camt.053/054
 * statement from a tenant's inbound prefix, applied to the payouts it names. Apart from the cut-off
 * (./sepa-files.ts) so that only the reader bundles the XML parser.
 */
/** What a bank's rejection (of one transfer, a block or a file) means for a payout. */
function rejectedBy(reasonCode: string | null, providerReference: string): TransferOutcome {
  const failure = failureFromReason(reasonCode);
  return {
    status: 'failed',
    providerReference,
    failureCode: failure.failure_code,
    failureMessage: failure.failure_message,
  };
}

export function bankRepliesUseCase(deps: {
  payouts: Pick<PayoutRepository, 'get'>;
  files: Pick<BankFileStore, 'get' | 'transfers' | 'recordLedger'>;
  objects: Pick<BankFileObjects, 'read'>;
  /** Applies what the bank says about one payout (the provider webhooks' use case). */
  applyOutcome: (
    tenantId: string,
    payoutId: string,
    outcome: TransferOutcome,
    connector: string,
  ) => Promise<unknown>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();

  /**
   * Applies a bank file of the tenant's inbound prefix: rejections fail their payouts (the ISO
   * reason mapped to a failure code), booked debits pay them, returns return them; every booked or
   * returned line is kept as the bank's statement (reconciliation), ours or not. Reading a file
   * twice changes nothing the second time: each step is a forward move of the payout, conditional.
   */
  async function readFile(tenantId: string, key: string): Promise<BankFileReading> {
    const reading: BankFileReading = { key, type: null, applied: 0, unchanged: 0, unknown: [] };
    let pending: BankFileEvent[] = [];
    const flush = async () => {
      const events = pending;
      pending = [];
      const ledger = events.flatMap((event) =>
        event.kind === 'booked' || event.kind === 'returned' ? [ledgerEntry(tenantId, key, event)] : [],
      );
      if (ledger.length > 0) await deps.files.recordLedger(ledger);
      await inParallel(events, IN_FLIGHT, async (event) => {
        const changed = await apply(tenantId, event, reading);
        if (changed) reading.applied += 1;
        else reading.unchanged += 1;
      });
    };
    for await (const event of readBankFile(deps.objects.read(key))) {
      if (event.kind === 'file') {
        reading.type = event.type;
        continue;
      }
      pending.push(event);
      if (pending.length >= PAGE) await flush();
    }
    await flush();
    return reading;
  }

  function ledgerEntry(
    tenantId: string,
    fileKey: string,
    event: Extract<BankFileEvent, { kind: 'booked' | 'returned' }>,
  ): BankLedgerEntry {
    return {
      tenantId,
      endToEndId: event.endToEndId,
      payoutId: payoutIdOf(event.endToEndId),
      kind: event.kind,
      amount: event.amountMinor,
      currency: event.currency,
      bookingDate: event.bookingDate,
      reasonCode: event.kind === 'returned' ? event.reasonCode : null,
      fileKey,
      recordedAt: iso(),
    };
  }

  /** The payout a bank line names, re-read: only a `sepa_file` payout of this tenant in a file of ours. */
  async function payoutNamed(tenantId: string, endToEndId: string): Promise<Payout | undefined> {
    const id = payoutIdOf(endToEndId);
    const payout = id ? await deps.payouts.get(tenantId, id) : undefined;
    if (payout?.connector !== 'sepa_file' || !payout.providerReference?.startsWith('bf_')) return undefined;
    return payout;
  }

  async function apply(tenantId: string, event: BankFileEvent, reading: BankFileReading): Promise<boolean> {
    if (event.kind === 'file' || event.kind === 'accepted') return false;
    if (event.kind === 'file_rejected') {
      const fileId = fileIdOfMessage(event.originalMessageId);
      const file = fileId ? await deps.files.get(tenantId, fileId) : undefined;
      if (!file) {
        reading.unknown.push(event.originalMessageId);
        return false;
      }
      const outcome = rejectedBy(event.reasonCode, file.id);
      for await (const page of deps.files.transfers(file))
        await inParallel(page, IN_FLIGHT, async (transfer) => {
          await deps.applyOutcome(tenantId, transfer.payoutId, outcome, 'sepa_file');
        });
      return true;
    }
    const payout = await payoutNamed(tenantId, event.endToEndId);
    if (!payout) {
      if (reading.unknown.length < 1000) reading.unknown.push(event.endToEndId);
      return false;
    }
    const providerReference = payout.providerReference as string;
    let outcome: TransferOutcome;
    if (event.kind === 'rejected') outcome = rejectedBy(event.reasonCode, providerReference);
    else if (event.kind === 'booked') outcome = { status: 'paid', providerReference };
    else
      outcome = {
        status: 'returned',
        providerReference,
        returnCode: failureFromReason(event.reasonCode).failure_code,
        returnedAt: `${event.bookingDate}T00:00:00.000Z`,
      };
    const result = await deps.applyOutcome(tenantId, payout.id, outcome, 'sepa_file');
    return result !== 'unchanged';
  }

  return { readFile };
}

export type BankReplies = ReturnType<typeof bankRepliesUseCase>;
