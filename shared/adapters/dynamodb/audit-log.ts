import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/audit.js';
import type { AuditLog } from '../../ports/team-store.js';
import { keys } from './keys.js';
import { queryNewestFirst } from './newest-first.js';

export function auditItem(entry: AuditEntry) {
  return {
    ...keys.auditEntry(entry.tenantId, entry.id),
    gsi1pk: keys.auditOfTenant(entry.tenantId),
    gsi1sk: `${entry.at}#${entry.id}`,
    entity: 'audit_entry',
    // Flat copies for the log's filters (FilterExpression reads top-level attributes).
    action: entry.action,
    actorId: entry.actor.type === 'system' ? 'system' : entry.actor.id,
    targetId: entry.target.id,
    entry,
  };
}

const toEntry = (item: Record<string, unknown>) => item.entry as AuditEntry;

/**
 * The audit log. Entries are only ever put with `attribute_not_exists`: nothing in the platform
 * updates or deletes them (in AWS, a deny on UpdateItem/DeleteItem for `AUDIT` keys can make that a
 * guarantee too; see docs/architecture.md).
 */
export function createDynamoAuditLog(deps: { client: DynamoDBDocumentClient; table: string }): AuditLog {
  const { client, table } = deps;
  return {
    async append(entries) {
      await Promise.all(
        entries.map(async (entry) => {
          try {
            await client.send(
              new PutCommand({
                TableName: table,
                Item: auditItem(entry),
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
          } catch (error) {
            // Written before (the stream delivered the change again): entries never change.
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }),
      );
    },

    list(tenantId, query) {
      return queryNewestFirst({
        client,
        table,
        partition: keys.auditOfTenant(tenantId),
        createdGte: query.createdGte,
        createdLt: query.createdLt,
        startingAfter: query.startingAfter,
        findCursor: async (id) => {
          const { Item } = await client.send(
            new GetCommand({ TableName: table, Key: keys.auditEntry(tenantId, id) }),
          );
          return Item ? { createdAt: (Item.entry as AuditEntry).at, id } : undefined;
        },
        equals: { action: query.action, actorId: query.actorId, targetId: query.targetId },
        limit: query.limit,
        toItem: toEntry,
      });
    },
  };
}
