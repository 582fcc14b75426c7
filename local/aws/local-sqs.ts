import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../api-gateway.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

interface Message {
  id: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
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
export function createLocalSqs(options: { duplicateDeliveryRate?: number; endpoint?: () => string } = {}) {
  const queues = new Map<string, LocalQueue>();
  const wakers = new Set<() => void>();
  const consumers: { stop(): Promise<void> }[] = [];

  const queueOf = (name: string) => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`No local queue '${name}'`);
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
      const queue: LocalQueue = {
        ...spec,
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${spec.name}`,
        messages: new Map(),
      };
      queues.set(spec.name, queue);
      return queue;
    },

    send(name: string, body: string, delaySeconds = 0, senderId: string = ACCOUNT): string {
      const now = Date.now();
      const id = randomUUID();
      queueOf(name).messages.set(id, {
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

    /** Receives up to `max` visible messages, as ReceiveMessage does (plus chaos duplicates). */
    receive(name: string, max: number): SQSRecord[] {
      const queue = queueOf(name);
      const now = Date.now();
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

    changeVisibility(handle: string, seconds: number): boolean {
      const found = findByHandle(handle);
      if (found) {
        found.message.visibleAt = Date.now() + seconds * 1000;
        setTimeout(wake, seconds * 1000 + 5).unref();
      }
      return found !== undefined;
    },

    depth(name: string): { visible: number; inFlight: number } {
      const now = Date.now();
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
