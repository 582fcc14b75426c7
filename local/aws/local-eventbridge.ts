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

    /** `account` is the caller's, as EventBridge sets it (the platform's own calls: the local account). */
    putEvents(entries: PutEventsEntry[], account: string = LOCAL_ACCOUNT): { EventId: string }[] {
      return entries.map((entry) => {
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
