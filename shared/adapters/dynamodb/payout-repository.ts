import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotencyKeyTakenError, ReferenceTakenError, WriteConflictError } from '../../domain/errors.js';
import type { Payout } from '../../domain/payout.js';
import { matchesSearch, type PayoutSearch } from '../../domain/payout-search.js';
import type { IdempotencyRecord, IdempotencyStore, PayoutRepository } from '../../ports/payout-repository.js';
import { getAll } from './batch-write.js';
import { putIfUnchanged } from './conditional-put.js';
import { GSI2, keys, OPEN_PAYOUTS } from './keys.js';
import { idempotencyMapper, payoutMapper } from './mappers/payout.js';
import {
  type FilterCondition,
  queryNewestFirst,
  shardPartitions,
  streamNewestFirst,
} from './newest-first.js';

const itemIsNew = 'attribute_not_exists(pk)';
/** A live idempotency record blocks the write; an expired one (TTL may lag by days) is overwritten. */
const idempotencyKeyIsFreeOrExpired = 'attribute_not_exists(pk) OR expires_at < :now';

/** The item of a payout (kept for the benchmarks and tests that seed tables). */
export const payoutItem = payoutMapper.toItem;

const toPayout = payoutMapper.fromItem;

/**
 * The transaction element that writes an idempotency record: conditioned on the key being free (or
 * its record expired at `now`), returning the stored record when it is not.
 */
export function idempotencyPut(table: string, record: IdempotencyRecord, now: string) {
  return {
    Put: {
      TableName: table,
      Item: idempotencyMapper.toItem(record),
      ConditionExpression: idempotencyKeyIsFreeOrExpired,
      ExpressionAttributeValues: { ':now': Math.floor(Date.parse(now) / 1000) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

export const toIdempotencyRecord = idempotencyMapper.fromItem;

/** The item a failed condition returned (`ALL_OLD`); lib-dynamodb leaves it in wire format. */
export function failedConditionItem(
  error: TransactionCanceledException,
  index: number,
): Record<string, unknown> | undefined {
  const reason = error.CancellationReasons?.[index];
  if (reason?.Code !== 'ConditionalCheckFailed' || !reason.Item) return undefined;
  return unmarshall(reason.Item as Parameters<typeof unmarshall>[0]);
}

/** The customer reference: a portal payout's documentation, or the integrator's metadata key. */
const customerReferenceIs =
  '#manual.#customerReference = :customerReference OR #metadata.#customer_reference = :customerReference';
const referenceStartsWith = 'begins_with(#reference, :referencePrefix)';
const amountIs = '#amount = :amount';
/** DynamoDB has no "ends with": `contains` narrows what is read back, {@link matchesSearch} decides. */
const ibanContains = 'contains(#destination.#iban, :ibanLast4)';

/**
 * The FilterExpression of a payout search beyond the equality filters, or undefined when there is
 * none. A filter does not make DynamoDB read less (every item of the range examined is paid for),
 * only send less back.
 */
function searchCondition(search: PayoutSearch): FilterCondition | undefined {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (search.customerReference !== undefined) {
    parts.push(customerReferenceIs);
    Object.assign(names, {
      '#manual': 'manual',
      '#customerReference': 'customerReference',
      '#metadata': 'metadata',
      '#customer_reference': 'customer_reference',
    });
    values[':customerReference'] = search.customerReference;
  }
  if (search.referencePrefix !== undefined) {
    parts.push(referenceStartsWith);
    names['#reference'] = 'reference';
    values[':referencePrefix'] = search.referencePrefix;
  }
  if (search.amount !== undefined) {
    parts.push(amountIs);
    names['#amount'] = 'amount';
    values[':amount'] = search.amount;
  }
  if (search.ibanLast4 !== undefined) {
    parts.push(ibanContains);
    Object.assign(names, { '#destination': 'destination', '#iban': 'iban' });
    values[':ibanLast4'] = search.ibanLast4;
  }
  return parts.length > 0 ? { parts, names, values } : undefined;
}

/** The listing's filters of a search: equalities, the search expression and the exact check. */
function listingFilters(search: PayoutSearch) {
  const where = searchCondition(search);
  return {
    equals: {
      status: search.status,
      purpose: search.purpose,
      source: search.source,
      currency: search.currency,
    },
    ...(where ? { where, keep: (raw: Record<string, unknown>) => matchesSearch(toPayout(raw), search) } : {}),
  };
}

export function createDynamoPayoutRepository(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): PayoutRepository {
  const { client, table } = deps;

  async function get(tenantId: string, payoutId: string): Promise<Payout | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.payout(tenantId, payoutId), ConsistentRead: true }),
    );
    return Item ? toPayout(Item) : undefined;
  }

  /** Some attributes (all when none are named) of many payouts (strongly consistent); unknown ids are left out. */
  async function readMany(tenantId: string, payoutIds: readonly string[], attributes: string[]) {
    return getAll(
      client,
      table,
      payoutIds.map((id) => keys.payout(tenantId, id)),
      { consistent: true, attributes, inFlight: 4 },
    );
  }

  return {
    get,

    async create({ payout, idempotency }) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              idempotencyPut(table, idempotency, payout.createdAt),
              {
                Put: {
                  TableName: table,
                  Item: payoutItem(payout),
                  ConditionExpression: itemIsNew,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // Order matters: a retry of the same request fails on both the key and the payout,
        // and must be answered from the key.
        const existingKey = failedConditionItem(error, 0);
        if (existingKey) throw new IdempotencyKeyTakenError(toIdempotencyRecord(existingKey));
        const existingPayout = failedConditionItem(error, 1);
        if (existingPayout) throw new ReferenceTakenError(payoutMapper.batchOf(existingPayout).id);
        if (error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) {
          throw new WriteConflictError(error);
        }
        throw error;
      }
    },

    async createIfAbsent(payout) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: payoutItem(payout),
            ConditionExpression: itemIsNew,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { created: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (!error.Item) return { created: false, batchId: null };
        const existing = unmarshall(error.Item as Parameters<typeof unmarshall>[0]);
        return { created: false, batchId: payoutMapper.batchOf(existing).batchId };
      }
    },

    async statusesOf(tenantId, payoutIds) {
      const items = await readMany(tenantId, payoutIds, ['status']);
      return items.map(payoutMapper.statusOf);
    },

    async getMany(tenantId, payoutIds) {
      if (payoutIds.length === 0) return [];
      const items = await readMany(tenantId, payoutIds, []);
      return items.map(toPayout);
    },

    async batchesOf(tenantId, payoutIds) {
      const items = await readMany(tenantId, payoutIds, ['id', 'batchId']);
      return new Map(
        items.map((item) => {
          const { id, batchId } = payoutMapper.batchOf(item);
          return [id, batchId];
        }),
      );
    },

    list(tenantId, filter) {
      return queryNewestFirst({
        client,
        table,
        partition: shardPartitions(keys.payoutsOfTenant(tenantId)),
        createdGte: filter.createdGte,
        createdLt: filter.createdLt,
        startingAfter: filter.startingAfter,
        findCursor: (id) => get(tenantId, id),
        ...listingFilters(filter),
        limit: filter.limit,
        toItem: toPayout,
      });
    },

    stream: (tenantId, filter) =>
      streamNewestFirst({
        client,
        table,
        partition: shardPartitions(keys.payoutsOfTenant(tenantId)),
        createdGte: filter.createdGte,
        createdLt: filter.createdLt,
        ...listingFilters(filter),
        pageSize: 500,
        toItem: toPayout,
      }),

    transition: ({ current, next }) =>
      putIfUnchanged(client, table, payoutItem(next), { status: current.status, version: current.version }),

    async indexOpenPayouts() {
      // A scan of payouts written before the open payouts index existed (a one-off after the upgrade).
      let indexed = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: table,
            FilterExpression:
              'entity = :payout AND attribute_not_exists(gsi2pk) AND NOT (#status IN (:paid, :failed, :rejected, :expired, :canceled, :returned))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':payout': 'payout',
              ':paid': 'paid',
              ':failed': 'failed',
              ':rejected': 'rejected',
              ':expired': 'expired',
              ':canceled': 'canceled',
              ':returned': 'returned',
            },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          const payout = toPayout(item);
          try {
            await client.send(
              new UpdateCommand({
                TableName: table,
                Key: keys.payout(payout.tenantId, payout.id),
                UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk',
                // Only the version read: a payout that moved on meanwhile was written with its keys.
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: {
                  ':pk': keys.openPayout(payout).gsi2pk,
                  ':sk': keys.openPayout(payout).gsi2sk,
                  ':version': payout.version,
                },
              }),
            );
            indexed += 1;
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return indexed;
    },

    async *openPayouts(createdBefore) {
      for (const partition of shardPartitions(OPEN_PAYOUTS)) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: table,
              IndexName: GSI2,
              KeyConditionExpression: 'gsi2pk = :partition AND gsi2sk < :before',
              ExpressionAttributeValues: { ':partition': partition, ':before': createdBefore },
              ExclusiveStartKey: start,
              Limit: 500,
            }),
          );
          yield (page.Items ?? []).map((item) => {
            const [, tenantId = '', payoutId = ''] = String(item.gsi2sk).split('#');
            return { tenantId, payoutId };
          });
          start = page.LastEvaluatedKey;
        } while (start);
      }
    },
  };
}

export function createDynamoIdempotencyStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): IdempotencyStore {
  const { client, table } = deps;
  return {
    async get(tenantId, key, nowSeconds) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.idempotency(tenantId, key), ConsistentRead: true }),
      );
      const record = Item && toIdempotencyRecord(Item);
      return record && record.expiresAt >= nowSeconds ? record : undefined;
    },
  };
}
