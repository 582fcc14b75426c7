import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { TeamStore } from '../../ports/team-store.js';
import { putIfUnchanged } from './conditional-put.js';
import { keys } from './keys.js';
import type { ItemMapper } from './mappers/stored-item.js';
import { approvalPolicyMapper, criteriaMapper, memberMapper } from './mappers/team.js';
import { queryWholePartition } from './newest-first.js';

export function createDynamoTeamStore(deps: { client: DynamoDBDocumentClient; table: string }): TeamStore {
  const { client, table } = deps;

  async function getItem<T>(key: { pk: string; sk: string }, mapper: ItemMapper<T>): Promise<T | undefined> {
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item ? mapper.fromItem(Item) : undefined;
  }

  async function putNew(item: Record<string, unknown>): Promise<void> {
    try {
      await client.send(
        new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentModificationError();
      throw error;
    }
  }

  /** A tenant setting replaces the stored version it was edited from (0: the default, none stored). */
  const saveSetting = (item: Record<string, unknown>, expectedVersion: number) =>
    expectedVersion === 0 ? putNew(item) : putIfUnchanged(client, table, item, { version: expectedVersion });

  return {
    getMember: (tenantId, memberId) => getItem(keys.member(tenantId, memberId), memberMapper),
    listMembers: (tenantId) =>
      queryWholePartition({
        client,
        table,
        partition: keys.membersOfTenant(tenantId),
        toItem: memberMapper.fromItem,
      }),
    addMember: (member) => putNew(memberMapper.toItem(member)),
    async saveMember({ current, next, otherAdmin }) {
      if (!otherAdmin)
        return putIfUnchanged(client, table, memberMapper.toItem(next), { version: current.version });
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: memberMapper.toItem(next),
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': current.version },
                },
              },
              {
                // The admin who stays must still be one, unchanged since read.
                ConditionCheck: {
                  TableName: table,
                  Key: keys.member(otherAdmin.tenantId, otherAdmin.id),
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': otherAdmin.version },
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) throw new ConcurrentModificationError();
        throw error;
      }
    },
    getCriteria: (tenantId) => getItem(keys.manualPayoutCriteria(tenantId), criteriaMapper),
    saveCriteria: (next, expectedVersion) => saveSetting(criteriaMapper.toItem(next), expectedVersion),
    getApprovalPolicy: (tenantId) => getItem(keys.approvalPolicy(tenantId), approvalPolicyMapper),
    saveApprovalPolicy: (next, expectedVersion) =>
      saveSetting(approvalPolicyMapper.toItem(next), expectedVersion),
  };
}
