import type { AuditAction } from './catalog.js';
import { newId } from './ids.js';

/** Who did something: a person of the team, an API key, or the platform itself. */
export type Actor =
  | { type: 'member'; id: string; name: string; email: string }
  /** `createdBy`: the member who created the key; they count as the requester for four eyes. */
  | { type: 'api_key'; id: string; createdBy?: string | null }
  | { type: 'system' };

export const SYSTEM: Actor = { type: 'system' };

/**
 * The last action taken on an item, stored on the item itself. The outbox relay sees it in the
 * item's stream record and appends the audit entry (with before/after from the record's images), so
 * the change and its audit trail commit together: nothing is dual-written.
 */
export interface ActionStamp {
  id: string;
  action: AuditAction;
  actor: Actor;
  at: string;
  sourceIp: string | null;
  requestId: string | null;
}

export function stamp(
  action: AuditAction,
  actor: Actor,
  request: { sourceIp?: string | null; requestId?: string | null } = {},
  now: number = Date.now(),
): ActionStamp {
  return {
    id: newId('act', now),
    action,
    actor,
    at: new Date(now).toISOString(),
    sourceIp: request.sourceIp ?? null,
    requestId: request.requestId ?? null,
  };
}

/** Who is calling and from where: what every changing use case receives instead of a bare tenant. */
export interface Caller {
  tenantId: string;
  actor: Actor;
  sourceIp: string | null;
  requestId: string | null;
}

/** The stamp of an action taken now by a caller. */
export function stampFor(caller: Caller, action: AuditAction, now: number = Date.now()): ActionStamp {
  return stamp(action, caller.actor, caller, now);
}

/** The audit entry of an action that changes no item (a delete, a redelivery request). */
export function standaloneEntry(
  caller: Caller,
  action: AuditAction,
  target: AuditEntry['target'],
  changes: AuditEntry['changes'] = {},
  now: number = Date.now(),
): AuditEntry {
  const stamped = stampFor(caller, action, now);
  return {
    id: `aud_${stamped.id.slice(4)}`,
    tenantId: caller.tenantId,
    at: stamped.at,
    action,
    actor: caller.actor,
    target,
    sourceIp: caller.sourceIp,
    requestId: caller.requestId,
    changes,
  };
}

/** One entry of the append-only audit log. */
export interface AuditEntry {
  /** `aud_` + the action's ULID: the relay can write it again after a crash, never twice. */
  id: string;
  tenantId: string;
  at: string;
  action: string;
  actor: Actor;
  target: { type: string; id: string };
  sourceIp: string | null;
  requestId: string | null;
  /** The fields the action changed; secrets and account numbers masked. */
  changes: Record<string, { before: unknown; after: unknown }>;
}

/** Bookkeeping that changes with every write and says nothing to an auditor. */
const NOISE = new Set([
  'version',
  'updatedAt',
  'lastAction',
  'history',
  'execution',
  'tenantId',
  'approvalTask',
]);

function mask(field: string, value: unknown): unknown {
  if (value === undefined || value === null) return value ?? null;
  if (field === 'hash' || field === 'secrets') return '[redacted]';
  // A tenant's rails: which connectors and their public fields, never their sealed credentials.
  if (field === 'connectors' && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, Record<string, unknown>>).map(([name, connector]) => [
        name,
        { ...connector, sealedCredentials: '[redacted]' },
      ]),
    );
  if (field === 'destination' && typeof value === 'object') {
    const destination = value as Record<string, unknown>;
    if (typeof destination.iban === 'string')
      return { ...destination, iban: `••••${destination.iban.slice(-4)}` };
  }
  return value;
}

/** Top-level fields that differ between two images of an item, masked. */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): AuditEntry['changes'] {
  const changes: AuditEntry['changes'] = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of fields) {
    if (NOISE.has(field)) continue;
    // Absent and null are the same to an auditor (a new item's empty fields are not changes).
    const [old, now] = [before?.[field] ?? null, after?.[field] ?? null];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    changes[field] = { before: mask(field, old), after: mask(field, now) };
  }
  return changes;
}

/** The audit entry for an item whose last action changed in a write; undefined for system writes. */
export function auditEntryFor(input: {
  tenantId: string;
  target: { type: string; id: string };
  before: (Record<string, unknown> & { lastAction?: ActionStamp }) | undefined;
  after: Record<string, unknown> & { lastAction?: ActionStamp };
}): AuditEntry | undefined {
  const action = input.after.lastAction;
  if (!action || action.id === input.before?.lastAction?.id) return undefined;
  return {
    id: `aud_${action.id.slice(action.id.indexOf('_') + 1)}`,
    tenantId: input.tenantId,
    at: action.at,
    action: action.action,
    actor: action.actor,
    target: input.target,
    sourceIp: action.sourceIp,
    requestId: action.requestId,
    changes: changedFields(input.before, input.after),
  };
}

/**
 * A human label for an actor: a person's name and email, an API key (by its name when `apiKeyNames`
 * knows it, and its id), or "system".
 */
export function actorLabel(actor: Actor, apiKeyNames: ReadonlyMap<string, string> = new Map()): string {
  if (actor.type === 'member') return actor.email ? `${actor.name} <${actor.email}>` : actor.name;
  if (actor.type === 'api_key') {
    const name = apiKeyNames.get(actor.id);
    return name ? `API key ${name} (${actor.id})` : `API key ${actor.id}`;
  }
  return 'system';
}
