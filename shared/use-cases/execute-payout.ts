import { ConcurrentModificationError, RetryLaterError } from '../domain/errors.js';
import { markReturned, settle, type TransferOutcome, takeLease } from '../domain/execution.js';
import { isSettled, type Payout } from '../domain/payout.js';
import { type PayoutProvider, ProviderTimeoutError, type TransferRequest } from '../ports/payout-provider.js';
import type { PayoutRepository } from '../ports/payout-repository.js';

export type ExecutionResult = 'paid' | 'failed' | 'pending' | 'skipped';

/** Later looks at a transfer: a message that comes back to the executor after a delay. */
export interface TransferChecks {
  schedule(tenantId: string, payoutId: string, afterSeconds: number): Promise<void>;
}

/** The transfer's provider has not settled the payout yet: look again later (the message retries). */
export class NotSettledYetError extends Error {
  constructor(payoutId: string) {
    super(`Payout ${payoutId} is not settled yet: its transfer is checked again later`);
    this.name = 'NotSettledYetError';
  }
}

/**
 * The payout's rail is not configured for its tenant any more (an admin removed it after the payout
 * was routed). A payout never attempted fails with `connector_not_configured`; one that may already
 * have a transfer is retried (and alarmed on) until the rail is back, never failed blindly.
 */
export class ConnectorNotConfiguredError extends Error {
  constructor(
    readonly tenantId: string,
    readonly connector: string,
  ) {
    super(`The connector '${connector}' is not configured for tenant ${tenantId}`);
    this.name = 'ConnectorNotConfiguredError';
  }
}

/**
 * A payout whose transfer the provider accepted (its reference is stored) cannot be found at the
 * provider now. It is never created again: the message retries later, and the executor's alarm fires.
 */
export class TransferNotFoundError extends Error {
  constructor(payoutId: string, connector: string, providerReference: string) {
    super(
      `Payout ${payoutId}: ${connector} accepted transfer ${providerReference}, which a lookup cannot find now; never created again, looked up again later`,
    );
    this.name = 'TransferNotFoundError';
  }
}

/**
 * The payout's transfer was accepted by one account of its provider, and the tenant's connector now
 * names another (new credentials for another account, test → live): asking the new account could pay
 * a second time. Retried (and alarmed on) until an operator settles it; never sent elsewhere.
 */
export class ConnectorAccountChangedError extends Error {
  constructor(payoutId: string, connector: string) {
    super(
      `Payout ${payoutId}: its ${connector} transfer was made by another account than the one configured now; not sent again`,
    );
    this.name = 'ConnectorAccountChangedError';
  }
}

/** Finds the provider that carries a payout: its rail, with its tenant's credentials. */
export type ProviderResolver = (payout: Payout) => Promise<PayoutProvider>;

/** The transfer request of a payout: the same on every attempt (the key is the payout id). */
export function transferRequestOf(payout: Payout): TransferRequest {
  return {
    idempotencyKey: payout.id,
    tenantId: payout.tenantId,
    payoutId: payout.id,
    reference: payout.reference,
    amount: payout.amount,
    currency: payout.currency,
    destination: payout.destination,
    createdAt: payout.createdAt,
    providerReference: payout.providerReference,
  };
}

export type AppliedOutcome = 'paid' | 'failed' | 'returned' | 'unchanged';

/**
 * Applies what a provider says about a payout's transfer (a webhook, a later look), to the payout as
 * it is in the table now. Only forward moves of the state machine happen, each a conditional write,
 * so an outcome applied twice, late or out of order changes nothing the second time:
 *
 *   processing + paid      → paid              processing + failed → failed
 *   processing + returned  → paid, then returned (the money went out before it came back)
 *   paid       + returned  → returned           anything else      → unchanged
 */
export function applyTransferOutcomeUseCase(deps: { payouts: PayoutRepository; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return async function apply(
    tenantId: string,
    payoutId: string,
    outcome: TransferOutcome,
    connector: string,
  ): Promise<AppliedOutcome> {
    for (let race = 0; race < MAX_RACES; race++) {
      const payout = await deps.payouts.get(tenantId, payoutId);
      if (!payout) return 'unchanged';
      let next: Payout | undefined;
      if (payout.status === 'processing' && outcome.status !== 'pending')
        next = settle(payout, outcome, now(), connector);
      else if (payout.status === 'paid' && outcome.status === 'returned')
        next = markReturned(payout, outcome, now());
      // A transfer reported failed after it was paid (Adyen: an instant payout can fail after booking)
      // sent the money back: a return, never silently ignored.
      else if (payout.status === 'paid' && outcome.status === 'failed')
        next = markReturned(
          payout,
          {
            status: 'returned',
            providerReference: outcome.providerReference,
            returnCode: outcome.failureCode,
            returnedAt: new Date(now()).toISOString(),
          },
          now(),
        );
      if (!next) return 'unchanged';
      try {
        await deps.payouts.transition({ current: payout, next });
      } catch (error) {
        if (error instanceof ConcurrentModificationError) continue; // changed meanwhile: re-read
        throw error;
      }
      // Paid just now from a report that it already came back: the return is the next step.
      if (next.status === 'paid' && outcome.status === 'returned') continue;
      return next.status as AppliedOutcome;
    }
    throw new ConcurrentModificationError(`Payout ${payoutId} kept changing while its transfer was applied`);
  };
}

/**
 * A later look at a payout's transfer (a return the provider reports days after paying, or a pending
 * transfer whose webhook never came). The message only says where to look: the payout is read from
 * the table and the transfer from the provider, and every change is a conditional write.
 */
export function checkTransferUseCase(deps: {
  payouts: PayoutRepository;
  provider?: PayoutProvider;
  providerFor?: ProviderResolver;
  now?: () => number;
}) {
  const apply = applyTransferOutcomeUseCase(deps);
  const providerFor = deps.providerFor ?? (async () => deps.provider as PayoutProvider);
  return async function check(tenantId: string, payoutId: string): Promise<'returned' | 'unchanged'> {
    const payout = await deps.payouts.get(tenantId, payoutId);
    if (!payout) return 'unchanged';
    if (!isSettled(payout.status)) throw new NotSettledYetError(payoutId);
    if (payout.status !== 'paid') return 'unchanged';
    const provider = await providerFor(payout);
    const outcome = await provider.findTransfer(payout.id, transferRequestOf(payout));
    if (outcome?.status !== 'returned') return 'unchanged';
    return (await apply(tenantId, payoutId, outcome, provider.name)) === 'returned'
      ? 'returned'
      : 'unchanged';
  };
}

const MAX_RACES = 3;

/**
 * Executes one payout in three atomic phases. Any message about it may arrive any number of times,
 * and the process may die between any two lines; the outcome is still exactly one transfer.
 *
 *   (1) conditional write queued → processing, taking a lease (attempt n)
 *   (2) provider.createTransfer(key = payout id)        ← same key, same rail on every attempt
 *   (3) conditional write processing → paid | failed (or still processing with the provider's
 *       reference, when the provider accepted a transfer that finishes later: its webhook settles it)
 *
 *   died after (1)          → redelivery waits for the lease to expire, takes it over (attempt n+1)
 *   died after (2)          → attempt n+1 asks the provider about the key first and settles with that
 *   provider timed out (2)  → ask about the key at once; unknown still → retry later, never "pay again"
 *   duplicate message       → lease held → retry later; or payout already final → skipped
 *   lost the race at (3)    → someone took the lease over after it expired, or the provider's webhook
 *                             settled it first; they settle it
 *
 * The rail is the payout's own (`connector`, chosen when it was created), so a routing change never
 * sends a second attempt of the same payout to another provider.
 */
export function executePayoutUseCase(deps: {
  payouts: PayoutRepository;
  /** The one provider of every payout (tests, the sandbox), or: */
  provider?: PayoutProvider;
  /** The provider of each payout's rail, with its tenant's credentials. */
  providerFor?: ProviderResolver;
  /** How long an attempt owns a payout; longer than the executor's timeout, so attempts never overlap. */
  leaseSeconds: number;
  /** Asks for a later look at a transfer (a provider that may still send the money back). */
  checks?: TransferChecks;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const providerFor = deps.providerFor ?? (async () => deps.provider as PayoutProvider);

  async function transfer(provider: PayoutProvider, payout: Payout) {
    const request = transferRequestOf(payout);
    // Only an attempt that follows another can find a transfer already made.
    const earlier =
      (payout.execution?.attempts ?? 1) > 1
        ? await provider.findTransfer(request.idempotencyKey, request)
        : undefined;
    if (earlier) return earlier;
    // The provider already accepted a transfer for this payout (its reference is stored): asking for
    // another would pay twice once the provider's idempotency window is over. Unknown is not "never
    // made": look again later (the sweeper's re-drive, the provider's webhook), and alarm.
    if (payout.providerReference)
      throw new TransferNotFoundError(payout.id, provider.name, payout.providerReference);
    try {
      return await provider.createTransfer(request);
    } catch (error) {
      if (!(error instanceof ProviderTimeoutError)) throw error;
      const known = await provider.findTransfer(request.idempotencyKey, request);
      if (known) return known;
      throw error; // still unknown: the message comes back later and this attempt's successor asks again
    }
  }

  async function railOf(leased: Payout): Promise<PayoutProvider | Payout> {
    try {
      return await providerFor(leased);
    } catch (error) {
      if (!(error instanceof ConnectorNotConfiguredError)) throw error;
      // A later attempt may follow a transfer made while the rail was configured: never fail that blindly.
      if ((leased.execution?.attempts ?? 1) > 1)
        throw new RetryLaterError(1800, error.message, { cause: error });
      const failed = settle(
        leased,
        {
          status: 'failed',
          providerReference: '',
          failureCode: 'connector_not_configured',
          failureMessage: `The rail '${error.connector}' this payout was routed to is no longer configured.`,
        },
        now(),
        error.connector,
      );
      return { ...failed, providerReference: null };
    }
  }

  return async function execute(tenantId: string, payoutId: string): Promise<ExecutionResult> {
    for (let race = 0; race < MAX_RACES; race++) {
      const current = await deps.payouts.get(tenantId, payoutId);
      if (!current || isSettled(current.status) || current.status === 'pending_approval') return 'skipped';
      // SEPA payouts leave in the next file at the tenant's cut-off (use-cases/sepa-files.ts), and
      // the bank's files settle them: nothing to call, now or later.
      if (current.connector === 'sepa_file') return 'skipped';

      const leased = takeLease(current, now(), deps.leaseSeconds); // throws LeaseHeldError: retry later
      try {
        await deps.payouts.transition({ current, next: leased });
      } catch (error) {
        if (error instanceof ConcurrentModificationError) continue; // canceled or taken meanwhile: re-read
        throw error;
      }

      const rail = await railOf(leased);
      let settled: Payout;
      if ('createTransfer' in rail) {
        const outcome = await transfer(rail, leased);
        settled = settle(leased, outcome, now(), rail.name, rail.account);
        // Asked for before the write, not after: a crash in between leaves a check that finds the payout
        // not yet paid and comes back later, never a paid payout whose return nobody looks for.
        const checkAfter =
          outcome.status === 'returned'
            ? 0
            : outcome.status === 'paid'
              ? outcome.checkAgainAfterSeconds
              : undefined;
        if (checkAfter !== undefined && deps.checks)
          await deps.checks.schedule(tenantId, payoutId, checkAfter);
      } else settled = rail;
      try {
        await deps.payouts.transition({ current: leased, next: settled });
        return settled.status === 'processing' ? 'pending' : (settled.status as ExecutionResult);
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        const latest = await deps.payouts.get(tenantId, payoutId);
        if (latest && isSettled(latest.status)) return 'skipped';
        throw error;
      }
    }
    throw new ConcurrentModificationError(`Payout ${payoutId} kept changing under the executor`);
  };
}
