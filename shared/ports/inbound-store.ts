/**
 * Where a payout request came from: an EventBridge `source`, an SQS sender (the IAM principal), or
 * the prefix (first folder) of a file in the inbound bucket.
 */
export type InboundOrigin = { kind: 'event_source' | 'sqs_sender' | 's3_prefix'; value: string };

/**
 * An event's origin: the account EventBridge names in the envelope and the event's `source`. The
 * source alone is whatever the sender wrote; the account is set by EventBridge, so a forged event
 * from another account never matches a tenant's route.
 */
export const eventOrigin = (account: string, source: string): InboundOrigin => ({
  kind: 'event_source',
  value: `${account}/${source}`,
});

/**
 * A queue message's origin: the IAM role (or user) id SQS names in `SenderId`, without the session
 * name (`AROA…:i-0abc…` → `AROA…`), which changes per EC2 instance, ECS task or Lambda container.
 */
export const senderOrigin = (senderId: string): InboundOrigin => ({
  kind: 'sqs_sender',
  value: senderId.split(':')[0] ?? senderId,
});

export type InboundChannel = 'eventbridge' | 'sqs' | 's3';

/** A payout request from an event, a queue or a file that was refused, with why (stored once per request). */
export interface InboundRejection {
  id: string;
  tenantId: string;
  channel: InboundChannel;
  origin: string;
  idempotencyKey: string | null;
  reference: string | null;
  reason: { code: string; message: string; details: { param: string; message: string }[] };
  createdAt: string;
}

/**
 * The configuration that maps an inbound origin to its tenant (never the message body), and the
 * record of refused requests (its stream record is the `payout.request_rejected` event).
 */
export interface InboundStore {
  /** Routes an origin to a tenant; false when another tenant already has it. */
  route(tenantId: string, origin: InboundOrigin, now: string): Promise<boolean>;
  unroute(tenantId: string, origin: InboundOrigin): Promise<boolean>;
  tenantOf(origin: InboundOrigin): Promise<string | undefined>;
  routesOf(tenantId: string): Promise<InboundOrigin[]>;
  /** Records a rejection once (a redelivered message writes nothing new). */
  reject(rejection: InboundRejection): Promise<void>;
}
