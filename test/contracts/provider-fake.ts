/**
 * What every provider fake offers tests (test/contracts/<provider>-fake.ts). A fake is a small
 * stateful HTTP server that plays the provider: it checks every request the connector makes against
 * the provider's own API document (Prism for Adyen and PayPal, a JSON Schema validator for Stripe),
 * keeps a ledger of the transfers it made (so a repeated idempotency key returns the first transfer,
 * as the real provider does), and signs webhooks the way the provider documents.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** False when the provider's document forbids the request (the fake answered 4xx). */
  valid: boolean;
  /** Why it is invalid (the validator's words). */
  problems?: string;
  /** When the fake received it (epoch ms). */
  at: number;
}

export type FakeWebhookKind = 'paid' | 'failed' | 'returned';

export interface ProviderFake {
  /** The base URL to give the connector (`ConnectorRuntime.baseUrl`). */
  url: string;
  /** The credentials the fake accepts (any other is refused 401), in the connector's field names. */
  credentials: Record<string, string>;
  /** Every request the connector made, oldest first. */
  requests: RecordedRequest[];
  invalidRequests(): RecordedRequest[];
  /** How many transfers the fake made for this payout (the reference the connector sent). */
  transfersFor(payoutId: string): number;
  /** Payout ids with more than one transfer: money paid twice. Must always be empty. */
  duplicateTransfers(): string[];
  /** The provider's id of the transfer it made for this payout. */
  transferIdFor(payoutId: string): string | undefined;
  /** The next `count` calls are answered `status` (429 or 5xx) before anything is done. */
  refuseNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** The next `count` transfer creations are made, then answered only after `delayMs` (a timeout). */
  delayNextCreates(count: number, delayMs: number): void;
  /**
   * A webhook about the payout's transfer as the provider sends it, signed with the fake's
   * credentials unless told otherwise: POST `body` with `headers` to the platform's endpoint.
   */
  webhook(
    payoutId: string,
    kind: FakeWebhookKind,
    options?: {
      /** The provider's own failure or return reason (defaults to one that maps to account_closed). */
      reason?: string;
      /** Sign with another secret (must be refused). */
      wrongSecret?: boolean;
      /** Change the body after signing (must be refused). */
      tamper?: boolean;
      /** Pretend it was signed this long ago (schemes with a timestamp must refuse an old one). */
      ageSeconds?: number;
    },
  ): Promise<{ headers: Record<string, string>; body: string }>;
  close(): Promise<void>;
}

/**
 * What a fake offers reconciliation tests (a connector's `statement`): the provider's own records made
 * to differ from the platform's, as they can in real life.
 */
export interface StatementFake {
  /**
   * A transfer the provider made for no payout of ours (someone used the account directly, in the
   * provider's dashboard): listed on the statement of its day (`createdAt`, now unless told) with
   * `reference` as the key (none unless told). Returns the provider's id of it.
   */
  addUnknownTransfer(input: {
    amount: number;
    currency: string;
    reference?: string;
    createdAt?: number;
  }): string;
  /** The provider's records show this amount (the provider's minor units) for the payout's transfer. */
  changeAmount(payoutId: string, amount: number): void;
  /** The provider sends the payout's money back (a reversal, a return), booked now. */
  returnTransfer(payoutId: string): void;
  /** The provider's listings and lookups no longer show the payout's transfer (missing at the provider). */
  hideTransfer(payoutId: string): void;
  /** The most lines a listing answers in one page (the provider's own maximum unless set lower). */
  setPageSize(size: number): void;
}
