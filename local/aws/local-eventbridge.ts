import { randomUUID } from 'node:crypto';
import { matchesEventPattern } from './event-pattern.js';
import { LOCAL_ACCOUNT } from './local-identity.js';
import type { LocalSqs } from './local-sqs.js';

export interface LocalRule {
  bus: string;
  name: string;
  eventPattern: Record<string, unknown>;
  target: { queue: string };
}

export interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: string | number;
  Resources?: string[];
}

/**
 * EventBridge's documented PutEvents limits (API Reference `PutEvents`; User Guide "Calculating
 * PutEvents event entry size"): enforced so a call AWS refuses is refused locally too.
 */
export const EVENTBRIDGE_LIMITS = {
  /** Entries of one PutEvents request. */
  entries: 10,
  /** The entries' total size, counted as EventBridge counts it (see `entrySize`): 256 KB. */
  requestBytes: 256 * 1024,
} as const;

/** An EventBridge error as its JSON protocol answers it (`__type`). */
export class EventBridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * An entry's size as EventBridge computes it: 14 bytes for a `Time`, the UTF-8 bytes of `Source`,
 * `DetailType`, `Detail` and each of `Resources` (not the JSON envelope around them).
 */
export function entrySize(entry: PutEventsEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** What EventBridge answers for one entry it refused (the request itself succeeds). */
function entryError(entry: PutEventsEntry): { ErrorCode: string; ErrorMessage: string } | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const)
    if (!entry[field])
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
  try {
    const detail = JSON.parse(entry.Detail as string) as unknown;
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      throw new Error('not an object');
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
}

/** The request-level checks of PutEvents: 1–10 entries of at most 256 KB together (ValidationException). */
function checkPutEvents(entries: readonly PutEventsEntry[] | undefined): asserts entries is PutEventsEntry[] {
  const count = entries?.length ?? 0;
  if (count < 1 || count > EVENTBRIDGE_LIMITS.entries)
    throw new EventBridgeError(
      'ValidationException',
      `1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length ${count < 1 ? 'greater than or equal to 1' : `less than or equal to ${EVENTBRIDGE_LIMITS.entries}`}`,
    );
  const total = (entries as PutEventsEntry[]).reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > EVENTBRIDGE_LIMITS.requestBytes)
    throw new EventBridgeError(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
}

/**
 * A small in-process EventBridge: PutEvents onto named buses, rules with event patterns (evaluated by
 * `matchesEventPattern`), and SQS targets that receive the full event envelope as the message body,
 * as EventBridge's SQS target does. Development and test infrastructure only.
 */
export function createLocalEventBridge(deps: { sqs: LocalSqs }) {
  const rules: LocalRule[] = [];
  return {
    putRule(rule: LocalRule): void {
      rules.push(rule);
    },

    /**
     * `account` is the caller's, as EventBridge sets it (the platform's own calls: the local account).
     * A request over the limits throws; an entry EventBridge refuses on its own gets an `ErrorCode`.
     */
    putEvents(
      entries: PutEventsEntry[],
      account: string = LOCAL_ACCOUNT,
    ): ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[] {
      checkPutEvents(entries);
      return entries.map((entry) => {
        const refused = entryError(entry);
        if (refused) return refused;
        const id = randomUUID();
        const time =
          entry.Time === undefined
            ? new Date()
            : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
        const envelope = {
          version: '0',
          id,
          'detail-type': entry.DetailType,
          source: entry.Source,
          account,
          time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: 'us-east-1',
          resources: entry.Resources ?? [],
          detail: JSON.parse(entry.Detail ?? '{}'),
        };
        const bus = entry.EventBusName ?? 'default';
        for (const rule of rules) {
          if (rule.bus === bus && matchesEventPattern(rule.eventPattern, envelope)) {
            deps.sqs.send(rule.target.queue, JSON.stringify(envelope));
          }
        }
        return { EventId: id };
      });
    },
  };
}

export type LocalEventBridge = ReturnType<typeof createLocalEventBridge>;
