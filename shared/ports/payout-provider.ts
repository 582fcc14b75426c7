import type { TransferOutcome } from '../domain/execution.js';
import type { Destination } from '../domain/payout.js';

export interface TransferRequest {
  /** Derived from the payout id: identical on every attempt, so the provider never pays twice. */
  idempotencyKey: string;
  /** The tenant the payout belongs to (the sandbox files its ledger under it for reconciliation). */
  tenantId?: string;
  /** The payout's id: sent as the provider's own reference (`transfer_group`, `reference`, `sender_batch_id`). */
  payoutId: string;
  /** The tenant's reference of the payout (shown to the recipient where the provider allows). */
  reference: string;
  /** Minor units of `currency` (ISO 4217 exponent, shared/domain/money.ts). */
  amount: number;
  currency: string;
  destination: Destination;
  /** When the payout was created: where a lookup by time window starts. */
  createdAt?: string;
  /** The provider's reference an earlier attempt stored (a pending transfer): a lookup can go straight to it. */
  providerReference?: string | null;
}

/** The bank or payment network that moves the money. */
export interface PayoutProvider {
  /** The connector's name, recorded on the payouts it carries (`sandbox`, `stripe`…). */
  readonly name: string;
  /**
   * Which account of the provider it acts for (the tenant's mode and public account ids): recorded on
   * a payout whose transfer is in flight, so a later attempt never asks another account (D61).
   */
  readonly account?: string;
  /**
   * Asks for a transfer. Idempotent by key: a repeated key returns the first outcome. A refusal that
   * will not change on retry (a closed account, an invalid destination) is a `failed` outcome with
   * the platform's failure code, not an error.
   * @throws ProviderTimeoutError when the outcome is unknown (the transfer may or may not exist)
   * @throws ProviderUnavailableError when the provider refused to work (5xx, 429): nothing was made
   */
  createTransfer(request: TransferRequest): Promise<TransferOutcome>;
  /**
   * What happened to the transfer with this key, or undefined if the provider never received it.
   * `request` is the payout's transfer request, for providers that look transfers up by reference.
   */
  findTransfer(idempotencyKey: string, request?: TransferRequest): Promise<TransferOutcome | undefined>;
}

/** A connector's provider: also proves its credentials work with one harmless authenticated call. */
export interface ConnectorProvider extends PayoutProvider {
  /** @throws ProviderAuthenticationError when the credentials are refused; other errors as thrown */
  testConnection(): Promise<{ ok: true; detail: string }>;
}

/** The provider did not answer in time: the transfer's fate is unknown until asked again. */
export class ProviderTimeoutError extends Error {
  constructor(idempotencyKey: string, message?: string) {
    super(message ?? `The provider did not answer for transfer ${idempotencyKey}; outcome unknown`);
    this.name = 'ProviderTimeoutError';
  }
}

/**
 * The provider refused the request without acting on it (5xx, 429 Too Many Requests, maintenance):
 * try again later, with the same key. `retryAfterSeconds` is the provider's own `Retry-After`.
 */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterSeconds?: number,
    message = `The provider is unavailable (${status})`,
  ) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

/**
 * The provider refused the tenant's credentials (401/403). Nothing was made; retrying will not help
 * until an admin fixes the connector's configuration, so the executor keeps the payout and retries
 * on its backoff (for a day) while the alarm fires, rather than failing money that may still go out.
 */
export class ProviderAuthenticationError extends Error {
  constructor(
    readonly status: number,
    message = `The provider refused the connector's credentials (${status})`,
  ) {
    super(message);
    this.name = 'ProviderAuthenticationError';
  }
}
