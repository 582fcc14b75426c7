import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PayoutsStack } from '../../infra/payouts-stack.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PayoutsStack(app, 'Payouts');
const template = Template.fromStack(stack).toJSON();
const resources = Object.entries(template.Resources as Record<string, any>);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const idOf = (construct: any) => stack.getLogicalId(construct.node.defaultChild);

describe('data protection', () => {
  it('encrypts every queue and topic at rest', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(15);
    for (const [id, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
    for (const [id, topic] of ofType('AWS::SNS::Topic'))
      expect(topic.Properties.KmsMasterKeyId, id).toBeDefined();
  });

  it('keeps every bucket private, encrypted and TLS-only', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBe(6); // portal site, attachments, reports, inbound files, bank files, access logs
    const policies = ofType('AWS::S3::BucketPolicy');
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const policy = policies.find(([, candidate]) => candidate.Properties.Bucket.Ref === id)?.[1];
      expect(
        policy?.Properties.PolicyDocument.Statement.some(
          (statement: any) =>
            statement.Effect === 'Deny' && statement.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
        id,
      ).toBe(true);
    }
  });

  it('never deletes payment data with the stack: table, attachments, payroll files, access logs, keys', () => {
    const kept = [
      stack.table.table,
      stack.portal.attachments,
      stack.inboundFiles.bucket,
      stack.accessLogs,
      stack.webhookSecrets.key,
    ].map(idOf);
    for (const id of kept) {
      expect(template.Resources[id].DeletionPolicy, id).toBe('Retain');
      expect(template.Resources[id].UpdateReplacePolicy, id).toBe('Retain');
    }
    // Only derived data goes with the stack: report files (regenerated on demand) and the portal build.
    const deleted = ofType('AWS::S3::Bucket')
      .filter(([, bucket]) => bucket.DeletionPolicy === 'Delete')
      .map(([id]) => id);
    expect(deleted.sort()).toEqual([idOf(stack.portal.siteBucket), idOf(stack.reports.bucket)].sort());
  });

  it('logs S3 access of every bucket but the log bucket itself, and sets a retention on every log group', () => {
    const logs = idOf(stack.accessLogs);
    for (const [id, bucket] of ofType('AWS::S3::Bucket').filter(([id]) => id !== logs))
      expect(bucket.Properties.LoggingConfiguration?.DestinationBucketName, id).toEqual({ Ref: logs });
    for (const [id, group] of ofType('AWS::Logs::LogGroup'))
      expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
  });
});
