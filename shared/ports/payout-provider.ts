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
  /**
   * Asks for a transfer. Idempotent by key: a repeated key returns the first outcome.
   * @throws ProviderTimeoutError when the outcome is unknown (the transfer may or may not exist)
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
