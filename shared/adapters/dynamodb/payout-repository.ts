import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  ConcurrentModificationError,
  IdempotencyKeyTakenError,
  ReferenceTakenError,
  WriteConflictError,
} from '../../domain/errors.js';
import { idTimeBound } from '../../domain/ids.js';
import type { Payout } from '../../domain/payout.js';
import type {
  IdempotencyRecord,
  IdempotencyStore,
  PayoutEvent,
  PayoutRepository,
} from '../../ports/payout-repository.js';
import { GSI1, keys } from './keys.js';

const itemIsNew = 'attribute_not_exists(pk)';
/** A live idempotency record blocks the write; an expired one (TTL may lag by days) is overwritten. */
const idempotencyKeyIsFreeOrExpired = 'attribute_not_exists(pk) OR expires_at < :now';
const payoutIsUnchanged = '#status = :expectedStatus AND #version = :expectedVersion';

function payoutItem(payout: Payout) {
  return {
    ...keys.payout(payout.tenantId, payout.id),
    gsi1pk: keys.payoutsOfTenant(payout.tenantId),
    gsi1sk: payout.id,
    entity: 'payout',
    ...payout,
  };
}

function toPayout(item: Record<string, unknown>): Payout {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, ...payout } = item;
  return payout as unknown as Payout;
}

/** The outbox item: its stream record is what the relay publishes. */
export function eventItem(event: PayoutEvent) {
  return {
    ...keys.event(event.tenantId, event.id),
    gsi1pk: keys.eventsOfTenant(event.tenantId),
    gsi1sk: event.id,
    entity: 'event',
    ...event,
  };
}

function idempotencyItem(record: IdempotencyRecord) {
  const { expiresAt, ...rest } = record;
  return {
    ...keys.idempotency(record.tenantId, record.key),
    entity: 'idempotency',
    ...rest,
    expires_at: expiresAt,
  };
}

function toIdempotencyRecord(item: Record<string, unknown>): IdempotencyRecord {
  return {
    tenantId: item.tenantId as string,
    key: item.key as string,
    fingerprint: item.fingerprint as string,
    response: item.response as IdempotencyRecord['response'],
    createdAt: item.createdAt as string,
    expiresAt: item.expires_at as number,
  };
}

/** `CancellationReasons[i].Item` arrives in wire format: lib-dynamodb does not unmarshall it. */
function cancellationItem(
  error: TransactionCanceledException,
  index: number,
): Record<string, unknown> | undefined {
  const item = error.CancellationReasons?.[index]?.Item;
  return item ? unmarshall(item as Parameters<typeof unmarshall>[0]) : undefined;
}

function cancellationCode(error: TransactionCanceledException, index: number): string | undefined {
  return error.CancellationReasons?.[index]?.Code;
}

export function createDynamoPayoutRepository(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): PayoutRepository {
  const { client, table } = deps;

  async function getPayout(tenantId: string, payoutId: string): Promise<Payout | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.payout(tenantId, payoutId), ConsistentRead: true }),
    );
    return Item ? toPayout(Item) : undefined;
  }

  return {
    async create({ payout, event, idempotency }) {
      const nowSeconds = Math.floor(Date.parse(payout.createdAt) / 1000);
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: idempotencyItem(idempotency),
                  ConditionExpression: idempotencyKeyIsFreeOrExpired,
                  ExpressionAttributeValues: { ':now': nowSeconds },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.reference(payout.tenantId, payout.reference),
                    entity: 'reference',
                    payoutId: payout.id,
                  },
                  ConditionExpression: itemIsNew,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              { Put: { TableName: table, Item: payoutItem(payout), ConditionExpression: itemIsNew } },
              { Put: { TableName: table, Item: eventItem(event), ConditionExpression: itemIsNew } },
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // Order matters: a retry of the same request fails on both the key and the reference,
        // and must be answered from the key.
        const existingKey = cancellationItem(error, 0);
        if (cancellationCode(error, 0) === 'ConditionalCheckFailed' && existingKey) {
          throw new IdempotencyKeyTakenError(toIdempotencyRecord(existingKey));
        }
        const existingReference = cancellationItem(error, 1);
        if (cancellationCode(error, 1) === 'ConditionalCheckFailed' && existingReference) {
          throw new ReferenceTakenError(existingReference.payoutId as string);
        }
        if (error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) {
          throw new WriteConflictError(error);
        }
        throw error;
      }
    },

    get: getPayout,

    async findIdByReference(tenantId, reference) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.reference(tenantId, reference), ConsistentRead: true }),
      );
      return Item?.payoutId as string | undefined;
    },

    async list(tenantId, filter) {
      if (filter.reference !== undefined) {
        const id = await this.findIdByReference(tenantId, filter.reference);
        const payout = id ? await getPayout(tenantId, id) : undefined;
        const matches =
          payout &&
          (!filter.status || payout.status === filter.status) &&
          (!filter.purpose || payout.purpose === filter.purpose) &&
          (!filter.createdGte || payout.createdAt >= filter.createdGte) &&
          (!filter.createdLt || payout.createdAt < filter.createdLt) &&
          (!filter.startingAfter || payout.id < filter.startingAfter);
        return { items: matches ? [payout] : [], hasMore: false };
      }

      // Ids are ULIDs: the sort key range [created_gte, min(created_lt, cursor)] is a time range.
      const lower = filter.createdGte ? idTimeBound('po', Date.parse(filter.createdGte)) : 'po_';
      let upper = filter.createdLt ? idTimeBound('po', Date.parse(filter.createdLt)) : 'po_~';
      if (filter.startingAfter && filter.startingAfter < upper) upper = filter.startingAfter;
      if (upper <= lower) return { items: [], hasMore: false };

      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':pk': keys.payoutsOfTenant(tenantId),
        ':lower': lower,
        ':upper': upper,
      };
      const conditions: string[] = [];
      if (filter.status) {
        names['#status'] = 'status';
        values[':status'] = filter.status;
        conditions.push('#status = :status');
      }
      if (filter.purpose) {
        names['#purpose'] = 'purpose';
        values[':purpose'] = filter.purpose;
        conditions.push('#purpose = :purpose');
      }
      const query: QueryCommandInput = {
        TableName: table,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lower AND :upper',
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ...(conditions.length > 0
          ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names }
          : {}),
      };

      // Filters apply after Limit, so keep reading pages until one more than asked is found.
      const items: Payout[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({ ...query, ExclusiveStartKey: cursor, Limit: Math.max(filter.limit + 1, 25) }),
        );
        for (const item of page.Items ?? []) {
          // BETWEEN is inclusive: the cursor itself is the last item of the previous page.
          if (item.gsi1sk !== filter.startingAfter) items.push(toPayout(item));
        }
        cursor = page.LastEvaluatedKey;
      } while (cursor && items.length <= filter.limit);
      return { items: items.slice(0, filter.limit), hasMore: items.length > filter.limit };
    },

    async transition({ current, next, event }) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: payoutItem(next),
                  ConditionExpression: payoutIsUnchanged,
                  ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
                  ExpressionAttributeValues: {
                    ':expectedStatus': current.status,
                    ':expectedVersion': current.version,
                  },
                },
              },
              { Put: { TableName: table, Item: eventItem(event), ConditionExpression: itemIsNew } },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) throw new ConcurrentModificationError();
        throw error;
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
      if (!Item || (Item.expires_at as number) < nowSeconds) return undefined;
      return toIdempotencyRecord(Item);
    },
  };
}
