import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { ActionStamp } from './audit.js';
import type { EventType } from './events.js';

/** A secret keeps signing beside its successor for 24 hours after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
/** Five days of continuous failure disable an endpoint. */
export const FAILURE_DISABLE_MS = 5 * 24 * 3600 * 1000;

export interface SigningSecret {
  secret: string;
  createdAt: string;
  /** Null for the current secret; set when it was rotated out. */
  expiresAt: string | null;
}

export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string | null;
  /** Event types, or `['*']` for all. */
  enabledEvents: string[];
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  /** Newest first. */
  secrets: SigningSecret[];
  /** When the current run of failed attempts began; null while deliveries succeed. */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
  /** The last change a person or an API key made (the audit log's source). */
  lastAction?: ActionStamp;
  version: number;
}

/** `whsec_` and 192 random bits, base64: the format Standard Webhooks libraries accept. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function wantsEvent(endpoint: WebhookEndpoint, type: EventType | string): boolean {
  return (
    endpoint.status === 'enabled' &&
    (endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(type))
  );
}

/** The secrets that sign right now: the current one, and a rotated one during its overlap. */
export function liveSecrets(endpoint: WebhookEndpoint, now: number): string[] {
  return endpoint.secrets
    .filter((entry) => entry.expiresAt === null || Date.parse(entry.expiresAt) > now)
    .map((entry) => entry.secret);
}

/** Rotates the signing secret: the old one keeps signing for 24 hours. */
export function rotateSecret(
  endpoint: WebhookEndpoint,
  now: number,
  secret: string = generateSigningSecret(),
): { endpoint: WebhookEndpoint; secret: string } {
  const at = new Date(now).toISOString();
  const expiresAt = new Date(now + ROTATION_OVERLAP_MS).toISOString();
  const kept = endpoint.secrets
    .map((entry) => (entry.expiresAt === null ? { ...entry, expiresAt } : entry))
    .filter((entry) => Date.parse(entry.expiresAt as string) > now);
  return {
    secret,
    endpoint: {
      ...endpoint,
      secrets: [{ secret, createdAt: at, expiresAt: null }, ...kept],
      updatedAt: at,
      version: endpoint.version + 1,
    },
  };
}

/**
 * Standard Webhooks headers: `webhook-id` (the event id), `webhook-timestamp` (unix seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256>`, space-separated when two secrets are live).
 */
export function signedHeaders(input: {
  eventId: string;
  body: string;
  secrets: string[];
  now: number;
}): Record<string, string> {
  const timestamp = new Date(Math.floor(input.now / 1000) * 1000);
  const signatures = input.secrets.map((secret) =>
    new Webhook(secret).sign(input.eventId, timestamp, input.body),
  );
  return {
    'webhook-id': input.eventId,
    'webhook-timestamp': String(Math.floor(input.now / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

export { attemptIdFor, deliveryIdFor } from './delivery-ids.js';

/**
 * The retry schedule (seconds after each failed attempt), from `PAYOUTS_WEBHOOK_RETRY_SCHEDULE` or
 * the contract's: 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h six times — about 3 days in all.
 */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000, 36000, 36000, 36000, 36000];

export function parseRetrySchedule(value: string | undefined): number[] {
  if (!value) return DEFAULT_RETRY_SCHEDULE;
  const seconds = value.split(',').map((part) => Number(part.trim()));
  if (seconds.length === 0 || seconds.some((entry) => !Number.isFinite(entry) || entry < 0)) {
    throw new Error(`PAYOUTS_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, got '${value}'`);
  }
  return seconds;
}

/** A floor after 429s and timeouts, and the bounds within which `Retry-After` is honoured. */
export const THROTTLED_FLOOR_SECONDS = 30;
export const RETRY_AFTER_MAX_SECONDS = 3600;

/**
 * Seconds until the next attempt after failed attempt number `attempt` (1-based), or undefined when
 * the schedule is exhausted. ±20 % jitter; after a 429 or a timeout at least the floor; a
 * `Retry-After` within bounds wins if it is later.
 */
export function nextRetryDelay(input: {
  schedule: number[];
  attempt: number;
  throttledOrTimedOut: boolean;
  retryAfterSeconds?: number;
  random?: () => number;
}): number | undefined {
  const base = input.schedule[input.attempt - 1];
  if (base === undefined) return undefined;
  const jitter = 0.8 + 0.4 * (input.random ?? Math.random)();
  let delay = base * jitter;
  // The floor scales down with a compressed schedule (tests), never above the schedule's longest step.
  if (input.throttledOrTimedOut)
    delay = Math.max(delay, Math.min(THROTTLED_FLOOR_SECONDS, Math.max(...input.schedule)));
  if (input.retryAfterSeconds !== undefined && input.retryAfterSeconds > 0) {
    delay = Math.max(delay, Math.min(input.retryAfterSeconds, RETRY_AFTER_MAX_SECONDS));
  }
  return Math.max(0, Math.round(delay));
}

/** How far back a recovery may reach (Svix's bound): older failures are in the events feed. */
export const RECOVERY_MAX_DAYS = 14;
/** The most deliveries one recovery redelivers; a larger backlog takes several requests. */
export const RECOVERY_MAX_DELIVERIES = 10_000;
