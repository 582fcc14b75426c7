import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApprovalPolicy } from '../../domain/approvals.js';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { ManualPayoutCriteria } from '../../domain/manual-payouts.js';
import type { Member } from '../../domain/team.js';
import type { TeamStore } from '../../ports/team-store.js';
import { putIfUnchanged } from './conditional-put.js';
import { keys, stripKeys } from './keys.js';
import { listingKey, queryWholePartition } from './newest-first.js';

const memberItem = (member: Member) => ({
  ...keys.member(member.tenantId, member.id),
  gsi1pk: keys.membersOfTenant(member.tenantId),
  gsi1sk: listingKey(member),
  entity: 'member',
  ...member,
});

const criteriaItem = (criteria: ManualPayoutCriteria) => ({
  ...keys.manualPayoutCriteria(criteria.tenantId),
  entity: 'manual_payout_criteria',
  ...criteria,
});

const policyItem = (policy: ApprovalPolicy) => ({
  ...keys.approvalPolicy(policy.tenantId),
  entity: 'approval_policy',
  ...policy,
});

export function createDynamoTeamStore(deps: { client: DynamoDBDocumentClient; table: string }): TeamStore {
  const { client, table } = deps;

  async function getItem<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item ? stripKeys<T>(Item) : undefined;
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
    getMember: (tenantId, memberId) => getItem<Member>(keys.member(tenantId, memberId)),
    listMembers: (tenantId) =>
      queryWholePartition({
        client,
        table,
        partition: keys.membersOfTenant(tenantId),
        toItem: (item) => stripKeys<Member>(item),
      }),
    addMember: (member) => putNew(memberItem(member)),
    async saveMember({ current, next, otherAdmin }) {
      if (!otherAdmin) return putIfUnchanged(client, table, memberItem(next), { version: current.version });
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: memberItem(next),
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
    getCriteria: (tenantId) => getItem<ManualPayoutCriteria>(keys.manualPayoutCriteria(tenantId)),
    saveCriteria: (next, expectedVersion) => saveSetting(criteriaItem(next), expectedVersion),
    getApprovalPolicy: (tenantId) => getItem<ApprovalPolicy>(keys.approvalPolicy(tenantId)),
    saveApprovalPolicy: (next, expectedVersion) => saveSetting(policyItem(next), expectedVersion),
  };
}
