import type { DynamoDBRecord } from 'aws-lambda';

/** A range of one shard of the table's stream, as Lambda reports a batch it gave up on. */
export interface StreamRange {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

/** One message of the stream's dead-letter queue: the range it names (undefined if unreadable). */
export interface StreamDeadLetter {
  receipt: string;
  range: StreamRange | undefined;
}

/** The stream's dead-letter queue (Lambda's on-failure destination of the relay's mapping). */
export interface StreamDeadLetters {
  receive(max: number): Promise<StreamDeadLetter[]>;
  /** Hides the message for a while (a replay that failed: try again on a later run). */
  postpone(receipt: string, seconds: number): Promise<void>;
  delete(receipt: string): Promise<void>;
}

/** Reads the records of a range again, with the relay's filters applied, or learns they expired. */
export interface StreamReader {
  read(range: StreamRange): Promise<{ records: DynamoDBRecord[] } | { expired: true }>;
}

/** A payout that is not final, as the open payouts index names it. */
export interface OpenPayoutKey {
  tenantId: string;
  payoutId: string;
}

/**
 * The sweeper's note on one payout: the status it last re-drove it in, how often, and when it may
 * again. Keyed on the status, not the version: each execution attempt bumps the version (its lease),
 * and the backoff must keep growing through a long provider outage.
 */
export interface SweepMark {
  tenantId: string;
  payoutId: string;
  status: string;
  count: number;
  nextAt: string;
}

/** The sweeper's notes: a payout is re-driven at most once per backoff step of its status. */
export interface SweepMarks {
  get(tenantId: string, payoutId: string): Promise<SweepMark | undefined>;
  /** Writes `next` if the stored note is still `expected` (none, or the one read): false otherwise. */
  put(next: SweepMark, expected: SweepMark | undefined): Promise<boolean>;
}
