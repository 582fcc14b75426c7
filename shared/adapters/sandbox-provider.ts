import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TransferOutcome } from '../domain/execution.js';
import type { Destination } from '../domain/payout.js';
import {
  type PayoutProvider,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type TransferRequest,
} from '../ports/payout-provider.js';
import { keys } from './dynamodb/keys.js';

/**
 * The sandbox provider: deterministic outcomes from a tag at the end of the destination (the email's
 * local part, `ada+fail_account_closed@example.com`, or the holder name, `Ada Lovelace +timeout`), like
 * a card network's test numbers. It keeps its own ledger of transfers by idempotency key in the table,
 * so it behaves the same in every Lambda container and tests can count transfers.
 *
 * | tag                       | outcome |
 * |---------------------------|---------|
 * | none                      | paid |
 * | +fail_account_closed      | failed, account_closed |
 * | +fail_insufficient_funds  | failed, insufficient_funds |
 * | +timeout                  | the first call records the transfer, then times out (outcome unknown) |
 * | +slow                     | answers after 2 s |
 * | +returned                 | paid, then returned a moment later (account_closed) |
 * | +recon_amount_mismatch    | paid, but the sandbox's own ledger records one minor unit more (reconciliation) |
 * | +recon_missing            | paid, but the sandbox's statement and lookup never show it (reconciliation) |
 *
 * The ledger is also the sandbox's statement for reconciliation: each entry of a tenant is listed
 * under its UTC day (gsi1), like a provider's balance transactions.
 */
export interface SandboxLedgerEntry {
  idempotencyKey: string;
  /** The tenant and payout the transfer was made for (absent on entries written before reconciliation). */
  tenantId?: string;
  payoutId?: string | null;
  /** What the sandbox recorded (differs from the request under `+recon_amount_mismatch`). */
  amount: number;
  currency: string;
  outcome: TransferOutcome;
  createdAt: string;
  /** `+returned`: when the money comes back (the transfer reads `returned` from then on). */
  returnsAt?: string;
  /** `+recon_missing`: kept for idempotency, never shown on the statement or by a lookup. */
  hidden?: boolean;
}

/** The ledger item of an entry: listed on its tenant's day unless hidden. */
export function sandboxLedgerItem(entry: SandboxLedgerEntry) {
  return {
    ...keys.sandboxTransfer(entry.idempotencyKey),
    ...(entry.tenantId && !entry.hidden
      ? {
          gsi1pk: keys.sandboxLedgerOfDay(entry.tenantId, entry.createdAt.slice(0, 10)),
          gsi1sk: `${entry.createdAt}#${entry.idempotencyKey}`,
        }
      : {}),
    entity: 'sandbox_transfer',
    ...entry,
  };
}

/** What an entry reads as now (a `+returned` transfer is returned once its time has come). */
export function currentOutcome(entry: SandboxLedgerEntry, now: number): TransferOutcome {
  if (entry.returnsAt && Date.parse(entry.returnsAt) <= now)
    return {
      status: 'returned',
      providerReference: entry.outcome.providerReference,
      returnCode: 'account_closed',
      returnedAt: entry.returnsAt,
    };
  return entry.outcome;
}

/** How long after paying a `+returned` transfer the sandbox reports it returned. */
export const SANDBOX_RETURN_SECONDS = 2;

const FAILURES: Record<string, { failureCode: string; failureMessage: string }> = {
  fail_account_closed: {
    failureCode: 'account_closed',
    failureMessage: 'The destination account is closed.',
  },
  fail_insufficient_funds: {
    failureCode: 'insufficient_funds',
    failureMessage: 'The platform balance cannot cover this payout.',
  },
};

export function sandboxTag(destination: Destination): string | undefined {
  const text =
    destination.type === 'email'
      ? (destination.email.split('@')[0] ?? '')
      : destination.type === 'stripe_account'
        ? destination.account.replace(/^acct_(?:[A-Za-z0-9]*_)??(?=fail_|timeout$|slow$|returned$)/, '+')
        : destination.account_holder_name;
  return /\+([a-z_]+)\s*$/.exec(text)?.[1];
}

export function createSandboxProvider(deps: {
  client: DynamoDBDocumentClient;
  table: string;
  /** Delay of `+slow` destinations (2 s by default). */
  slowMs?: number;
  /**
   * Chaos testing only: the probability that the caller "dies" right after a transfer is recorded,
   * before it hears the outcome (the worst moment for the executor). 0 in normal operation.
   */
  crashAfterTransferRate?: number;
  /**
   * Chaos testing only: an outage from `fromMs` to `untilMs` (epoch ms) during which every call is
   * refused, with 429 and `Retry-After` when `retryAfterSeconds` is set, else 503.
   */
  outage?: { fromMs: number; untilMs: number; retryAfterSeconds?: number };
  now?: () => number;
}): PayoutProvider {
  const { client, table } = deps;
  const now = deps.now ?? Date.now;

  function refuseDuringOutage(): void {
    const outage = deps.outage;
    if (!outage || now() < outage.fromMs || now() >= outage.untilMs) return;
    sandboxRefusals.count += 1;
    throw outage.retryAfterSeconds
      ? new ProviderUnavailableError(429, outage.retryAfterSeconds, 'sandbox outage: 429 Too Many Requests')
      : new ProviderUnavailableError(503, undefined, 'sandbox outage: 503 Service Unavailable');
  }

  async function findTransfer(idempotencyKey: string): Promise<TransferOutcome | undefined> {
    refuseDuringOutage();
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.sandboxTransfer(idempotencyKey), ConsistentRead: true }),
    );
    const entry = Item as SandboxLedgerEntry | undefined;
    return entry && currentOutcome(entry, now());
  }

  return {
    name: 'sandbox',
    findTransfer,
    async createTransfer(request: TransferRequest) {
      refuseDuringOutage();
      const tag = sandboxTag(request.destination);
      if (tag === 'slow') await new Promise((resolve) => setTimeout(resolve, deps.slowMs ?? 2000));
      const providerReference = `sbx_${request.idempotencyKey}`;
      const failure = tag ? FAILURES[tag] : undefined;
      const outcome: TransferOutcome = failure
        ? { status: 'failed', providerReference, ...failure }
        : tag === 'returned'
          ? { status: 'paid', providerReference, checkAgainAfterSeconds: SANDBOX_RETURN_SECONDS }
          : { status: 'paid', providerReference };
      const entry: SandboxLedgerEntry = {
        idempotencyKey: request.idempotencyKey,
        ...(request.tenantId ? { tenantId: request.tenantId, payoutId: request.payoutId } : {}),
        amount: tag === 'recon_amount_mismatch' ? request.amount + 1 : request.amount,
        currency: request.currency,
        outcome,
        createdAt: new Date(now()).toISOString(),
        ...(tag === 'returned'
          ? { returnsAt: new Date(now() + SANDBOX_RETURN_SECONDS * 1000).toISOString() }
          : {}),
        ...(tag === 'recon_missing' ? { hidden: true } : {}),
      };
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: sandboxLedgerItem(entry),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // A repeated key: like a real provider, answer with the first outcome and move nothing.
        return (await findTransfer(request.idempotencyKey)) as TransferOutcome;
      }
      if (tag === 'timeout') throw new ProviderTimeoutError(request.idempotencyKey);
      if (Math.random() < (deps.crashAfterTransferRate ?? 0)) {
        throw new SimulatedCrashError(request.idempotencyKey);
      }
      return outcome;
    },
  };
}

/** Chaos testing: the executor is considered dead from here on (the invocation fails as a whole). */
export class SimulatedCrashError extends Error {
  constructor(idempotencyKey: string) {
    super(`chaos: executor killed after transfer ${idempotencyKey} was made`);
    this.name = 'SimulatedCrashError';
  }
}

/** Chaos testing: how many calls the sandbox refused during outages in this process. */
export const sandboxRefusals = { count: 0 };
