import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../../domain/parallel.js';

/** BatchWriteItem takes 25 items per call (BatchGetItem 100). */
const BATCH = 25;
const MAX_ROUNDS = 8;

/**
 * Puts every item, 25 per BatchWriteItem, sending unprocessed ones again with backoff. Only for
 * unconditional puts whose rewrite carries the same content (events by id, a batch's chunks).
 * `inFlight` requests at once (one by default).
 */
export function putAll(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  inFlight = 1,
): Promise<void> {
  return writeAll(
    client,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    inFlight,
  );
}

/** Deletes every item by key, 25 per BatchWriteItem, unprocessed ones again with backoff. */
export function deleteAll(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  inFlight = 1,
): Promise<void> {
  return writeAll(
    client,
    table,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    inFlight,
  );
}

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

async function writeAll(
  client: DynamoDBDocumentClient,
  table: string,
  all: readonly WriteRequest[],
  inFlight: number,
): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let offset = 0; offset < all.length; offset += BATCH) chunks.push(all.slice(offset, offset + BATCH));
  await inParallel(chunks, inFlight, async (chunk) => {
    let requests = chunk;
    for (let round = 0; requests.length > 0; round++) {
      if (round === MAX_ROUNDS)
        throw new Error(`${requests.length} items still unprocessed after ${MAX_ROUNDS} rounds`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });
}

/**
 * Reads many items by key, 100 per BatchGetItem (`inFlight` at once), asking again for unprocessed
 * keys with backoff; missing items are left out. `attributes`: a projection (none: whole items).
 */
export async function getAll(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: { consistent?: boolean; attributes?: readonly string[]; inFlight?: number } = {},
): Promise<Record<string, unknown>[]> {
  const attributes = options.attributes ?? [];
  const found: Record<string, unknown>[] = [];
  const pages: Record<string, unknown>[][] = [];
  for (let offset = 0; offset < keys.length; offset += 100) pages.push(keys.slice(offset, offset + 100));
  await inParallel(pages, options.inFlight ?? 1, async (page) => {
    let pending = page;
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS)
        throw new Error(`${pending.length} items still unread after ${MAX_ROUNDS} rounds`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const result = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ...(options.consistent ? { ConsistentRead: true } : {}),
              ...(attributes.length > 0
                ? {
                    ProjectionExpression: attributes.map((_, index) => `#a${index}`).join(', '),
                    ExpressionAttributeNames: Object.fromEntries(
                      attributes.map((name, index) => [`#a${index}`, name]),
                    ),
                  }
                : {}),
            },
          },
        }),
      );
      found.push(...(result.Responses?.[table] ?? []));
      pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  });
  return found;
}
