import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderRecord } from '../domain/reconciliation.js';
import type { ProviderStatement } from '../ports/reconciliation.js';
import { GSI1, keys } from './dynamodb/keys.js';
import { currentOutcome, type SandboxLedgerEntry, sandboxLedgerItem } from './sandbox-provider.js';

// The sandbox's ledger read as a provider's statement (reconciliation, D71): apart from the sandbox
// provider so that the executor does not bundle it.

/** A ledger entry as a line of the sandbox's statement. */
function statementRecord(entry: SandboxLedgerEntry, now: number): ProviderRecord {
  const outcome = currentOutcome(entry, now);
  return {
    providerReference: outcome.providerReference ?? `sbx_${entry.idempotencyKey}`,
    payoutId: entry.payoutId ?? null,
    amount: entry.amount,
    currency: entry.currency,
    status: outcome.status === 'pending' ? 'pending' : outcome.status,
    createdAt: entry.createdAt,
  };
}

/**
 * The sandbox's statement of one tenant (reconciliation): the ledger entries of a day, page by page,
 * and a lookup by payout id (the sandbox's idempotency key).
 */
export function createSandboxStatement(deps: {
  client: DynamoDBDocumentClient;
  table: string;
  tenantId: string;
  now?: () => number;
}): ProviderStatement {
  const { client, table, tenantId } = deps;
  const now = deps.now ?? Date.now;
  return {
    async *records(date) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: GSI1,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.sandboxLedgerOfDay(tenantId, date) },
            ExclusiveStartKey: start,
            Limit: 500,
          }),
        );
        const records = (page.Items ?? []).map((item) => statementRecord(item as SandboxLedgerEntry, now()));
        if (records.length > 0) yield records;
        start = page.LastEvaluatedKey;
      } while (start);
    },
    async lookup(payout) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.sandboxTransfer(payout.id), ConsistentRead: true }),
      );
      const entry = Item as SandboxLedgerEntry | undefined;
      if (!entry || entry.hidden || (entry.tenantId && entry.tenantId !== tenantId)) return undefined;
      const record = statementRecord(entry, now());
      return {
        providerReference: record.providerReference,
        status: record.status,
        amount: record.amount,
        currency: record.currency,
        createdAt: record.createdAt,
      };
    },
  };
}

/**
 * A transfer the sandbox "made" for no payout (`npm run payouts -- sandbox ledger add`): what a
 * reconciliation must report as `unknown_at_provider`.
 */
export async function addSandboxLedgerEntry(
  deps: { client: DynamoDBDocumentClient; table: string },
  input: { tenantId: string; amount: number; currency: string; createdAt?: string },
): Promise<SandboxLedgerEntry> {
  const key = `ext_${randomUUID()}`;
  const entry: SandboxLedgerEntry = {
    idempotencyKey: key,
    tenantId: input.tenantId,
    payoutId: null,
    amount: input.amount,
    currency: input.currency,
    outcome: { status: 'paid', providerReference: `sbx_${key}` },
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  await deps.client.send(
    new PutCommand({
      TableName: deps.table,
      Item: sandboxLedgerItem(entry),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return entry;
}
