import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Report } from '../../domain/reports.js';
import type { ReportStore } from '../../ports/report-store.js';
import { putIfUnchanged } from './conditional-put.js';
import { keys, stripKeys } from './keys.js';
import { listingKey, queryNewestFirst } from './newest-first.js';

const reportItem = (report: Report) => ({
  ...keys.report(report.tenantId, report.id),
  gsi1pk: keys.reportsOfTenant(report.tenantId),
  gsi1sk: listingKey(report),
  entity: 'report',
  ...report,
});

export function createDynamoReportStore(deps: {
  client: DynamoDBDocumentClient;
  table: string;
}): ReportStore {
  const { client, table } = deps;
  const get = async (tenantId: string, reportId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.report(tenantId, reportId), ConsistentRead: true }),
    );
    return Item ? stripKeys<Report>(Item) : undefined;
  };
  return {
    async create(report) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: reportItem(report),
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
        toItem: (item) => stripKeys<Report>(item),
      }),
    save: ({ current, next }) =>
      putIfUnchanged(client, table, reportItem(next), { version: current.version }),
  };
}
