import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog } from '../../ports/team-store.js';
import { keys } from './keys.js';
import { auditEntryMapper } from './mappers/audit.js';
import { queryNewestFirst } from './newest-first.js';

/** The item of an audit entry (other stores append one in their own transactions). */
export const auditItem = auditEntryMapper.toItem;

const toEntry = auditEntryMapper.fromItem;

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
          return Item ? { createdAt: toEntry(Item).at, id } : undefined;
        },
        equals: { action: query.action, actorId: query.actorId, targetId: query.targetId },
        limit: query.limit,
        toItem: toEntry,
      });
    },
  };
}
