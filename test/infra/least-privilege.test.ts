import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PayoutsStack } from '../../infra/payouts-stack.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PayoutsStack(app, 'Payouts');
const template = Template.fromStack(stack).toJSON();
const resources = Object.entries(template.Resources as Record<string, any>);
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of every IAM policy in the stack, with the roles it is attached to. */
const statements = resources
  .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
  .flatMap(([id, policy]) =>
    asArray(policy.Properties.PolicyDocument.Statement).map((statement: any) => ({
      policy: id,
      roles: asArray(policy.Properties.Roles).map((role: any) => role.Ref as string),
      actions: asArray(statement.Action) as string[],
      resources: asArray(statement.Resource),
      effect: statement.Effect as 'Allow' | 'Deny',
      condition: statement.Condition as Record<string, Record<string, string[]>> | undefined,
    })),
  );

/**
 * Actions AWS accepts only on `*` (no resource-level permissions): X-Ray tracing, and the log
 * delivery that Step Functions logging sets up (AWS's documented policy for it).
 */
const RESOURCELESS_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);
/**
 * CDK's own deploy-time helpers: the notification handler configures the inbound bucket's
 * notification, the site deployment invalidates the portal's CloudFront cache.
 */
const HELPER_ACTIONS: Record<string, Set<string>> = {
  BucketNotificationsHandler: new Set(['s3:PutBucketNotification']),
  CustomCDKBucketDeployment: new Set(['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation']),
};

describe('least privilege', () => {
  it('lets no function update or delete an audit entry, in any call that can (D55)', () => {
    const tableWriters = [...stack.api.functions.entries()].filter(([, fn]) => {
      const role = stack.getLogicalId(fn.role?.node.defaultChild as any);
      return statements.some(
        (statement) =>
          statement.effect === 'Allow' &&
          statement.roles.includes(role) &&
          statement.actions.includes('dynamodb:PutItem'),
      );
    });
    expect(tableWriters.length).toBeGreaterThan(15);
    for (const [name, fn] of tableWriters) {
      const role = stack.getLogicalId(fn.role?.node.defaultChild as any);
      const denies = statements.filter(
        (statement) => statement.effect === 'Deny' && statement.roles.includes(role),
      );
      expect(denies, name).toEqual([
        expect.objectContaining({
          actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
          condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#AUDIT#*'] } },
        }),
      ]);
    }
  });

  it('grants no service-wide wildcard action (no dynamodb:*, s3:*, sqs:*, *)', () => {
    expect(statements.length).toBeGreaterThan(50);
    const wildcards = statements.flatMap((statement) =>
      statement.actions.filter((action) => action === '*' || /^[a-z0-9-]+:\*$/.test(action)),
    );
    expect(wildcards).toEqual([]);
  });

  it("uses the '*' resource only for actions AWS does not scope (X-Ray, log delivery), and CDK's notification helper", () => {
    const onStar = statements.filter((statement) => statement.resources.includes('*'));
    expect(onStar.length).toBeGreaterThan(30); // every traced function
    for (const statement of onStar) {
      const helper = Object.keys(HELPER_ACTIONS).find((prefix) =>
        statement.roles.some((role) => role.startsWith(prefix)),
      );
      const allowed = helper ? (HELPER_ACTIONS[helper] as Set<string>) : RESOURCELESS_ACTIONS;
      expect(
        statement.actions.filter((action) => !allowed.has(action)),
        statement.policy,
      ).toEqual([]);
    }
  });

  it('lets each function write only to its own log group, without AWS managed policies', () => {
    for (const [name, fn] of stack.api.functions) {
      const role = stack.getLogicalId(fn.role?.node.defaultChild as any);
      expect(template.Resources[role].Properties.ManagedPolicyArns, name).toBeUndefined();
      const logs = statements.filter(
        (statement) =>
          statement.roles.includes(role) && statement.actions.some((action) => action.startsWith('logs:')),
      );
      expect(logs, name).toHaveLength(1);
      const logGroup = stack.getLogicalId(fn.logGroup.node.defaultChild as any);
      expect(JSON.stringify(logs[0]?.resources), name).toContain(logGroup);
      expect(logs[0]?.actions.sort(), name).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    }
  });

  it('never grants table management or deletion of the table, a bucket or a queue', () => {
    const destructive = statements.flatMap((statement) =>
      statement.actions.filter((action) =>
        /^(dynamodb:(DeleteTable|UpdateTable|CreateTable)|s3:(DeleteBucket|PutBucketPolicy)|sqs:(DeleteQueue|PurgeQueue))$/.test(
          action,
        ),
      ),
    );
    expect(destructive).toEqual([]);
  });
});

describe('webhook signing secrets', () => {
  it('are sealed by the endpoint writers (Encrypt only) and opened by the delivery function (Decrypt only)', () => {
    const key = stack.getLogicalId(stack.webhookSecrets.key.node.defaultChild as any);
    const kmsActionsOf = (name: string) => {
      const role = stack.getLogicalId(stack.api.functions.get(name)?.role?.node.defaultChild as any);
      return statements
        .filter((statement) => statement.roles.includes(role))
        .filter((statement) => JSON.stringify(statement.resources).includes(key))
        .flatMap((statement) => statement.actions);
    };
    for (const writer of ['create-webhook-endpoint', 'rotate-webhook-secret', 'portal-api'])
      expect(kmsActionsOf(writer), writer).toEqual(['kms:Encrypt']);
    expect(kmsActionsOf('deliver-webhook')).toEqual(['kms:Decrypt']);
    expect(kmsActionsOf('get-webhook-endpoint')).toEqual([]);
    expect(template.Resources[key].Properties.EnableKeyRotation).toBe(true);
    expect(template.Resources[key].DeletionPolicy).toBe('Retain');
  });
});

describe('connector credentials', () => {
  it('have a key of their own: only the provider callers (executor, provider webhooks, reconciliation) decrypt, only the Payout rails page also encrypts', () => {
    const key = stack.getLogicalId(stack.connectorSecrets.key.node.defaultChild as any);
    const webhookKey = stack.getLogicalId(stack.webhookSecrets.key.node.defaultChild as any);
    const kmsActionsOf = (name: string, logicalId = key) => {
      const role = stack.getLogicalId(stack.api.functions.get(name)?.role?.node.defaultChild as any);
      return statements
        .filter((statement) => statement.roles.includes(role))
        .filter((statement) => JSON.stringify(statement.resources).includes(logicalId))
        .flatMap((statement) => statement.actions)
        .sort();
    };
    const users = [...stack.api.functions.keys()].filter((name) => kmsActionsOf(name).length > 0).sort();
    expect(users).toEqual([
      'execute-payout',
      'portal-rails',
      'receive-provider-webhook',
      'run-reconciliation',
    ]);
    expect(kmsActionsOf('execute-payout')).toEqual(['kms:Decrypt']);
    // Reconciliation reads the provider's statement with the tenant's credentials: opens, never seals.
    expect(kmsActionsOf('run-reconciliation')).toEqual(['kms:Decrypt']);
    expect(kmsActionsOf('receive-provider-webhook')).toEqual(['kms:Decrypt']);
    expect(kmsActionsOf('portal-rails')).toEqual(['kms:Decrypt', 'kms:Encrypt']);
    // The function that signs webhooks cannot open a provider key, and the other way round.
    expect(kmsActionsOf('deliver-webhook')).toEqual([]);
    expect(kmsActionsOf('execute-payout', webhookKey)).toEqual([]);
    expect(template.Resources[key].Properties.EnableKeyRotation).toBe(true);
    expect(template.Resources[key].DeletionPolicy).toBe('Retain');
  });
});
