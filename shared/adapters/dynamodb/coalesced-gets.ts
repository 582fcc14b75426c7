import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from './table-definition.js';

/** BatchGetItem hands back keys it did not read (throttling); they are asked for again, a few times. */
const UNPROCESSED_RETRIES = 5;
/** BatchGetItem reads at most 100 keys per call. */
const MAX_KEYS = 100;
/** The only input a coalesced GetItem may have: anything else (a projection, consumed capacity) is honoured by a plain GetItem. */
const PLAIN_GET = new Set(['TableName', 'Key', 'ConsistentRead']);

interface Waiting {
  key: Record<string, unknown>;
  resolve: (item: Record<string, unknown> | undefined) => void;
  reject: (error: unknown) => void;
}

const { partitionKey, sortKey } = TABLE_DEFINITION;
const keyString = (key: Record<string, unknown>) =>
  `${String(key[partitionKey])}\u0000${String(key[sortKey])}`;

/**
 * The document client with one change: strongly consistent GetItems of whole items on the same table,
 * issued in the same turn of the event loop, are read with one BatchGetItem (D81). The create path
 * reads the tenant's payout rails and approval policy at once: one request instead of two, and no
 * cache (each payout sees the settings as they are). Every other command goes through unchanged; a
 * lone GetItem stays a GetItem.
 */
export function coalesceConsistentGets(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  const queued = new Map<string, Waiting[]>();

  async function batchGet(table: string, waiting: Waiting[]) {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(waiting.map(({ key }) => [keyString(key), key])).values()];
    for (let offset = 0; offset < unique.length; offset += MAX_KEYS)
      await readKeys(table, unique.slice(offset, offset + MAX_KEYS), found);
    return found;
  }

  async function readKeys(
    table: string,
    first: Record<string, unknown>[],
    found: Map<string, Record<string, unknown>>,
  ) {
    let keys = first;
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw new Error(`BatchGetItem left ${keys.length} keys unread`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const output = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of output.Responses?.[table] ?? []) found.set(keyString(item), item);
      keys = (output.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }

  function flush(table: string) {
    const waiting = queued.get(table) ?? [];
    queued.delete(table);
    const only = waiting.length === 1 ? waiting[0] : undefined;
    const read = only
      ? client
          .send(new GetCommand({ TableName: table, Key: only.key, ConsistentRead: true }))
          .then(({ Item }) => new Map(Item ? [[keyString(only.key), Item]] : []))
      : batchGet(table, waiting);
    read.then(
      (found) => {
        for (const { key, resolve } of waiting) resolve(found.get(keyString(key)));
      },
      (error: unknown) => {
        for (const { reject } of waiting) reject(error);
      },
    );
  }

  function coalescedGet(command: GetCommand) {
    const { TableName, Key } = command.input;
    const table = TableName as string;
    return new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
      const waiting = queued.get(table);
      const entry = { key: Key as Record<string, unknown>, resolve, reject };
      if (waiting) waiting.push(entry);
      else {
        queued.set(table, [entry]);
        setImmediate(() => flush(table));
      }
    }).then((Item) => ({ Item, $metadata: {} }));
  }

  const coalescable = (command: unknown, rest: unknown[]): command is GetCommand =>
    rest.length === 0 &&
    command instanceof GetCommand &&
    command.input.ConsistentRead === true &&
    Object.keys(command.input).every((name) => PLAIN_GET.has(name));

  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: unknown, ...rest: unknown[]) =>
        coalescable(command, rest)
          ? coalescedGet(command)
          : (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
    },
  });
}
