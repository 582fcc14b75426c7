import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BankFile, BankFileTransfer, BankLedgerEntry } from '../../domain/bank-files.js';
import type { BankFileStore } from '../../ports/bank-files.js';
import { deleteAll, putAll } from './batch-write.js';
import { putIfUnchanged } from './conditional-put.js';
import { GSI1, keys, stripKeys } from './keys.js';
import { listingKey, queryNewestFirst } from './newest-first.js';

const WRITES_IN_FLIGHT = 4;

const fileItem = (file: BankFile) => ({
  ...keys.bankFile(file.tenantId, file.id),
  gsi1pk: keys.bankFilesOfTenant(file.tenantId),
  gsi1sk: listingKey(file),
  entity: 'bank_file',
  ...file,
});

const transferItem = (transfer: BankFileTransfer) => ({
  ...keys.bankFileTransfer(transfer.tenantId, transfer.fileId, transfer.executionDate, transfer.payoutId),
  entity: 'bank_file_transfer',
  ...transfer,
});

/** Pages of a query, whole items without their keys. */
async function* pages<T>(
  client: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
): AsyncGenerator<T[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    const items = (page.Items ?? []).map((item) => stripKeys<T>(item));
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
    return Item ? stripKeys<BankFile>(Item) : undefined;
  };

  return {
    async createOrGet(file) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: fileItem(file),
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
    save: ({ current, next }) => putIfUnchanged(client, table, fileItem(next), { version: current.version }),
    list: (tenantId, query) =>
      queryNewestFirst({
        client,
        table,
        partition: keys.bankFilesOfTenant(tenantId),
        startingAfter: query.startingAfter,
        findCursor: (id) => get(tenantId, id),
        limit: query.limit,
        toItem: (item) => stripKeys<BankFile>(item),
      }),
    putTransfers: (transfers) => putAll(client, table, transfers.map(transferItem), WRITES_IN_FLIGHT),
    transfers: (file) =>
      pages<BankFileTransfer>(client, {
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
      putAll(
        client,
        table,
        entries.map((entry) => ({
          ...keys.bankLedgerEntry(entry.tenantId, entry.endToEndId, entry.kind),
          gsi1pk: keys.bankLedgerOfDay(entry.tenantId, entry.bookingDate),
          gsi1sk: `${entry.endToEndId}#${entry.kind}`,
          entity: 'bank_ledger_entry',
          ...entry,
        })),
        WRITES_IN_FLIGHT,
      ),
    ledgerOfDay: (tenantId, date) =>
      pages<BankLedgerEntry>(client, {
        TableName: table,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.bankLedgerOfDay(tenantId, date) },
        Limit: 500,
      }),
    async ledgerOf(tenantId, endToEndId) {
      const found: BankLedgerEntry[] = [];
      for await (const page of pages<BankLedgerEntry>(client, {
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
