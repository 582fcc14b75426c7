import { createServer, request as httpRequest, type Server } from 'node:http';
import { TABLE_DEFINITION } from '../shared/adapters/dynamodb/table-definition.js';

/** Capacity and request counts of everything that went through the meter. */
export interface DynamoUsage {
  /** Write request units as on-demand DynamoDB bills them (table and indexes). */
  writeUnits: number;
  /** Read request units (table and indexes). */
  readUnits: number;
  /** Item writes (each Put/Update/Delete, each item of a batch or transaction): the table's write load. */
  itemWrites: number;
  /** API calls by operation. */
  calls: Record<string, number>;
  /** Write request units by kind of item (`PAYOUT`, `EVENT`, `DELIVERY`, `ATTEMPT`…). */
  writeUnitsByItem: Record<string, number>;
  /*
   * The counts below are always in what the meter reports; a usage made by hand (a test of the
   * prices) may leave them out.
   */
  /** Item writes that succeeded, by kind of item (`kindOf`): what `bench/budget.json` bounds. */
  writes?: Record<string, number>;
  /** Index entries written, by index and kind of item (`gsi1 PAYOUT`: a payout's listing entry). */
  indexWrites?: Record<string, number>;
  /** Read requests, by operation and kind: `GetItem APIKEY`, `Query gsi1 WEBHOOKS` (one per page). */
  reads?: Record<string, number>;
  /** Writes refused by their condition (billed all the same), by kind of item. */
  refusedWrites?: Record<string, number>;
}

/** What the meter reports: the usage with every count. */
export type MeteredDynamoUsage = Required<DynamoUsage>;

type AttributeValue = Record<string, unknown>;

/** An item's size as DynamoDB counts it: attribute names plus values (numbers ~ half their digits). */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

function valueBytes(value: AttributeValue): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(inner as string);
    case 'N':
      return Math.ceil(String(inner).replace(/^-|\./g, '').length / 2) + 1;
    case 'B':
      return Buffer.byteLength(inner as string, 'base64');
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'M':
      return 3 + itemBytes(inner as Record<string, AttributeValue>);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, element) => sum + 1 + valueBytes(element), 0);
    default:
      return Buffer.byteLength(JSON.stringify(inner));
  }
}

const kilobytes = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Kinds whose sort key does not say it alone (keys.ts): its first segment, renamed. */
const SORT_KEY_KINDS: Record<string, string> = {
  CHUNK: 'BATCH_CHUNK',
  ITEM: 'RECON_ITEM',
  TX: 'BANKFILE_TX',
};

/**
 * The kind of an item from its keys (keys.ts): its sort key's first segment, which names the kind
 * (`PAYOUT`, `IDEM`, `EVENT`, `RATE`, `AUDIT`, `SWEEP`, `ATTEMPT#0001` → `ATTEMPT`…); items whose sort
 * key is not a kind's name (a bank ledger line) by their partition key's kind segment.
 */
export function kindOf(key: Record<string, AttributeValue> | undefined): string {
  const sk = String(key?.sk?.S ?? '');
  const head = sk.split('#')[0] ?? '';
  if (/^[A-Z_]+$/.test(head)) return SORT_KEY_KINDS[head] ?? head;
  const parts = String(key?.pk?.S ?? '').split('#');
  return (parts.length >= 4 ? parts[2] : parts[0]) || 'OTHER';
}

/**
 * What a Query reads, from its partition key value: the index and the partition's fixed words
 * (`TENANT#t#WEBHOOK#we#DELIVERIES#3` on gsi1 → `gsi1 WEBHOOK#DELIVERIES`). Ids (ULIDs begin with a
 * digit, ours with a lowercase prefix) and shard numbers are left out.
 */
export function queryKindOf(input: Record<string, unknown>): string {
  const condition = String(input.KeyConditionExpression ?? '');
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  let partition = '';
  for (const match of condition.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const attribute = names[match[1] as string] ?? match[1];
    if (attribute === 'pk' || attribute?.endsWith('pk'))
      partition = String(values[match[2] as string]?.S ?? '');
  }
  const words = partition.split('#').filter((part) => /^[A-Z_]+$/.test(part) && part !== 'TENANT');
  return `${String(input.IndexName ?? 'table')} ${words.join('#') || 'OTHER'}`;
}

/** Operations that take `ReturnConsumedCapacity`. */
const CAPACITY_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'GetItem',
  'Query',
  'Scan',
  'BatchWriteItem',
  'BatchGetItem',
  'TransactGetItems',
]);

interface BatchRequest {
  PutRequest?: { Item: Record<string, AttributeValue> };
  DeleteRequest?: { Key: Record<string, AttributeValue> };
}

interface TransactItem {
  Put?: { Item: Record<string, AttributeValue> };
  Update?: {
    Key: Record<string, AttributeValue>;
    UpdateExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
  };
  Delete?: { Key: Record<string, AttributeValue> };
  ConditionCheck?: { Key: Record<string, AttributeValue> };
}

/** The table's global secondary indexes: `gsi1` (listings), `gsi2` (open payouts). */
const INDEXES = TABLE_DEFINITION.globalSecondaryIndexes.map((index) => index.indexName);

/**
 * An HTTP proxy in front of DynamoDB Local that meters what the platform asks of the table: it adds
 * `ReturnConsumedCapacity: INDEXES` to each request and sums what DynamoDB Local reports (which follows
 * DynamoDB's rules for single-item and batch operations, indexes included). Local's figures for
 * transactions do not (they vary from 1× to 2× DynamoDB's), so those are computed here: every Put
 * counts 2 units per KB of its item, plus 1 per KB on the index when the item is indexed; an Update,
 * Delete or ConditionCheck counts 2 units (a 1 KB item: ours are). Stream reads are free for Lambda
 * and are not counted.
 */
export async function startDynamoMeter(target: string): Promise<{
  endpoint: string;
  usage: () => MeteredDynamoUsage;
  reset: () => void;
  stop: () => Promise<void>;
}> {
  const upstream = new URL(target);
  const empty = (): MeteredDynamoUsage => ({
    writeUnits: 0,
    readUnits: 0,
    itemWrites: 0,
    calls: {},
    writeUnitsByItem: {},
    writes: {},
    indexWrites: {},
    reads: {},
    refusedWrites: {},
  });
  let usage = empty();
  const add = (counts: Record<string, number>, name: string, count = 1) => {
    counts[name] = (counts[name] ?? 0) + count;
  };
  const wrote = (kind: string, units: number, indexes: readonly string[] = []) => {
    usage.writeUnits += units;
    usage.itemWrites += 1;
    add(usage.writeUnitsByItem, kind, units);
    add(usage.writes, kind);
    for (const index of indexes) add(usage.indexWrites, `${index} ${kind}`);
  };
  /** A put's units: `factor` per KB of the item, and 1 per KB on the index when the item is indexed. */
  const putUnits = (item: Record<string, AttributeValue>, factor: number) => {
    const size = kilobytes(itemBytes(item));
    return factor * size + (item.gsi1pk ? size : 0);
  };
  /**
   * The indexes each item written through the meter is in, by its key: what a transaction's Update
   * or Delete touches, which DynamoDB Local reports only summed over the transaction. Kept across
   * `reset()` (the items stay in the table).
   */
  const indexedBy = new Map<string, string[]>();
  const keyOf = (key: Record<string, AttributeValue> | undefined) =>
    `${String(key?.pk?.S ?? '')}\u0000${String(key?.sk?.S ?? '')}`;
  const indexesIn = (item: Record<string, AttributeValue>) =>
    INDEXES.filter((index) => item[`${index}pk`] !== undefined);
  const remember = (item: Record<string, AttributeValue>) => {
    indexedBy.set(keyOf(item), indexesIn(item));
    return indexesIn(item);
  };
  /** Indexes Local reports a single-item write touched (`ReturnConsumedCapacity: INDEXES`). */
  const reportedIndexes = (output: Record<string, unknown>) =>
    Object.entries(
      ((output.ConsumedCapacity as { GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }> })
        ?.GlobalSecondaryIndexes ?? {}) as Record<string, { CapacityUnits?: number }>,
    )
      .filter(([, consumed]) => (consumed.CapacityUnits ?? 0) > 0)
      .map(([index]) => index);

  function account(operation: string, input: Record<string, unknown>, output: Record<string, unknown>) {
    usage.calls[operation] = (usage.calls[operation] ?? 0) + 1;
    if (operation === 'TransactWriteItems') {
      for (const item of (input.TransactItems as TransactItem[]) ?? []) {
        if (item.ConditionCheck) continue;
        if (item.Put) wrote(kindOf(item.Put.Item), putUnits(item.Put.Item, 2), remember(item.Put.Item));
        else if (item.Update) {
          // The listings index (projection ALL) takes every change of an item in it; the keys-only
          // one only changes of its keys.
          const expression = String(item.Update.UpdateExpression ?? '');
          const names = Object.values(item.Update.ExpressionAttributeNames ?? {}).join(' ');
          const indexes = (indexedBy.get(keyOf(item.Update.Key)) ?? []).filter(
            (index) => index === 'gsi1' || `${expression} ${names}`.includes(`${index}pk`),
          );
          wrote(kindOf(item.Update.Key), 2, indexes);
        } else {
          wrote(kindOf(item.Delete?.Key), 2, indexedBy.get(keyOf(item.Delete?.Key)) ?? []);
          indexedBy.delete(keyOf(item.Delete?.Key));
        }
      }
      return;
    }
    if (operation === 'BatchWriteItem') {
      const unprocessed = new Set(
        Object.values((output.UnprocessedItems as Record<string, unknown[]>) ?? {})
          .flat()
          .map((request) => JSON.stringify(request)),
      );
      const tables = input.RequestItems as Record<string, BatchRequest[]>;
      for (const request of Object.values(tables).flat()) {
        if (unprocessed.has(JSON.stringify(request))) continue;
        if (request.PutRequest)
          wrote(
            kindOf(request.PutRequest.Item),
            putUnits(request.PutRequest.Item, 1),
            remember(request.PutRequest.Item),
          );
        else {
          wrote(
            kindOf(request.DeleteRequest?.Key),
            1,
            indexedBy.get(keyOf(request.DeleteRequest?.Key)) ?? [],
          );
          indexedBy.delete(keyOf(request.DeleteRequest?.Key));
        }
      }
      return;
    }
    const consumed = output.ConsumedCapacity;
    const entries = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
      CapacityUnits?: number;
    }[];
    const units = entries.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
    if (operation === 'PutItem') {
      const item = input.Item as Record<string, AttributeValue>;
      remember(item);
      wrote(kindOf(item), units, reportedIndexes(output));
      return;
    }
    if (operation === 'UpdateItem' || operation === 'DeleteItem') {
      const key = input.Key as Record<string, AttributeValue>;
      wrote(kindOf(key), units, reportedIndexes(output));
      if (operation === 'DeleteItem') indexedBy.delete(keyOf(key));
      return;
    }
    usage.readUnits += units;
    if (operation === 'GetItem')
      add(usage.reads, `GetItem ${kindOf(input.Key as Record<string, AttributeValue>)}`);
    else if (operation === 'Query') add(usage.reads, `Query ${queryKindOf(input)}`);
    else if (operation === 'Scan') add(usage.reads, `Scan ${String(input.IndexName ?? 'table')}`);
    else if (operation === 'BatchGetItem') {
      const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
      for (const [table, request] of Object.entries(
        input.RequestItems as Record<string, { Keys: Record<string, AttributeValue>[] }>,
      )) {
        const skipped = new Set((unprocessed[table]?.Keys ?? []).map((key) => JSON.stringify(key)));
        for (const key of request.Keys)
          if (!skipped.has(JSON.stringify(key))) add(usage.reads, `BatchGetItem ${kindOf(key)}`);
      }
    } else if (operation === 'TransactGetItems')
      for (const item of (input.TransactItems as { Get: { Key: Record<string, AttributeValue> } }[]) ?? [])
        add(usage.reads, `TransactGetItems ${kindOf(item.Get.Key)}`);
  }

  /** A write its condition refused: billed as a write of the item (a transaction: of all its items). */
  function refused(operation: string, input: Record<string, unknown>, error: string) {
    if (operation === 'TransactWriteItems' && error.includes('TransactionCanceled')) {
      for (const item of (input.TransactItems as TransactItem[]) ?? [])
        add(
          usage.refusedWrites,
          kindOf(item.Put?.Item ?? (item.Update ?? item.Delete ?? item.ConditionCheck)?.Key),
        );
      return;
    }
    if (!error.includes('ConditionalCheckFailed')) return;
    if (operation === 'PutItem')
      add(usage.refusedWrites, kindOf(input.Item as Record<string, AttributeValue>));
    if (operation === 'UpdateItem' || operation === 'DeleteItem')
      add(usage.refusedWrites, kindOf(input.Key as Record<string, AttributeValue>));
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const targetHeader = String(request.headers['x-amz-target'] ?? '');
      const [service, operation = ''] = targetHeader.split('.');
      let body = Buffer.concat(chunks);
      let input: Record<string, unknown> = {};
      const metered = service === 'DynamoDB_20120810';
      if (metered) {
        input = JSON.parse(body.toString('utf8') || '{}');
        if (CAPACITY_OPERATIONS.has(operation)) {
          body = Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'INDEXES' }));
        }
      }
      const headers = { ...request.headers, host: upstream.host, 'content-length': String(body.length) };
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          headers,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts);
            if (metered) {
              try {
                const output = JSON.parse(text.toString('utf8') || '{}');
                if ((answer.statusCode ?? 500) < 300) account(operation, input, output);
                else refused(operation, input, String(output.__type ?? ''));
              } catch {
                // Not JSON: nothing to meter.
              }
            }
            // The body is passed on untouched: the SDK checks its CRC32.
            response.writeHead(answer.statusCode ?? 500, answer.headers);
            response.end(text);
          });
        },
      );
      forward.on('error', (error) => {
        response.writeHead(502);
        response.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    usage: () => structuredClone(usage),
    reset: () => {
      usage = empty();
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
