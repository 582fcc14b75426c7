import { defaultApprovalPolicy, requiredApprovals } from '../domain/approvals.js';
import { type Caller, stampFor } from '../domain/audit.js';
import {
  type BatchChunk,
  chunkItems,
  countDelta,
  emptyCounts,
  mayBeComplete,
  type PayoutBatch,
  recount,
} from '../domain/batches.js';
import { routePayout } from '../domain/connectors.js';
import { AppError, IdempotencyKeyTakenError, NotFoundError, WriteConflictError } from '../domain/errors.js';
import { requestFingerprint } from '../domain/fingerprint.js';
import { newId, payoutIdFor } from '../domain/ids.js';
import { inParallel } from '../domain/parallel.js';
import { newPayout, type PayoutRequest, type PayoutStatus } from '../domain/payout.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { ConnectorStore } from '../ports/connector-store.js';
import type { IdempotencyStore, PayoutRepository, StoredResponse } from '../ports/payout-repository.js';
import type { TeamStore } from '../ports/team-store.js';
import { toBatchResource } from '../schemas/batches.js';
import type { CreatePayoutBody } from '../schemas/payout-request.js';
import { IDEMPOTENCY_TTL_SECONDS, idempotencyKeyInUse, replayStored } from './create-payout.js';
import type { PayoutChange } from './relay-outbox.js';

/** Payout writes of one chunk in flight at once (a chunk is ≤ 100 items). */
const CHUNK_WRITE_CONCURRENCY = 16;

export interface CreateBatchInput {
  caller: Caller;
  idempotencyKey: string;
  rawBody: unknown;
  items: CreatePayoutBody[];
  /** The mode of the API key that asks (test keys reach only test rails and the sandbox). */
  keyMode?: 'test' | 'live';
  /** How the approval policy sees the payouts; by default the caller's channel (portal or API). */
  policySource?: PayoutBatch['policySource'];
}

/**
 * Payout batches (D37): accept up to 10,000 validated items at once, expand them into payouts one
 * chunk per worker message, keep live counts, and complete the batch when every payout is final.
 */
export function payoutBatchesUseCase(deps: {
  batches: BatchStore;
  payouts: PayoutRepository;
  idempotency: IdempotencyStore;
  team: Pick<TeamStore, 'getApprovalPolicy'>;
  /** The tenants' rails: each item is routed when the batch is accepted (one read per batch). */
  routing?: { store: Pick<ConnectorStore, 'get'>; sandboxAvailable: boolean };
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  /** Each item's rail; the batch is refused, naming every item no rail accepts, if any. */
  async function routed(
    tenantId: string,
    items: CreatePayoutBody[],
    keyMode: 'test' | 'live' | undefined,
  ): Promise<PayoutRequest[]> {
    if (!deps.routing) return items;
    const config = await deps.routing.store.get(tenantId);
    const problems: { param: string; message: string }[] = [];
    const result = items.map((item, index) => {
      const connector = routePayout(config, item, {
        sandboxAvailable: deps.routing?.sandboxAvailable ?? false,
        keyMode,
      });
      if (!connector)
        problems.push({
          param: `items.${index}.destination.type`,
          message: `no payout rail configured for this account accepts '${item.destination.type}' destinations in ${item.currency}`,
        });
      return { ...item, connector };
    });
    if (problems.length > 0)
      throw new AppError(
        'invalid_request_error',
        'unsupported_destination',
        `${problems.length} item(s) cannot be paid: ${problems[0]?.param}: ${problems[0]?.message}`,
        { param: problems[0]?.param, details: problems.slice(0, 100) },
      );
    return result;
  }

  async function existing(tenantId: string, batchId: string): Promise<PayoutBatch> {
    const batch = await deps.batches.get(tenantId, batchId);
    if (!batch) throw new NotFoundError('payout batch', batchId);
    return batch;
  }

  return {
    /**
     * Stores the batch (chunks, then batch + idempotency key in one transaction) and answers 202.
     * A retry with the same key and body replays the first answer; nothing is expanded twice.
     */
    async create(input: CreateBatchInput): Promise<{ response: StoredResponse; replayed: boolean }> {
      const { tenantId } = input.caller;
      const time = now();
      const fingerprint = requestFingerprint('payout_batches.create', input.rawBody);
      const nowSeconds = Math.floor(time / 1000);
      const known = await deps.idempotency.get(tenantId, input.idempotencyKey, nowSeconds);
      if (known) return replayStored(known, fingerprint);

      const at = new Date(time).toISOString();
      const id = newId('pb', time);
      const items = await routed(tenantId, input.items, input.keyMode);
      const chunks: BatchChunk[] = chunkItems(items).map((chunk, index) => ({
        tenantId,
        batchId: id,
        index,
        offset: chunk.offset,
        items: chunk.items,
        doneAt: null,
        duplicates: [],
      }));
      const batch: PayoutBatch = {
        id,
        tenantId,
        status: 'accepted',
        total: input.items.length,
        chunks: chunks.length,
        expandedChunks: 0,
        created: 0,
        duplicate: 0,
        live: emptyCounts(),
        final: null,
        requestedBy: input.caller.actor,
        policySource: input.policySource ?? (input.caller.actor.type === 'member' ? 'portal' : 'api'),
        createdAt: at,
        updatedAt: at,
        completedAt: null,
        lastAction: stampFor(input.caller, 'payout_batch.create', time),
        version: 1,
      };
      const response: StoredResponse = { statusCode: 202, body: JSON.stringify(toBatchResource(batch)) };
      try {
        await deps.batches.create({
          batch,
          chunks,
          idempotency: {
            tenantId,
            key: input.idempotencyKey,
            fingerprint,
            response,
            createdAt: at,
            expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
          },
        });
        return { response, replayed: false };
      } catch (error) {
        if (error instanceof IdempotencyKeyTakenError) return replayStored(error.record, fingerprint);
        if (error instanceof WriteConflictError) {
          const record = await deps.idempotency.get(tenantId, input.idempotencyKey, nowSeconds);
          if (record) return replayStored(record, fingerprint);
          throw idempotencyKeyInUse();
        }
        throw error;
      }
    },

    async get(tenantId: string, batchId: string) {
      return toBatchResource(await existing(tenantId, batchId));
    },

    async list(tenantId: string, query: { limit: number; starting_after?: string }) {
      const page = await deps.batches.list(tenantId, {
        limit: query.limit,
        startingAfter: query.starting_after,
      });
      return {
        object: 'list' as const,
        data: page.items.map(toBatchResource),
        has_more: page.hasMore,
        next_cursor: page.hasMore ? (page.items.at(-1)?.id ?? null) : null,
      };
    },

    /**
     * Turns one chunk into payouts. Each payout is a conditional put of its reference's item: an item
     * this batch already wrote (a redelivery, a worker killed mid-chunk) is left alone and counted as
     * created; one that another request wrote is a duplicate. The chunk is then marked done together
     * with the batch's figures, so it is counted once however often it runs.
     */
    async expandChunk(
      tenantId: string,
      batchId: string,
      index: number,
    ): Promise<{ created: number; duplicates: number }> {
      const chunk = await deps.batches.getChunk(tenantId, batchId, index);
      if (!chunk || chunk.doneAt) return { created: 0, duplicates: 0 };
      const batch = await existing(tenantId, batchId);
      const time = now();
      const at = new Date(time).toISOString();
      const policy = (await deps.team.getApprovalPolicy(tenantId)) ?? defaultApprovalPolicy(tenantId, at);
      const expiresAt = new Date(time + policy.expiryHours * 3_600_000).toISOString();
      const duplicates: number[] = [];
      let created = 0;
      await inParallel(chunk.items, CHUNK_WRITE_CONCURRENCY, async (item, position) => {
        const payout = newPayout({
          id: payoutIdFor(tenantId, item.reference),
          tenantId,
          request: item,
          source: 'batch',
          batchId,
          now: at,
          connector: item.connector ?? null,
          actor: batch.requestedBy,
          approval: {
            required: requiredApprovals(policy, { ...item, source: batch.policySource }),
            expiresAt,
          },
        });
        const result = await deps.payouts.createIfAbsent(payout);
        if (result.created || result.batchId === batchId) created += 1;
        else duplicates.push(chunk.offset + position);
      });
      duplicates.sort((a, b) => a - b);
      await deps.batches.finishChunk({ tenantId, batchId, index, created, duplicates, now: at });
      return { created, duplicates: duplicates.length };
    },

    /**
     * The relay's part: the status changes of batch payouts, summed per batch, go to the batches'
     * live counters in one update each.
     */
    async countChanges(changes: readonly PayoutChange[]): Promise<void> {
      const deltas = new Map<string, { tenantId: string; delta: Partial<Record<PayoutStatus, number>> }>();
      for (const { before, after } of changes) {
        if (!after.batchId) continue;
        const key = `${after.tenantId}/${after.batchId}`;
        const entry = deltas.get(key) ?? { tenantId: after.tenantId, delta: {} };
        for (const [status, value] of Object.entries(countDelta(before?.status, after.status))) {
          const typed = status as PayoutStatus;
          entry.delta[typed] = (entry.delta[typed] ?? 0) + (value ?? 0);
        }
        deltas.set(key, entry);
      }
      const at = new Date(now()).toISOString();
      for (const [key, { tenantId, delta }] of deltas) {
        await deps.batches.addLive(tenantId, key.slice(key.indexOf('/') + 1), delta, at);
      }
    },

    /**
     * When the live counters say every payout may be final, recounts exactly from the payouts and
     * completes the batch if they all are. Returns true when this call completed it.
     */
    async completeIfDone(batch: PayoutBatch): Promise<boolean> {
      if (!mayBeComplete(batch)) return false;
      const chunks = await deps.batches.chunks(batch.tenantId, batch.id);
      const ids = chunks.flatMap((chunk) => {
        const duplicate = new Set(chunk.duplicates);
        return chunk.items
          .filter((_, position) => !duplicate.has(chunk.offset + position))
          .map((item) => payoutIdFor(batch.tenantId, item.reference));
      });
      const statuses = await deps.payouts.statusesOf(batch.tenantId, ids);
      const { counts, complete } = recount(statuses, batch.duplicate);
      if (!complete || statuses.length !== batch.created) return false;
      return deps.batches.complete({
        tenantId: batch.tenantId,
        batchId: batch.id,
        counts,
        now: new Date(now()).toISOString(),
      });
    },
  };
}

export type PayoutBatches = ReturnType<typeof payoutBatchesUseCase>;
