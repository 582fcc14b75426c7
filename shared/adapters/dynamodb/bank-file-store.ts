import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BankLedgerEntry } from '../../domain/bank-files.js';
import type { BankFileStore } from '../../ports/bank-files.js';
import { deleteAll, putAll } from './batch-write.js';
import { putIfUnchanged } from './conditional-put.js';
import { GSI1, keys } from './keys.js';
import { bankFileMapper, bankFileTransferMapper, bankLedgerEntryMapper } from './mappers/bank-file.js';
import type { ItemMapper } from './mappers/stored-item.js';
import { queryNewestFirst } from './newest-first.js';

const WRITES_IN_FLIGHT = 4;

/** Pages of a query, each item read through its mapper. */
async function* pages<T>(
  client: DynamoDBDocumentClient,
  mapper: ItemMapper<T>,
  input: ConstructorParameters<typeof QueryCommand>[0],
): AsyncGenerator<T[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    const items = (page.Items ?? []).map(mapper.fromItem);
    if (items.length > 0) yield items;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** SEPA files in the platform's table (D72): none of these items is relayed as an event. */
export function createDynamoBankFileStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): BankFileStore {
  const { client, table } = deps;

  const get = async (tenantId: string, fileId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.bankFile(tenantId, fileId), ConsistentRead: true }),
    );
    return Item ? bankFileMapper.fromItem(Item) : undefined;
  };

  return {
    async createOrGet(file) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: bankFileMapper.toItem(file),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return file;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const existing = await get(file.tenantId, file.id);
        if (!existing) throw error;
        return existing;
      }
    },
    get,
    save: ({ current, next }) =>
      putIfUnchanged(client, table, bankFileMapper.toItem(next), { version: current.version }),
    list: (tenantId, query) =>
      queryNewestFirst({
        client,
        table,
        partition: keys.bankFilesOfTenant(tenantId),
        startingAfter: query.startingAfter,
        findCursor: (id) => get(tenantId, id),
        limit: query.limit,
        toItem: bankFileMapper.fromItem,
      }),
    putTransfers: (transfers) =>
      putAll(client, table, transfers.map(bankFileTransferMapper.toItem), WRITES_IN_FLIGHT),
    transfers: (file) =>
      pages(client, bankFileTransferMapper, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tx)',
        ExpressionAttributeValues: { ':pk': keys.bankFile(file.tenantId, file.id).pk, ':tx': 'TX#' },
        // Claims are written before this reads them (strongly consistent: a claim is never missed).
        ConsistentRead: true,
      }),
    dropTransfers: (transfers) =>
      deleteAll(
        client,
        table,
        transfers.map((transfer) =>
          keys.bankFileTransfer(
            transfer.tenantId,
            transfer.fileId,
            transfer.executionDate,
            transfer.payoutId,
          ),
        ),
        WRITES_IN_FLIGHT,
      ),
    recordLedger: (entries) =>
      putAll(client, table, entries.map(bankLedgerEntryMapper.toItem), WRITES_IN_FLIGHT),
    ledgerOfDay: (tenantId, date) =>
      pages(client, bankLedgerEntryMapper, {
        TableName: table,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.bankLedgerOfDay(tenantId, date) },
        Limit: 500,
      }),
    async ledgerOf(tenantId, endToEndId) {
      const found: BankLedgerEntry[] = [];
      for await (const page of pages(client, bankLedgerEntryMapper, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.bankLedgerEntry(tenantId, endToEndId, '').pk },
        ConsistentRead: true,
      }))
        found.push(...page);
      return found;
    },
  };
}
