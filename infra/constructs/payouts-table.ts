import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { TABLE_DEFINITION } from '../../shared/adapters/dynamodb/table-definition.js';
import type { FunctionSpec } from '../../shared/topology.js';

/** The access a function declares in the topology. */
export type TableAccess = NonNullable<FunctionSpec['table']>;

const string = (name: string) => ({ name, type: AttributeType.STRING });

/** The partition keys of every audit entry (`keys.auditEntry`), as an IAM pattern. */
export const AUDIT_ENTRY_KEYS = keys.auditEntry('*', '*').pk;

/** The partition keys of every request counter (`keys.requestCounter`), as an IAM pattern. */
const REQUEST_COUNTER_KEYS = keys.requestCounter('*', '*', 0).pk.replace(/#0$/, '#*');

/**
 * The platform's single table, built from TABLE_DEFINITION so the deployed table and DynamoDB Local
 * cannot drift. It holds money movements: it is retained on stack deletion, protected against
 * deletion, and restorable to any second of the last 35 days.
 */
export class PayoutsTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: string(TABLE_DEFINITION.partitionKey),
      sortKey: string(TABLE_DEFINITION.sortKey),
      timeToLiveAttribute: TABLE_DEFINITION.ttlAttribute,
      globalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        projectionType: ProjectionType[index.projection],
      })),
      dynamoStream: StreamViewType[TABLE_DEFINITION.stream],
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // AWS managed key (aws/dynamodb): key use is visible in CloudTrail, with no monthly key fee. A
      // customer managed key (own key policy, revocable) can be switched to later in place.
      encryption: TableEncryptionV2.awsManagedKey(),
    });
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /**
   * Lets a rate-limited function count its requests: `UpdateItem` on the per-tenant request counters
   * (`TENANT#…#RATE#…`) and nothing else, so a reader stays a reader everywhere else.
   */
  grantRequestCounters(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [REQUEST_COUNTER_KEYS] } },
    });
  }

  /**
   * Lets the outbox recovery read the table's stream again (a range the relay gave up on): the three
   * read calls on this table's stream, without `ListStreams` (whose resource is `*`).
   */
  grantStreamReplay(grantee: IGrantable): Grant {
    const streamArn = this.table.tableStreamArn;
    if (!streamArn) throw new Error('The table has no stream');
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resourceArns: [streamArn],
    });
  }

  /**
   * Grants the item-level actions of `access` on the table and its indexes, nothing else:
   * `read` cannot put, update or delete items, and neither grants table management.
   */
  grantFor(grantee: IGrantable, access: TableAccess): Grant {
    switch (access) {
      case 'read':
        return this.table.grants.readData(grantee);
      case 'read-write':
        this.denyAuditChanges(grantee);
        return this.table.grants.readWriteData(grantee);
    }
  }

  /**
   * The audit log is append-only in IAM too (D55): whatever a function may write, it can neither
   * update nor delete an audit entry (nor in a transaction: IAM checks each action of it), nor touch
   * one in a `BatchWriteItem`. Retention is the table's TTL, which IAM does not govern. `PutItem`
   * stays allowed (appending is a put); every append is conditional on the entry not existing.
   */
  private denyAuditChanges(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [AUDIT_ENTRY_KEYS] } },
      }),
    );
  }
}
