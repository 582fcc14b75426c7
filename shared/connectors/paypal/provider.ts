import type { TransferOutcome } from '../../domain/execution.js';
import {
  type ConnectorProvider,
  ProviderAuthenticationError,
  ProviderTimeoutError,
  type TransferRequest,
} from '../../ports/payout-provider.js';
import type { ConnectorRuntime } from '../connector.js';
import { createPaypalClient, PAYOUTS_SCOPE, type PaypalCredentials } from './client.js';
import { failureCodeFor, failureMessageFor, UNKNOWN_OUTCOME_NAMES } from './failures.js';
import { fetchBatch } from './lookups.js';
import {
  batchOutcome,
  createAnswer,
  createPayoutBody,
  duplicateBatch,
  LIMITS,
  paypalAmount,
  readError,
} from './payouts.js';

/**
 * How long after a payout's creation its create request may still be replayed to find its batch.
 * PayPal keeps a PayPal-Request-Id and refuses a repeated `sender_batch_id` for 30 days; after that a
 * replay would make a second batch. Five days of margin; `createdAt` is the payout's creation, never
 * later than its first create request, so the window is counted from no later than PayPal's.
 */
export const REPLAY_WINDOW_DAYS = 25;

const DAY_MS = 86_400_000;

/**
 * A transfer request that may carry the payout's stored `provider_reference` (its payout_batch_id):
 * with it, a lookup is a GET that can never create anything, at any age.
 */
export type PaypalLookupRequest = TransferRequest & { providerReference?: string | null };

type Prepared = { body: ReturnType<typeof createPayoutBody> } | { refusal: TransferOutcome };

export function createPaypalProvider(
  credentials: PaypalCredentials,
  runtime: ConnectorRuntime,
): ConnectorProvider {
  const client = createPaypalClient(credentials, runtime);
  const now = runtime.now ?? Date.now;

  /**
   * The create request, or the refusal no call to PayPal can change (nothing is sent): PayPal pays
   * email addresses only, takes receivers of at most 127 characters, and an amount it would have to
   * round is never sent.
   */
  function prepare(request: TransferRequest): Prepared {
    const refuse = (message: string): Prepared => ({
      refusal: {
        status: 'failed',
        // PayPal never saw it: no PayPal id.
        providerReference: '',
        failureCode: 'unsupported_destination',
        failureMessage: `PayPal: not sent — ${message}`,
      },
    });
    if (request.destination.type !== 'email')
      return refuse(`PayPal Payouts pays email addresses, not ${request.destination.type} destinations`);
    const email = request.destination.email;
    if (email.length > LIMITS.receiver)
      return refuse(`PayPal takes receivers of at most ${LIMITS.receiver} characters`);
    if (request.payoutId.length > LIMITS.senderItemId)
      throw new Error(
        `Payout id ${request.payoutId} is longer than PayPal's sender_item_id (${LIMITS.senderItemId})`,
      );
    const amount = paypalAmount(request.amount, request.currency);
    if (!amount.ok) return refuse(amount.message);
    return { body: createPayoutBody(request, email, amount.value) };
  }

  /**
   * The batch, read again from PayPal (creates nothing); it must be the payout's own batch. Undefined
   * when PayPal knows no batch by that id.
   */
  async function readBatch(batchId: string, request: TransferRequest): Promise<TransferOutcome | undefined> {
    const batch = await fetchBatch(client, batchId, request.idempotencyKey);
    if (!batch) return undefined;
    const senderBatchId = batch.batch_header.sender_batch_header?.sender_batch_id;
    if (senderBatchId !== undefined && senderBatchId !== request.payoutId)
      throw new ProviderTimeoutError(
        request.idempotencyKey,
        `PayPal batch ${batchId} belongs to sender_batch_id ${senderBatchId}, not to payout ${request.payoutId}`,
      );
    return batchOutcome(batch, request.payoutId, now());
  }

  /** A batch PayPal itself named (a create answer, a duplicate's link): it must be readable. */
  async function lookUp(batchId: string, request: TransferRequest): Promise<TransferOutcome> {
    const outcome = await readBatch(batchId, request);
    if (outcome) return outcome;
    throw new ProviderTimeoutError(
      request.idempotencyKey,
      `PayPal named batch ${batchId} for payout ${request.payoutId} but does not show it (404): look again later`,
    );
  }

  /**
   * POST /v1/payments/payouts with the payout id as `sender_batch_id` and the idempotency key as
   * PayPal-Request-Id. PayPal makes at most one batch per `sender_batch_id` in 30 days, so sending
   * this again is safe: a repeated PayPal-Request-Id is answered with the first answer, and a
   * repeated `sender_batch_id` under another request id with "already exists" and a link to the
   * first batch, which is then read. `current` says whether the outcome was read from PayPal now
   * (a replayed 201 is the batch as it was when first made).
   */
  async function submit(
    request: TransferRequest,
    body: ReturnType<typeof createPayoutBody>,
  ): Promise<{ outcome: TransferOutcome; current: boolean }> {
    const key = request.idempotencyKey;
    const response = await client.call({
      method: 'POST',
      path: '/v1/payments/payouts',
      headers: { 'paypal-request-id': key },
      body,
      mayCreate: true,
      key,
    });
    if (response.status === 200 || response.status === 201) {
      const answer = createAnswer.safeParse(response.body);
      if (!answer.success)
        throw new ProviderTimeoutError(key, `PayPal answered ${response.status} to payout ${key} unreadably`);
      const header = answer.data.batch_header;
      if (header.batch_status === 'DENIED')
        return { outcome: await lookUp(header.payout_batch_id, request), current: true };
      return { outcome: { status: 'pending', providerReference: header.payout_batch_id }, current: false };
    }
    const error = readError(response.body);
    if (response.status === 400 || response.status === 422) {
      const duplicate = duplicateBatch(error);
      if (duplicate.duplicate) {
        // Never a failure: the batch exists. Without its id it cannot be read, so look again later.
        if (!duplicate.batchId)
          throw new ProviderTimeoutError(
            key,
            `PayPal says sender_batch_id ${request.payoutId} was used already but names no batch`,
          );
        return { outcome: await lookUp(duplicate.batchId, request), current: true };
      }
      if (!UNKNOWN_OUTCOME_NAMES.has(error.name ?? '')) {
        const detail = error.details?.find((entry) => entry.issue || entry.field);
        const words = [error.message, detail?.issue, detail?.field].filter(Boolean).join(' — ');
        return {
          outcome: {
            status: 'failed',
            // No batch was made: PayPal's id of the refused request, for its support.
            providerReference: error.debug_id ?? '',
            failureCode: failureCodeFor(error.name, detail?.field),
            failureMessage: failureMessageFor(error.name, words || undefined),
          },
          current: true,
        };
      }
    }
    // Another answer (a request still in progress, 404, 409…) does not say nothing was made.
    throw new ProviderTimeoutError(
      key,
      `POST /v1/payments/payouts answered ${response.status} ${error.name ?? ''} for ${key}: outcome unknown until looked up`,
    );
  }

  return {
    name: 'paypal',

    async createTransfer(request) {
      const prepared = prepare(request);
      if ('refusal' in prepared) return prepared.refusal;
      return (await submit(request, prepared.body)).outcome;
    },

    /**
     * PayPal has no lookup by `sender_batch_id`: GET needs the payout_batch_id, which an attempt that
     * timed out never learned. So:
     *
     *   provider reference known   → GET the batch (creates nothing, at any age); a reference PayPal
     *                                does not know as a batch falls through to:
     *   within 25 days             → replay the create request (same PayPal-Request-Id, same
     *                                sender_batch_id, same body), then GET the batch it names
     *   else                       → throw: only an operator (or the stored reference) can tell
     *
     * The replay makes the batch if no earlier attempt reached PayPal: the same single transfer the
     * payout asked for, never a second one, since PayPal completes one payment per sender_batch_id in
     * 30 days. A payout this connector refuses without calling PayPal was never received: undefined.
     */
    async findTransfer(idempotencyKey: string, request?: PaypalLookupRequest) {
      if (!request)
        throw new ProviderTimeoutError(
          idempotencyKey,
          `PayPal transfers are found from the payout's transfer request (or its payout_batch_id): none given for ${idempotencyKey}`,
        );
      // A stored reference that is no batch (a refused request's debug id) falls through to the replay.
      const stored = request.providerReference
        ? await readBatch(request.providerReference, request)
        : undefined;
      if (stored) return stored;
      const prepared = prepare(request);
      if ('refusal' in prepared) return undefined;
      const createdAt = request.createdAt ? Date.parse(request.createdAt) : Number.NaN;
      if (Number.isNaN(createdAt) || now() - createdAt > REPLAY_WINDOW_DAYS * DAY_MS)
        throw new ProviderTimeoutError(
          idempotencyKey,
          `Payout ${request.payoutId} was created ${request.createdAt ?? 'at an unknown time'}: replaying its PayPal ` +
            `create request after ${REPLAY_WINDOW_DAYS} days could pay it twice. Look it up with its payout_batch_id, ` +
            'or in PayPal by sender_batch_id',
        );
      const { outcome, current } = await submit(request, prepared.body);
      if (!current && outcome.status === 'pending') return lookUp(outcome.providerReference, request);
      return outcome;
    },

    async testConnection() {
      const token = await client.freshToken('connection-test');
      if (token.scope !== undefined && !token.scope.split(/\s+/).includes(PAYOUTS_SCOPE))
        throw new ProviderAuthenticationError(
          403,
          `PayPal accepted client ${credentials.client_id}, but its app is not enabled for Payouts (no ${PAYOUTS_SCOPE} scope)`,
        );
      return {
        ok: true,
        detail: `PayPal accepted client ${credentials.client_id}; its app may send payouts`,
      };
    },
  };
}
