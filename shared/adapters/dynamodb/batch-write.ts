import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem takes 25 items per call. */
const BATCH = 25;
const MAX_ROUNDS = 8;

/**
 * Puts every item, 25 per BatchWriteItem, sending unprocessed ones again with backoff. Only for
 * unconditional puts whose rewrite carries the same content (events by id, a batch's chunks).
 */
export async function putAll(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  for (let offset = 0; offset < items.length; offset += BATCH) {
    let requests = items.slice(offset, offset + BATCH).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round === MAX_ROUNDS)
        throw new Error(`${requests.length} items still unprocessed after ${MAX_ROUNDS} rounds`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}
