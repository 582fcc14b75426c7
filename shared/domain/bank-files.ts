import { ValidationError } from './errors.js';

/**
 * SEPA credit transfer files (the `sepa_file` rail, issue 21, D72). At each cut-off a tenant's queued
 * SEPA payouts are claimed into one pain.001 file, written to the outbound prefix of the bank files
 * bucket for the tenant's bank gateway; the bank's answers (pain.002, camt.053/054) come back under
 * the inbound prefix.
 */

/**
 * When a tenant's files are cut: every hour on the hour, or once a day at a local time of a time
 * zone (`14:00` in `Europe/Berlin`: the bank's own cut-off is usually said in its local time).
 */
export type CutOff = { every: 'hour' } | { every: 'day'; time: string; timeZone: string };

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The connector settings' `cut_off` and `time_zone` as a cut-off; a 400 naming the field if unusable. */
export function parseCutOff(cutOff: string, timeZone: string): CutOff {
  if (cutOff === 'hourly') return { every: 'hour' };
  if (!TIME.test(cutOff))
    throw new ValidationError([
      { param: 'credentials.cut_off', message: 'must be "hourly" or a time of day as HH:MM (24-hour clock)' },
    ]);
  if (!isTimeZone(timeZone))
    throw new ValidationError([
      { param: 'credentials.time_zone', message: 'must be a time zone such as Europe/Berlin' },
    ]);
  return { every: 'day', time: cutOff, timeZone };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.includes('/') || name === 'UTC';
  } catch {
    return false;
  }
}

/** The wall-clock date and time of instants in a time zone (`YYYY-MM-DD`, `HH:MM`); one formatter. */
export function clockIn(timeZone: string): (at: number) => { date: string; time: string } {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (at) => {
    const parts = Object.fromEntries(
      format.formatToParts(new Date(at)).map((part) => [part.type, part.value]),
    );
    return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
  };
}

/**
 * The latest cut-off at or before `now`, as the instant it stands for (UTC, to the minute) and the
 * requested execution date of its file (the cut-off's local date). Daily: today's cut-off once its
 * local time has passed, yesterday's before. The scheduler builds each slot's file once; a slot
 * missed while the platform was down is built at the next run (its payouts wait, never lost).
 */
export function dueSlot(cutOff: CutOff, now: number): { slot: string; executionDate: string } {
  if (cutOff.every === 'hour') {
    const slot = new Date(Math.floor(now / 3_600_000) * 3_600_000).toISOString();
    return { slot, executionDate: slot.slice(0, 10) };
  }
  // Walk back minute by minute over at most a day: exact across daylight-saving changes.
  const start = Math.floor(now / 60_000) * 60_000;
  const localClock = clockIn(cutOff.timeZone);
  for (let at = start; at > start - 26 * 3_600_000; at -= 60_000) {
    const local = localClock(at);
    if (local.time === cutOff.time) return { slot: new Date(at).toISOString(), executionDate: local.date };
  }
  // A local time skipped by a daylight-saving change (02:30 on a spring day): the day's file is cut
  // at the next minute that exists, which the walk above finds on the next day.
  const slot = new Date(start).toISOString();
  return { slot, executionDate: localClock(start).date };
}

/** A file's id from its slot: one file per tenant and cut-off, whoever builds it and however often. */
export function bankFileIdOf(slot: string): string {
  // 2026-12-02T13:00:00.000Z → bf_20261202T130000Z (to the second: a forced cut-off is its own slot)
  return `bf_${slot.slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** The file's `MsgId`: its id in the SEPA character set (no `_`). */
export const messageIdOf = (fileId: string) => fileId.replace('_', '-');
/** The file id a `MsgId` (a status report's `OrgnlMsgId`) stands for, or null if not one of ours. */
export const fileIdOfMessage = (messageId: string) =>
  /^bf-\d{8}T\d{6}Z$/.test(messageId) ? messageId.replace('-', '_') : null;

export type BankFileStatus = 'building' | 'written';

export interface BankFile {
  id: string;
  tenantId: string;
  /** The cut-off instant this file is for (UTC ISO 8601). */
  slot: string;
  /** Every transfer's requested execution date (`ReqdExctnDt`): the cut-off's local date. */
  executionDate: string;
  /**
   * `building`: payouts are being claimed into it (claimedAt null) or it is being written; `written`:
   * the file is in the outbound prefix (`key`). A builder that died leaves `building`: the next run
   * of the same slot finishes it.
   */
  status: BankFileStatus;
  /**
   * The rail's mode when the file was cut: a `test` rail's files go to `outbound-test/`, which the
   * bank gateway never fetches (a test key never moves real money).
   */
  mode: 'test' | 'live';
  debtor: { name: string; iban: string; bic: string | null };
  /**
   * Until when one builder owns the file (longer than the builder function's timeout): only the owner
   * claims payouts into it, so no payout is claimed after the file's transfers were counted.
   */
  leaseUntil: string | null;
  /** Set once claiming is over: from then on the file's transfers never change. */
  claimedAt: string | null;
  count: number | null;
  /** The sum of its amounts in minor units (a decimal string: a bigint). */
  controlSumMinor: string | null;
  /** The object key in the bank files bucket once written. */
  key: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One transfer of a file: what the pain.001 carries of the payout, copied when it was claimed. */
export interface BankFileTransfer {
  fileId: string;
  tenantId: string;
  payoutId: string;
  executionDate: string;
  amount: number;
  creditor: { name: string; iban: string; bic: string | null };
  remittance: string;
}

/**
 * A booked debit or a return read from a bank statement (camt.053/054): the bank's own record, which
 * the reconciliation of the `sepa_file` rail reads as the provider's statement. Entries naming no
 * payout of ours are kept the same way (`payoutId` null): money the account moved for someone else.
 */
export interface BankLedgerEntry {
  tenantId: string;
  endToEndId: string;
  payoutId: string | null;
  kind: 'booked' | 'returned';
  amount: number;
  currency: string;
  bookingDate: string;
  reasonCode: string | null;
  /** The statement file it came from (its key in the bucket). */
  fileKey: string;
  recordedAt: string;
}
