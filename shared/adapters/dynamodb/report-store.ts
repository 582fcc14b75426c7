import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportStore } from '../../ports/report-store.js';
import { putIfUnchanged } from './conditional-put.js';
import { keys } from './keys.js';
import { reportMapper } from './mappers/report.js';
import { queryNewestFirst } from './newest-first.js';

export function createDynamoReportStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): ReportStore {
  const { client, table } = deps;
  const get = async (tenantId: string, reportId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.report(tenantId, reportId), ConsistentRead: true }),
    );
    return Item ? reportMapper.fromItem(Item) : undefined;
  };
  return {
    async create(report) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: reportMapper.toItem(report),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    get,
    list: (tenantId, query) =>
      queryNewestFirst({
        client,
        table,
        partition: keys.reportsOfTenant(tenantId),
        startingAfter: query.startingAfter,
        findCursor: (id) => get(tenantId, id),
        limit: query.limit,
        toItem: reportMapper.fromItem,
      }),
    save: ({ current, next }) =>
      putIfUnchanged(client, table, reportMapper.toItem(next), { version: current.version }),
  };
}
