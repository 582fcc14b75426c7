import { defaultApprovalPolicy, requiredApprovals } from '../domain/approvals.js';
import type { ActionStamp, Actor } from '../domain/audit.js';
import {
  AppError,
  IdempotencyKeyTakenError,
  ReferenceTakenError,
  WriteConflictError,
} from '../domain/errors.js';
import { requestFingerprint } from '../domain/fingerprint.js';
import { payoutIdFor } from '../domain/ids.js';
import { type ManualDetails, newPayout, type PayoutSource } from '../domain/payout.js';
import type { IdempotencyStore, PayoutRepository, StoredResponse } from '../ports/payout-repository.js';
import type { TeamStore } from '../ports/team-store.js';
import type { CreatePayoutBody } from '../schemas/payout-request.js';
import { toPayoutResource } from '../schemas/payouts.js';
import type { ConnectorRouter } from './connectors.js';

function referenceAlreadyUsed(reference: string, payoutId: string): AppError {
  return new AppError(
    'conflict_error',
    'reference_already_used',
    `The reference '${reference}' is already used by payout ${payoutId}.`,
    { param: 'reference', extra: { payout_id: payoutId } },
  );
}

/**
 * The answer to a request whose Idempotency-Key is already recorded: the stored response for the
 * same body, 422 for another one. Shared by every creating endpoint (payouts, batches).
 */
export function replayStored(
  record: { fingerprint: string; response: StoredResponse },
  fingerprint: string,
): { response: StoredResponse; replayed: true } {
  if (record.fingerprint !== fingerprint) {
    throw new AppError(
      'idempotency_error',
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
      { param: 'Idempotency-Key' },
    );
  }
  return { response: record.response, replayed: true };
}

/** 409 while another request with the same key has not committed yet. */
export function idempotencyKeyInUse(): AppError {
  return new AppError(
    'conflict_error',
    'idempotency_key_in_use',
    'A request with this Idempotency-Key is still in progress. Retry after it completes.',
    { param: 'Idempotency-Key' },
  );
}

/** A refused route whose idempotency key was already used: the stored answer replaces the refusal. */
class ReplayInstead extends Error {
  constructor(readonly result: CreatePayoutResult) {
    super('replay');
  }
}

/** Idempotency keys are kept 72 hours (the contract's minimum). */
export const IDEMPOTENCY_TTL_SECONDS = 72 * 3600;

export interface CreatePayoutInput {
  tenantId: string;
  idempotencyKey: string;
  /** The body exactly as parsed from JSON, before defaults: what the fingerprint covers. */
  rawBody: unknown;
  body: CreatePayoutBody;
  source: PayoutSource;
  /** The mode of the API key that asks (test keys reach only test rails and the sandbox). */
  keyMode?: 'test' | 'live';
  /** Who creates it, with an audit entry (a person: the portal's payouts). */
  action?: ActionStamp;
  /**
   * Who creates it without an audit entry: an API key's payouts name the key in their history only
   * (D78: an audit entry per API payout was 4 of its 44 write units and made the item exceed 1 KB).
   */
  actor?: Actor;
  manual?: ManualDetails;
}

export interface CreatePayoutResult {
  response: StoredResponse;
  replayed: boolean;
}

/**
 * Creates a payout exactly once per idempotency key and reference.
 *
 *   request A ──► TransactWrite{ key, payout } ──► 201 (stored with the key)
 *   request A' (retry, same body) ──► write fails on the key ──► replay the stored 201
 *   request A'' (same key, other body) ──► write fails on the key ──► 422
 *   request B (new key, same reference) ──► write fails on the reference ──► 409 + payout_id
 *   A and A' at the same instant ──► one commits; the other sees TransactionConflict, reads the key
 *     (strongly consistent): committed → replay, not yet visible → 409 idempotency_key_in_use
 *
 * The payout id is derived from the reference, so the payout item guards the reference itself; its
 * stream record is the `payout.created` event. A crash at any point leaves either nothing or both
 * items: there is no in-between to recover.
 */
export function createPayoutUseCase(deps: {
  payouts: PayoutRepository;
  idempotency: IdempotencyStore;
  /** The tenant's approval policy (default policy when none is stored); without it nothing needs approval. */
  team?: Pick<TeamStore, 'getApprovalPolicy'>;
  /** Chooses the payout's rail (400 `unsupported_destination` when none accepts it); none: no rail is recorded. */
  route?: ConnectorRouter;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  /**
   * The payout's rail. A refusal is checked against the idempotency key first: a retry of a request
   * that was accepted before the tenant's routing changed replays its 201, never a 400 that would
   * say "nothing stored" about a payout that exists and will be paid.
   */
  async function routeOrReplay(input: CreatePayoutInput, fingerprint: string, time: number) {
    try {
      return await (deps.route as ConnectorRouter)(input.tenantId, input.body, input.keyMode);
    } catch (error) {
      const known = await deps.idempotency.get(input.tenantId, input.idempotencyKey, Math.floor(time / 1000));
      if (known) throw new ReplayInstead(replayStored(known, fingerprint));
      throw error;
    }
  }

  return async function createPayout(input: CreatePayoutInput): Promise<CreatePayoutResult> {
    try {
      return await create(input);
    } catch (error) {
      if (error instanceof ReplayInstead) return error.result;
      throw error;
    }
  };

  async function create(input: CreatePayoutInput): Promise<CreatePayoutResult> {
    const time = now();
    const createdAt = new Date(time).toISOString();
    const fingerprint = requestFingerprint('payouts.create', input.rawBody);
    // The rails and the policy are read at once (one round trip, not two), never from a cache: a rule
    // an admin tightens applies to the next payout (D81).
    const [connector, stored] = await Promise.all([
      deps.route ? routeOrReplay(input, fingerprint, time) : undefined,
      deps.team?.getApprovalPolicy(input.tenantId),
    ]);
    const policy = deps.team ? (stored ?? defaultApprovalPolicy(input.tenantId, createdAt)) : undefined;
    const required = policy
      ? requiredApprovals(policy, { ...input.body, source: input.source, purpose: input.body.purpose })
      : 0;
    const payout = newPayout({
      approval: policy && {
        required,
        expiresAt: new Date(time + policy.expiryHours * 3_600_000).toISOString(),
      },
      id: payoutIdFor(input.tenantId, input.body.reference),
      tenantId: input.tenantId,
      request: input.body,
      source: input.source,
      now: createdAt,
      manual: input.manual,
      lastAction: input.action,
      actor: input.actor,
      connector,
    });
    const resource = toPayoutResource(payout);
    const response: StoredResponse = { statusCode: 201, body: JSON.stringify(resource) };

    try {
      await deps.payouts.create({
        payout,
        idempotency: {
          tenantId: input.tenantId,
          key: input.idempotencyKey,
          fingerprint,
          response,
          createdAt,
          expiresAt: Math.floor(time / 1000) + IDEMPOTENCY_TTL_SECONDS,
        },
      });
      return { response, replayed: false };
    } catch (error) {
      if (error instanceof IdempotencyKeyTakenError) return replayStored(error.record, fingerprint);
      if (error instanceof ReferenceTakenError) throw referenceAlreadyUsed(payout.reference, error.payoutId);
      if (error instanceof WriteConflictError) {
        // Another transaction touched the key or the reference: answer from whichever committed.
        const record = await deps.idempotency.get(
          input.tenantId,
          input.idempotencyKey,
          Math.floor(time / 1000),
        );
        if (record) return replayStored(record, fingerprint);
        if (await deps.payouts.get(input.tenantId, payout.id))
          throw referenceAlreadyUsed(payout.reference, payout.id);
        throw idempotencyKeyInUse();
      }
      throw error;
    }
  }
}
