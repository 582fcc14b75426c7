import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { PayoutsStack } from '../../infra/payouts-stack.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PayoutsStack(app, 'Payouts');
const template = Template.fromStack(stack);

describe('inbound payout requests in the stack', () => {
  const fn = stack.api.functions.get('accept-inbound-payout')!;
  const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
  const resolved = template.toJSON().Resources[logicalId].Properties.Environment.Variables as Record<
    string,
    unknown
  >;

  it('tells its two queues apart by ARN and sends refused requests to the rejections queue, not a DLQ', () => {
    const events = stack.execution.queues.get('inbound-events')!;
    const requests = stack.execution.queues.get('inbound-requests')!;
    expect(resolved.PAYOUTS_QUEUE_ARN_INBOUND_EVENTS).toEqual(stack.resolve(events.queueArn));
    expect(resolved.PAYOUTS_QUEUE_ARN_INBOUND_REQUESTS).toEqual(stack.resolve(requests.queueArn));
    expect(resolved.PAYOUTS_QUEUE_URL_INBOUND_REJECTIONS).toEqual(
      stack.resolve(stack.execution.rejectionQueue.queueUrl),
    );
    // Dead-letter queues are for what failed a day of retries: the function cannot write to them.
    for (const name of ['inbound-events', 'inbound-requests'])
      expect(resolved[`PAYOUTS_QUEUE_URL_${name.toUpperCase().replace('-', '_')}_DLQ`]).toBeUndefined();
  });

  it('routes Payout Requested events from any source but the platform to the events queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [{ 'anything-but': 'payouts.platform' }], 'detail-type': ['Payout Requested'] },
    });
  });

  it('outputs the inbound queue URL for integrators', () => {
    template.hasOutput('InboundRequestsQueueUrl', {});
  });
});

describe('payroll files in the stack', () => {
  const fn = stack.api.functions.get('accept-payout-file')!;
  const role = stack.getLogicalId(fn.role!.node.defaultChild as CfnRole);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy: any) =>
    policy.Properties.Roles.some((ref: any) => ref.Ref === role),
  );
  const statements = policies.flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);

  it('announces new .csv objects of the retained, private inbound bucket to the inbound-files queue', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
      },
    });
    const queue = stack.execution.queues.get('inbound-files')!;
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: stack.resolve(stack.inboundFiles.bucket.bucketName),
      NotificationConfiguration: {
        QueueConfigurations: ['.csv', '.CSV'].map((suffix) => ({
          Events: ['s3:ObjectCreated:*'],
          QueueArn: stack.resolve(queue.queueArn),
          Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: suffix }] } },
        })),
      },
    });
    template.hasOutput('InboundBucketName', {});
  });

  it('lets the worker read files and write only result files', () => {
    const puts = statements.filter((statement: any) =>
      [statement.Action].flat().some((action: string) => action.startsWith('s3:PutObject')),
    );
    expect(puts.length).toBeGreaterThan(0);
    for (const statement of puts) expect(JSON.stringify(statement.Resource)).toContain('/*.result.csv');
    const reads = statements.filter((statement: any) => [statement.Action].flat().includes('s3:GetObject'));
    expect(reads.length).toBeGreaterThan(0);
    // Listing makes a deleted file a 404 (skipped), not a 403 (retried into the DLQ).
    const lists = statements.filter((statement: any) => statement.Action === 's3:ListBucket');
    expect(lists.map((statement: any) => statement.Resource)).toEqual([
      stack.resolve(stack.inboundFiles.bucket.bucketArn),
    ]);
  });
});
