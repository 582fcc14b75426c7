import type { TransferOutcome } from '../domain/execution.js';
import type { Destination } from '../domain/payout.js';

export interface TransferRequest {
  /** Derived from the payout id: identical on every attempt, so the provider never pays twice. */
  idempotencyKey: string;
  amount: number;
  currency: string;
  destination: Destination;
}

/** The bank or payment network that moves the money. */
export interface PayoutProvider {
  /** The connector's name, recorded on the payouts it carries (`sandbox`, `stripe`…). */
  readonly name: string;
  /**
   * Asks for a transfer. Idempotent by key: a repeated key returns the first outcome.
   * @throws ProviderTimeoutError when the outcome is unknown (the transfer may or may not exist)
   * @throws ProviderUnavailableError when the provider refused to work (5xx, 429): nothing was made
   */
  createTransfer(request: TransferRequest): Promise<TransferOutcome>;
  /** What happened to the transfer with this key, or undefined if the provider never received it. */
  findTransfer(idempotencyKey: string): Promise<TransferOutcome | undefined>;
}

/** The provider did not answer in time: the transfer's fate is unknown until asked again. */
export class ProviderTimeoutError extends Error {
  constructor(idempotencyKey: string) {
    super(`The provider did not answer for transfer ${idempotencyKey}; outcome unknown`);
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
