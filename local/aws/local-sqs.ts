import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../api-gateway.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/**
 * SQS's documented limits (API Reference, and the SDK's model of it: `SendMessage`,
 * `SendMessageBatch`, `ChangeMessageVisibility`, "Amazon SQS message quotas"): enforced here so code
 * that AWS would refuse is refused locally too.
 */
export const SQS_LIMITS = {
  /** Entries of one `SendMessageBatch`, `DeleteMessageBatch` or `ChangeMessageVisibilityBatch`. */
  batchEntries: 10,
  /** A message's body (and, summed, a whole `SendMessageBatch`): 1 MiB since August 2025 (was 256 KiB). */
  messageBytes: 1_048_576,
  /** A batch entry's `Id`: up to 80 alphanumerics, hyphens and underscores. */
  batchEntryId: /^[A-Za-z0-9_-]{1,80}$/,
  /** A visibility timeout, and a message's total one counted from its latest receive: 12 hours. */
  visibilitySeconds: 43_200,
  /** `DelaySeconds`: 15 minutes. */
  delaySeconds: 900,
  /** `MaxNumberOfMessages` of one `ReceiveMessage`. */
  receiveMessages: 10,
} as const;

/** The characters a message may hold (XML's): anything else is `InvalidMessageContents`. */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * An SQS error as the service answers it over its JSON protocol: `code` is the error shape
 * (`__type`), `queryCode` the query-compatible code of the `x-amzn-query-error` header, which the
 * SDK turns into the modelled exception (`AWS.SimpleQueueService.TooManyEntriesInBatchRequest` →
 * `TooManyEntriesInBatchRequest`).
 */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode: string = code,
  ) {
    super(message);
    this.name = code;
  }
}

const invalidParameter = (name: string, value: unknown, reason: string) =>
  new SqsError(
    'InvalidParameterValue',
    `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );

/** Refuses a number outside `[0, max]` as SQS does (InvalidParameterValue). */
function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max)
    throw invalidParameter(name, value, `Must be between ${min} and ${max}, if provided.`);
}

/** A message body SQS would take: 1 character to 1 MiB of XML-legal characters. */
function checkBody(body: unknown): string {
  if (typeof body !== 'string' || body.length === 0)
    throw new SqsError(
      'MissingParameter',
      'The request must contain the parameter MessageBody.',
      'MissingParameter',
    );
  if (Buffer.byteLength(body, 'utf8') > SQS_LIMITS.messageBytes)
    throw new SqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${SQS_LIMITS.messageBytes} bytes.`,
    );
  if (INVALID_CHARACTER.test(body)) throw new SqsError('InvalidMessageContents', 'Invalid characters found.');
  return body;
}

/** The checks every batch request gets before any entry runs: 1–10 entries, valid and distinct ids. */
function checkBatch(entries: readonly { Id?: unknown }[] | undefined): void {
  if (!entries || entries.length === 0)
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  if (entries.length > SQS_LIMITS.batchEntries)
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${SQS_LIMITS.batchEntries}. You have sent ${entries.length}.`,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  const ids = new Set<string>();
  for (const entry of entries) {
    const id = String(entry.Id ?? '');
    if (!SQS_LIMITS.batchEntryId.test(id))
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    if (ids.has(id))
      throw new SqsError(
        'BatchEntryIdsNotDistinct',
        `Id ${id} repeated.`,
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    ids.add(id);
  }
}

/** One entry's outcome in a batch answer: `Successful` or `Failed`, as SQS reports them. */
export interface BatchOutcome<T> {
  Successful: (T & { Id: string })[];
  Failed: { Id: string; Code: string; Message: string; SenderFault: boolean }[];
}

interface Message {
  id: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** When the latest receive happened: its visibility may not reach past 12 hours from then. */
  receivedAt?: number;
  /** Receipt handles of the latest receive: older ones no longer delete or change the message. */
  handles: Set<string>;
  /** Who sent it, as SQS reports it (`AROA…:session`); the local account for the platform's own. */
  senderId: string;
}

export interface QueueOptions {
  name: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount?: number;
  deadLetterQueue?: string;
}

export interface LocalQueue extends QueueOptions {
  arn: string;
  messages: Map<string, Message>;
}

export interface ConsumerOptions {
  queue: string;
  functionName: string;
  batchSize: number;
  maxConcurrency: number;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  onError?: (error: unknown) => void;
}

/**
 * A small in-process SQS with the semantics our consumers rely on — at-least-once delivery, visibility
 * timeouts, receive counts, dead-letter queues, partial batch failures — and a stand-in for Lambda's
 * SQS event source mapping (batch size, maximum concurrency, `reportBatchItemFailures`). Development and
 * test infrastructure only. `duplicateDeliveryRate` delivers messages twice on purpose (chaos runs).
 */
export function createLocalSqs(
  options: {
    duplicateDeliveryRate?: number;
    endpoint?: () => string;
    /** The clock (tests of the 12-hour visibility limit); `Date.now` by default. */
    now?: () => number;
  } = {},
) {
  const clock = options.now ?? Date.now;
  const queues = new Map<string, LocalQueue>();
  const wakers = new Set<() => void>();
  const consumers: { stop(): Promise<void> }[] = [];

  const queueOf = (name: string) => {
    const queue = queues.get(name);
    if (!queue)
      throw new SqsError(
        'QueueDoesNotExist',
        `The specified queue does not exist: no local queue '${name}'.`,
        'AWS.SimpleQueueService.NonExistentQueue',
      );
    return queue;
  };
  const wake = () => {
    for (const waker of wakers) waker();
  };

  /** Receipt handle → its message: a delete or visibility change is a lookup, not a scan of every queue. */
  const byHandle = new Map<string, { queue: LocalQueue; message: Message }>();

  function findByHandle(handle: string): { queue: LocalQueue; message: Message } | undefined {
    const found = byHandle.get(handle);
    // A handle from before the message's latest receive (or of a deleted message) is stale.
    if (!found?.message.handles.has(handle) || found.queue.messages.get(found.message.id) !== found.message)
      return undefined;
    return found;
  }

  function forgetHandles(message: Message) {
    for (const handle of message.handles) byHandle.delete(handle);
  }

  const sqs = {
    createQueue(spec: QueueOptions): LocalQueue {
      // Fractions of a second are allowed here: tests compress time (the API takes whole seconds).
      checkRange('VisibilityTimeout', spec.visibilityTimeoutSeconds, 0, SQS_LIMITS.visibilitySeconds);
      const queue: LocalQueue = {
        ...spec,
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${spec.name}`,
        messages: new Map(),
      };
      queues.set(spec.name, queue);
      return queue;
    },

    /** SendMessage: refuses what SQS refuses (empty or over 1 MiB, illegal characters, a delay over 15 minutes). */
    send(name: string, body: string, delaySeconds = 0, senderId: string = ACCOUNT): string {
      checkBody(body);
      checkRange('DelaySeconds', delaySeconds, 0, SQS_LIMITS.delaySeconds);
      const queue = queueOf(name);
      const now = clock();
      const id = randomUUID();
      queue.messages.set(id, {
        id,
        body,
        sentAt: now,
        visibleAt: now + delaySeconds * 1000,
        receiveCount: 0,
        handles: new Set(),
        senderId,
      });
      wake();
      return id;
    },

    /**
     * SendMessageBatch: the request is refused as a whole for an empty or oversized batch (over 10
     * entries, or over 1 MiB summed), a bad or repeated id; an entry SQS refuses on its own (its
     * delay, its characters) is reported in `Failed` while the others are sent.
     */
    sendBatch(
      name: string,
      entries: readonly { Id: string; MessageBody: string; DelaySeconds?: number }[] | undefined,
      senderId: string = ACCOUNT,
    ): BatchOutcome<{ MessageId: string; body: string }> {
      checkBatch(entries);
      const list = entries ?? [];
      const total = list.reduce((sum, entry) => sum + Buffer.byteLength(String(entry.MessageBody ?? '')), 0);
      if (total > SQS_LIMITS.messageBytes)
        throw new SqsError(
          'BatchRequestTooLong',
          `Batch requests cannot be longer than ${SQS_LIMITS.messageBytes} bytes. You have sent ${total} bytes.`,
          'AWS.SimpleQueueService.BatchRequestTooLong',
        );
      queueOf(name);
      const outcome: BatchOutcome<{ MessageId: string; body: string }> = { Successful: [], Failed: [] };
      for (const entry of list) {
        try {
          const messageId = sqs.send(name, entry.MessageBody, entry.DelaySeconds ?? 0, senderId);
          outcome.Successful.push({ Id: entry.Id, MessageId: messageId, body: entry.MessageBody });
        } catch (error) {
          if (!(error instanceof SqsError)) throw error;
          outcome.Failed.push({ Id: entry.Id, Code: error.code, Message: error.message, SenderFault: true });
        }
      }
      return outcome;
    },

    /** DeleteMessageBatch: 1–10 entries with valid, distinct ids; each entry deletes as DeleteMessage does. */
    deleteBatch(entries: readonly { Id: string; ReceiptHandle: string }[] | undefined): BatchOutcome<object> {
      checkBatch(entries);
      const outcome: BatchOutcome<object> = { Successful: [], Failed: [] };
      for (const entry of entries ?? []) {
        sqs.delete(entry.ReceiptHandle);
        outcome.Successful.push({ Id: entry.Id });
      }
      return outcome;
    },

    /** Receives up to `max` visible messages, as ReceiveMessage does (plus chaos duplicates). */
    receive(name: string, max: number): SQSRecord[] {
      const queue = queueOf(name);
      const now = clock();
      const records: SQSRecord[] = [];
      for (const message of queue.messages.values()) {
        if (records.length >= max) break;
        if (message.visibleAt > now) continue;
        if (
          queue.maxReceiveCount !== undefined &&
          message.receiveCount >= queue.maxReceiveCount &&
          queue.deadLetterQueue
        ) {
          queue.messages.delete(message.id);
          forgetHandles(message);
          queueOf(queue.deadLetterQueue).messages.set(message.id, {
            ...message,
            visibleAt: now,
            handles: new Set(),
          });
          continue;
        }
        message.receiveCount += 1;
        message.firstReceiveAt ??= now;
        message.receivedAt = now;
        message.visibleAt = now + queue.visibilityTimeoutSeconds * 1000;
        forgetHandles(message);
        message.handles = new Set();
        const copies = Math.random() < (options.duplicateDeliveryRate ?? 0) ? 2 : 1;
        for (let copy = 0; copy < copies; copy++) {
          const handle = randomUUID();
          message.handles.add(handle);
          byHandle.set(handle, { queue, message });
          records.push(toRecord(queue, message, handle));
        }
      }
      return records;
    },

    /** DeleteMessage: a stale handle (from before the latest receive) deletes nothing. */
    delete(handle: string): boolean {
      const found = findByHandle(handle);
      if (found) {
        found.queue.messages.delete(found.message.id);
        forgetHandles(found.message);
      }
      return found !== undefined;
    },

    /**
     * ChangeMessageVisibility: from now, at most 12 hours, and never past 12 hours from the message's
     * latest receive (SQS refuses that with InvalidParameterValue rather than capping it).
     */
    changeVisibility(handle: string, seconds: number): boolean {
      checkRange('VisibilityTimeout', seconds, 0, SQS_LIMITS.visibilitySeconds);
      const found = findByHandle(handle);
      if (found) {
        const now = clock();
        const total = (now - (found.message.receivedAt ?? now)) / 1000 + seconds;
        if (total > SQS_LIMITS.visibilitySeconds)
          throw invalidParameter(
            'VisibilityTimeout',
            seconds,
            `Total VisibilityTimeout for the message is beyond the limit [${SQS_LIMITS.visibilitySeconds} seconds]`,
          );
        found.message.visibleAt = now + seconds * 1000;
        setTimeout(wake, seconds * 1000 + 5).unref();
      }
      return found !== undefined;
    },

    depth(name: string): { visible: number; inFlight: number } {
      const now = clock();
      const messages = [...queueOf(name).messages.values()];
      const visible = messages.filter((message) => message.visibleAt <= now).length;
      return { visible, inFlight: messages.length - visible };
    },

    /** Runs a Lambda-style consumer until `stopAll()`. */
    addConsumer(consumer: ConsumerOptions): void {
      let stopped = false;
      let inFlight = 0;
      const running = new Set<Promise<void>>();
      let waiting: (() => void) | undefined;
      const waker = () => waiting?.();
      wakers.add(waker);

      const invoke = async (records: SQSRecord[]) => {
        try {
          const response = await consumer.handler({ Records: records }, lambdaContext(consumer.functionName));
          const failed = new Set(
            (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier),
          );
          for (const record of records) if (!failed.has(record.messageId)) sqs.delete(record.receiptHandle);
        } catch (error) {
          consumer.onError?.(error); // the whole batch comes back after its visibility timeout
        }
      };

      const loop = (async () => {
        while (!stopped) {
          const records =
            inFlight < consumer.maxConcurrency ? sqs.receive(consumer.queue, consumer.batchSize) : [];
          if (records.length === 0) {
            await new Promise<void>((resolve) => {
              waiting = resolve;
              setTimeout(resolve, 200).unref();
            });
            continue;
          }
          inFlight += 1;
          const invocation = invoke(records).finally(() => {
            inFlight -= 1;
            running.delete(invocation);
            waker();
          });
          running.add(invocation);
        }
      })();

      consumers.push({
        async stop() {
          stopped = true;
          waker();
          await loop;
          await Promise.all(running);
          wakers.delete(waker);
        },
      });
    },

    async stopAll(): Promise<void> {
      await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    },

    queueUrl: (name: string) => `${options.endpoint?.() ?? 'http://127.0.0.1'}/${ACCOUNT}/${name}`,
    queues,
  };
  return sqs;

  function toRecord(queue: LocalQueue, message: Message, handle: string): SQSRecord {
    return {
      messageId: message.id,
      receiptHandle: handle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: message.senderId,
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: REGION,
    };
  }
}

export type LocalSqs = ReturnType<typeof createLocalSqs>;
