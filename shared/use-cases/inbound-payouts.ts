import { AppError, ValidationError } from '../domain/errors.js';
import { stableId } from '../domain/ids.js';
import { hiddenCharacterAt } from '../domain/text.js';
import type {
  InboundChannel,
  InboundOrigin,
  InboundRejection,
  InboundStore,
} from '../ports/inbound-store.js';
import { toFieldProblems } from '../schemas/common.js';
import { inboundPayoutRequest } from '../schemas/payout-request.js';
import type * as z from '../zod.js';
import type { createPayoutUseCase } from './create-payout.js';

export type { InboundChannel };
export type InboundOutcome = 'created' | 'replayed' | 'rejected' | 'unrouted';

/** Where refused requests go, with their reason (the channel's dead-letter queue). */
export interface DeadLetters {
  send(body: string): Promise<void>;
}

/** What a refused request's dead letter says: why, whose, from where, and the request itself. */
export function deadLetterBody(letter: {
  reason: InboundRejection['reason'];
  tenantId: string | null;
  channel: InboundChannel;
  origin: InboundOrigin;
  request: unknown;
}): string {
  return JSON.stringify({
    reason: letter.reason,
    tenant_id: letter.tenantId,
    channel: letter.channel,
    origin: letter.origin,
    request: letter.request,
  });
}

/** The refusal of an origin that no tenant accepts requests from (configuration, not the request). */
export function originNotRouted(origin: InboundOrigin): InboundRejection['reason'] {
  const kinds = {
    event_source: 'event source',
    sqs_sender: 'SQS sender',
    s3_prefix: 'inbound bucket prefix',
  };
  return {
    code: 'origin_not_routed',
    message: `No tenant accepts payout requests from ${kinds[origin.kind]} '${origin.value}'.`,
    details: [],
  };
}

/** The id of a request's rejection: the same request refused again (a redelivery) is the same rejection. */
export const rejectionId = (tenantId: string, channel: InboundChannel, request: string, code: string) =>
  `rej_${stableId([tenantId, channel, request, code])}`;

/**
 * Payouts requested by events and queue messages (issue 9): the same validation, idempotency
 * (`idempotency_key` and `reference`) and approval policy as `POST /v1/payouts`, with
 * `source: "event"`. The tenant comes from configuration (the event's source or the queue message's
 * sender, routed with `npm run payouts -- triggers route …`), never from the body. A refused request
 * never disappears: it goes to the dead-letter queue with its reason and, when its tenant is known,
 * becomes a `payout.request_rejected` event (through the outbox, once per request).
 */
export function inboundPayoutsUseCase(deps: {
  inbound: InboundStore;
  createPayout: ReturnType<typeof createPayoutUseCase>;
  deadLetters: DeadLetters;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  return async function accept(message: {
    channel: InboundChannel;
    origin: InboundOrigin;
    /** Stable across redeliveries of the same message (SQS message id, EventBridge event id). */
    messageId: string;
    body: unknown;
  }): Promise<InboundOutcome> {
    const tenantId = await deps.inbound.tenantOf(message.origin);
    const fields = (typeof message.body === 'object' && message.body !== null ? message.body : {}) as Record<
      string,
      unknown
    >;
    const deadLetter = (reason: InboundRejection['reason'], tenant: string | null) =>
      deps.deadLetters.send(
        deadLetterBody({
          reason,
          tenantId: tenant,
          channel: message.channel,
          origin: message.origin,
          request: message.body,
        }),
      );
    if (!tenantId) {
      await deadLetter(originNotRouted(message.origin), null);
      return 'unrouted';
    }

    let reason: InboundRejection['reason'];
    try {
      // Events and queue messages skip the API's body check: they get it here (D56).
      const hidden = hiddenCharacterAt(message.body);
      if (hidden) throw new ValidationError([{ param: hidden.path || 'body', message: hidden.message }]);
      const parsed = inboundPayoutRequest.safeParse(message.body);
      if (!parsed.success) throw new ValidationError(toFieldProblems(parsed.error as z.core.$ZodError));
      const { idempotency_key: idempotencyKey, ...body } = parsed.data;
      const { idempotency_key: _key, ...rawBody } = fields;
      const result = await deps.createPayout({ tenantId, idempotencyKey, rawBody, body, source: 'event' });
      return result.replayed ? 'replayed' : 'created';
    } catch (error) {
      // Ours, or a copy of this message still being written: the message is retried.
      if (!(error instanceof AppError) || error.code === 'idempotency_key_in_use') throw error;
      reason = { code: error.code, message: error.message, details: error.details ?? [] };
    }
    const idempotencyKey = typeof fields.idempotency_key === 'string' ? fields.idempotency_key : null;
    await deps.inbound.reject({
      id: rejectionId(tenantId, message.channel, idempotencyKey ?? message.messageId, reason.code),
      tenantId,
      channel: message.channel,
      origin: message.origin.value,
      idempotencyKey,
      reference: typeof fields.reference === 'string' ? fields.reference : null,
      reason,
      createdAt: new Date(now()).toISOString(),
    });
    await deadLetter(reason, tenantId);
    return 'rejected';
  };
}
