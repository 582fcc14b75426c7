import { endToEndIdOf } from '../connectors/sepa/identifiers.js';
import { writePain001 } from '../connectors/sepa/pain001.js';
import { normalBic, normalIban, remittanceOf } from '../connectors/sepa/payout-problems.js';
import {
  type BankFile,
  type BankFileTransfer,
  bankFileIdOf,
  type CutOff,
  clockIn,
  dueSlot,
  messageIdOf,
} from '../domain/bank-files.js';
import { ConcurrentModificationError, RetryLaterError } from '../domain/errors.js';
import { inParallel } from '../domain/parallel.js';
import { type Payout, transition } from '../domain/payout.js';
import type { BankFileObjects, BankFileStore } from '../ports/bank-files.js';
import type { PayoutRepository } from '../ports/payout-repository.js';

/** A tenant's SEPA settings, opened from its connector (`sepa_file`). */
export interface SepaSettings {
  mode: 'test' | 'live';
  debtor: { name: string; iban: string; bic: string | null };
  cutOff: CutOff;
}

/** Payouts are claimed this many at a time, so many in flight. */
const PAGE = 100;
const IN_FLIGHT = 8;
/** Longer than the builder function's timeout (15 minutes): a lease outlives its holder. */
export const BUILD_LEASE_SECONDS = 20 * 60;
/** The time zone a forced cut-off of an hourly tenant dates its file in. */
const UTC = 'UTC';

/** Where a tenant's files go in the bank files bucket (the bank's come back: ./bank-replies.ts). */
export const outboundPrefix = (tenantId: string, mode: 'test' | 'live') =>
  `tenants/${tenantId}/${mode === 'live' ? 'outbound' : 'outbound-test'}/`;

/**
 * SEPA credit transfer files (issue 21, D72). `cutOff` claims a tenant's queued `sepa_file` payouts
 * into the file of the due cut-off and writes it to the outbound prefix (the bank's answers:
 * ./bank-replies.ts).
 *
 * Exactly one file per payout, whatever crashes: the payout itself says which file it is in (its
 * `provider_reference`, set by the conditional write that moves it `queued → processing`), and a
 * file's content is the transfers whose payouts say so, counted once claiming is over. A builder
 * that dies leaves the file `building`; the next run of the scheduler finishes it (same slot, same
 * id, the same bytes) before it cuts a new one.
 */
export function sepaFilesUseCase(deps: {
  payouts: Pick<PayoutRepository, 'stream' | 'getMany' | 'transition'>;
  files: BankFileStore;
  objects: BankFileObjects;
  settingsOf: (tenantId: string) => Promise<SepaSettings | undefined>;
  initiatingPartyName?: string;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();

  async function save(current: BankFile, change: Partial<BankFile>): Promise<BankFile> {
    const next = { ...current, ...change, updatedAt: iso(), version: current.version + 1 };
    await deps.files.save({ current, next });
    return next;
  }

  /** The transfer a payout becomes in a file: what the pain.001 carries, copied at the claim. */
  function transferOf(file: BankFile, payout: Payout): BankFileTransfer | null {
    const destination = payout.destination;
    if (destination.type !== 'bank_account') return null;
    return {
      fileId: file.id,
      tenantId: file.tenantId,
      payoutId: payout.id,
      executionDate: file.executionDate,
      amount: payout.amount,
      creditor: {
        name: destination.account_holder_name,
        iban: normalIban(destination.iban),
        bic: destination.bic ? normalBic(destination.bic) : null,
      },
      remittance: remittanceOf(payout.reference, payout.description),
    };
  }

  /** Claims one page of queued payouts: their transfers first, then each payout, conditionally. */
  async function claimPage(file: BankFile, payouts: Payout[]) {
    const claims = payouts.flatMap((payout) => {
      const transfer = transferOf(file, payout);
      return transfer ? [{ payout, transfer }] : [];
    });
    await deps.files.putTransfers(claims.map((claim) => claim.transfer));
    await inParallel(claims, IN_FLIGHT, async ({ payout }) => {
      const next = transition(payout, 'processing', iso(), {
        providerReference: file.id,
        connector: 'sepa_file',
      });
      try {
        await deps.payouts.transition({ current: payout, next });
      } catch (error) {
        // Canceled, or claimed by another file meanwhile: counting leaves its transfer out.
        if (!(error instanceof ConcurrentModificationError)) throw error;
      }
    });
  }

  /**
   * Counts the file: every transfer whose payout says it is in this file, and only those (a claim
   * lost to a cancel or to another file drops its transfer). From here on the file never changes.
   */
  async function count(file: BankFile): Promise<BankFile> {
    let transfers = 0;
    let sum = 0n;
    for await (const page of deps.files.transfers(file)) {
      const payouts = new Map(
        (
          await deps.payouts.getMany(
            file.tenantId,
            page.map((transfer) => transfer.payoutId),
          )
        ).map((payout) => [payout.id, payout]),
      );
      const ours = (transfer: BankFileTransfer) =>
        payouts.get(transfer.payoutId)?.providerReference === file.id;
      const lost = page.filter((transfer) => !ours(transfer));
      if (lost.length > 0) await deps.files.dropTransfers(lost);
      for (const transfer of page.filter(ours)) {
        transfers += 1;
        sum += BigInt(transfer.amount);
      }
    }
    return save(file, { claimedAt: iso(), count: transfers, controlSumMinor: sum.toString() });
  }

  async function* sepaTransfers(file: BankFile) {
    for await (const page of deps.files.transfers(file))
      for (const transfer of page)
        yield {
          endToEndId: endToEndIdOf(transfer.payoutId),
          amountMinor: transfer.amount,
          currency: 'EUR' as const,
          creditor: transfer.creditor,
          remittance: transfer.remittance,
          executionDate: transfer.executionDate,
        };
  }

  /** Writes the counted file to the outbound prefix (the same bytes every time) and marks it written. */
  async function write(file: BankFile): Promise<BankFile> {
    if (!file.count) return save(file, { status: 'written', key: null, leaseUntil: null });
    const key = `${outboundPrefix(file.tenantId, file.mode)}${messageIdOf(file.id)}.xml`;
    await deps.objects.write(
      key,
      writePain001({
        messageId: messageIdOf(file.id),
        createdAt: new Date(file.createdAt),
        initiatingPartyName: deps.initiatingPartyName ?? file.debtor.name,
        debtor: file.debtor,
        numberOfTransactions: file.count,
        controlSumMinor: BigInt(file.controlSumMinor ?? '0'),
        transactions: sepaTransfers(file),
      }),
    );
    return save(file, { status: 'written', key, leaseUntil: null });
  }

  /** Finishes a file: claims (unless counted already), counts, writes. Only the lease holder does. */
  async function finish(found: BankFile): Promise<BankFile> {
    if (found.status === 'written') return found;
    if (found.leaseUntil && Date.parse(found.leaseUntil) > now())
      throw new RetryLaterError(
        Math.ceil((Date.parse(found.leaseUntil) - now()) / 1000),
        `SEPA file ${found.id} is being built by another run`,
      );
    let file = await save(found, { leaseUntil: new Date(now() + BUILD_LEASE_SECONDS * 1000).toISOString() });
    if (!file.claimedAt) {
      let page: Payout[] = [];
      // Payouts queued before the cut-off, on this rail (newest first: the listing's order).
      for await (const payout of deps.payouts.stream(file.tenantId, {
        status: 'queued',
        createdLt: file.slot,
      })) {
        if (payout.connector !== 'sepa_file' || payout.status !== 'queued') continue;
        page.push(payout);
        if (page.length >= PAGE) {
          await claimPage(file, page);
          page = [];
        }
      }
      if (page.length > 0) await claimPage(file, page);
      file = await count(file);
    }
    return write(file);
  }

  /** Files a builder died in: finished first, oldest first, so their payouts never wait for long. */
  async function unfinished(tenantId: string): Promise<BankFile[]> {
    const recent = await deps.files.list(tenantId, { limit: 20 });
    return recent.items.filter((file) => file.status === 'building').reverse();
  }

  return {
    /**
     * The due cut-off of a tenant (or, `force`d, one at this minute): files left unfinished are
     * finished first, then the due slot's file is built unless it already was. Returns those
     * files, the due one last; none when the tenant has no SEPA rail.
     */
    async cutOff(tenantId: string, options: { force?: boolean } = {}): Promise<BankFile[]> {
      const settings = await deps.settingsOf(tenantId);
      if (!settings) return [];
      const finished: BankFile[] = [];
      for (const file of await unfinished(tenantId)) finished.push(await finish(file));
      const time = now();
      const due = options.force
        ? {
            // Now: every payout queued so far.
            slot: new Date(time).toISOString(),
            executionDate: clockIn(settings.cutOff.every === 'day' ? settings.cutOff.timeZone : UTC)(time)
              .date,
          }
        : dueSlot(settings.cutOff, time);
      const at = iso();
      const file = await deps.files.createOrGet({
        id: bankFileIdOf(due.slot),
        tenantId,
        slot: due.slot,
        executionDate: due.executionDate,
        status: 'building',
        mode: settings.mode,
        debtor: settings.debtor,
        leaseUntil: null,
        claimedAt: null,
        count: null,
        controlSumMinor: null,
        key: null,
        createdAt: at,
        updatedAt: at,
        version: 1,
      });
      // The due file, built now or earlier (a second run of the same cut-off finds it written).
      finished.push(file.status === 'building' ? await finish(file) : file);
      return finished;
    },

    list: (tenantId: string, query: { limit: number; startingAfter?: string }) =>
      deps.files.list(tenantId, query),
    get: (tenantId: string, fileId: string) => deps.files.get(tenantId, fileId),
  };
}

export type SepaFiles = ReturnType<typeof sepaFilesUseCase>;
