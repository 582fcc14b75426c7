import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  APPROVAL_TASK_FUNCTION,
  DAILY_REPORTS_FUNCTION,
  OUTBOX_RECOVERY_FUNCTION,
  SEPA_CUT_OFF_FUNCTION,
} from '../shared/topology.js';
import type { PayoutsStack } from './payouts-stack.js';

/** One acknowledged cdk-nag finding: where, which, and why it stands (never without a reason). */
export interface NagAcknowledgement {
  scope: IConstruct;
  id: string;
  reason: string;
}

/** `<LogicalId.Arn>`, as cdk-nag writes a resource's ARN in a finding id. */
function arnToken(resource: IConstruct): string {
  const stack = Stack.of(resource);
  return `<${stack.getLogicalId(resource.node.defaultChild as CfnResource)}.Arn>`;
}

/** CDK's own singleton helpers (site deployment, bucket notifications), found by their id prefix. */
function cdkHelpers(stack: Stack, prefix: string): IConstruct[] {
  return stack.node.children.filter((child) => child.node.id.startsWith(prefix));
}

/**
 * Every cdk-nag AwsSolutions finding the stack accepts, each with its reason (test/infra/nag.test.ts
 * runs the checks and expects no other finding). Kept in one place so a reviewer reads every
 * exception to the rules at once.
 */
export function nagAcknowledgements(stack: PayoutsStack): NagAcknowledgement[] {
  const table = arnToken(stack.table.table);
  const objects = (bucket: IConstruct, pattern: string) =>
    `AwsSolutions-IAM5[Resource::${arnToken(bucket)}/${pattern}]`;
  const scheduled = stack.api.functions.get(DAILY_REPORTS_FUNCTION) as IConstruct;
  const recovery = stack.api.functions.get(OUTBOX_RECOVERY_FUNCTION) as IConstruct;
  const sepaCutOff = stack.api.functions.get(SEPA_CUT_OFF_FUNCTION) as IConstruct;
  const approvalTask = stack.api.functions.get(APPROVAL_TASK_FUNCTION) as IConstruct;
  const helpers = [
    ...cdkHelpers(stack, 'Custom::CDKBucketDeployment'),
    ...cdkHelpers(stack, 'BucketNotificationsHandler'),
  ];
  const helperReason =
    "CDK's own deployment helper (the portal's site upload, the inbound bucket's notification configuration): its code, runtime and role are CDK's and run only during a deployment.";

  return [
    {
      scope: stack,
      id: 'AwsSolutions-L1',
      reason:
        'Functions run on Node.js 22 (LAMBDA_NODE_MAJOR), the version the project is tested against locally and in CI; moving to a newer runtime is a deliberate one-line upgrade, not a default.',
    },
    {
      scope: stack,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Actions AWS does not scope to a resource: X-Ray's PutTraceSegments/PutTelemetryRecords (tracing is on everywhere) and the log delivery actions Step Functions logging needs; test/infra/least-privilege.test.ts asserts that '*' carries no other action.",
    },
    {
      scope: stack,
      id: `AwsSolutions-IAM5[Resource::${table}/index/*]`,
      reason:
        "The table's own indexes (listings); item-level read/write actions only, never table management.",
    },
    {
      scope: stack,
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stack.approvals.stateMachineName}:*]`,
      reason:
        'Executions of the approval state machine only; each is named after its payout, so no narrower ARN exists before it starts.',
    },
    {
      scope: stack,
      id: objects(stack.reports.bucket, 'tenants/*'),
      reason:
        "Report files under tenants/{tenant}/…: one key per report, created at run time; the prefix is the bound (and the tenant's id is part of every key).",
    },
    {
      scope: stack,
      id: objects(stack.portal.attachments, 'tenants/*'),
      reason:
        "Attachments under tenants/{tenant}/…, presigned per upload; the portal function checks the caller's tenant before presigning.",
    },
    {
      scope: stack,
      id: objects(stack.inboundFiles.bucket, '*'),
      reason:
        "The inbound files worker reads whatever file S3 announces (any tenant's prefix: the route decides the tenant); it may not list, delete or write there.",
    },
    {
      scope: stack,
      id: objects(stack.inboundFiles.bucket, '*.result.csv'),
      reason:
        "The worker writes only result files, beside each upload (<prefix>/<name>.result.csv); it cannot overwrite a tenant's own files.",
    },
    {
      scope: stack,
      id: objects(stack.bankFiles.bucket, 'tenants/*/outbound/*'),
      reason:
        "SEPA files out (D72): the cut-off writes pain.001 files under each tenant's outbound prefix, one key per file, created at run time; it cannot read, list or write the inbound prefixes.",
    },
    {
      scope: stack,
      id: objects(stack.bankFiles.bucket, 'tenants/*/outbound-test/*'),
      reason:
        'SEPA files of a rail in test mode (D72): written where the bank gateway never fetches, so a test key never moves real money.',
    },
    {
      scope: stack,
      id: objects(stack.bankFiles.bucket, 'tenants/*/inbound/*'),
      reason:
        "The bank's files in (D72): the reader reads what S3 announces under a tenant's inbound prefix (the prefix names the tenant); it may not list, delete or write there.",
    },
    {
      scope: stack,
      id: `AwsSolutions-IAM5[Resource::${arnToken(sepaCutOff)}:*]`,
      reason:
        'EventBridge Scheduler invokes the SEPA cut-off function; CDK grants its versions too (lambda:InvokeFunction on this one function only).',
    },
    {
      scope: stack,
      id: `AwsSolutions-IAM5[Resource::${arnToken(scheduled)}:*]`,
      reason:
        'EventBridge Scheduler invokes the daily report function; CDK grants its versions too (lambda:InvokeFunction on this one function only).',
    },
    {
      scope: stack,
      id: `AwsSolutions-IAM5[Resource::${arnToken(recovery)}:*]`,
      reason:
        'EventBridge Scheduler invokes the outbox recovery every 5 minutes; CDK grants its versions too (lambda:InvokeFunction on this one function only).',
    },
    {
      scope: stack,
      id: `AwsSolutions-IAM5[Resource::${arnToken(approvalTask)}:*]`,
      reason:
        'The approval state machine invokes its task function; CDK grants its versions too (lambda:InvokeFunction on this one function only).',
    },
    ...[
      stack.api.httpApi.node.findChild('DefaultRoute'),
      stack.api.httpApi.node.findChild('GET--v1--health'),
      stack.api.httpApi.node.findChild('GET--v1--openapi.json'),
      stack.api.httpApi.node.findChild('POST--v1--provider-webhooks--{connector}--{tenant_id}'),
    ].map((route) => ({
      scope: route,
      id: 'AwsSolutions-APIG4',
      reason:
        "Public by design: the health check, the OpenAPI document, the $default route that answers unknown paths with 404 in the API error format, and the payment providers' webhooks (the provider's signature over the body, checked with the tenant's secret, is their authentication: providers cannot send our API keys; D62). Every other route has the API key or JWT authorizer.",
    })),
    ...[stack.execution.streamDeadLetterQueue, stack.execution.ruleDeadLetterQueue].map((queue) => ({
      scope: queue,
      id: 'AwsSolutions-SQS3',
      reason:
        "This is a dead-letter queue: the stream's on-failure destination or the rules' target DLQ (not a redrive policy, which is what the rule looks for).",
    })),
    {
      scope: stack.execution.rejectionQueue,
      id: 'AwsSolutions-SQS3',
      reason:
        'The queue of refused payout requests has no consumer: nothing is received from it, so nothing can fail to be processed into a DLQ.',
    },
    {
      scope: stack.identity.userPool,
      id: 'AwsSolutions-COG2',
      reason:
        'TOTP MFA is optional in the pool by default because the portal API enforces it per role (D53): admins and approvers cannot act until they set it up and sign in with a code; a tenant may require it of everyone; `-c portalMfa=everyone` makes the pool require it (MfaConfiguration ON).',
    },
    {
      scope: stack.identity.userPool,
      id: 'AwsSolutions-COG8',
      reason:
        "Cognito's Plus plan (threat protection) is a per-user charge the operator chooses; docs/deploy.md shows how to switch it on. No self sign-up, SRP only, admin-created users.",
    },
    {
      scope: stack.portal.distribution,
      id: 'AwsSolutions-CFR1',
      reason: "The portal serves a company's own team, wherever they work; sign-in is required for any data.",
    },
    {
      scope: stack.portal.distribution,
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF by default (a web ACL has a monthly fee); the distribution serves static files and forwards the JWT-protected portal API. docs/deploy.md shows how to attach one.',
    },
    {
      scope: stack.portal.distribution,
      id: 'AwsSolutions-CFR4',
      reason:
        'The default *.cloudfront.net certificate cannot set a minimum TLS version; with a custom domain (docs/deploy.md) the distribution uses TLSv1.2_2021.',
    },
    ...helpers.flatMap((helper) =>
      [
        'AwsSolutions-L1',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        // The site deployment copies the built portal from CDK's asset bucket into the site bucket.
        ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
          (action) => `AwsSolutions-IAM5[Action::${action}]`,
        ),
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        objects(stack.portal.siteBucket, '*'),
      ].map((id) => ({ scope: helper, id, reason: helperReason })),
    ),
  ];
}

/** Acknowledges every accepted finding on its construct (cdk-nag 3: CDK's Validations API). */
export function acknowledgeNagFindings(stack: PayoutsStack): void {
  for (const { scope, id, reason } of nagAcknowledgements(stack))
    Validations.of(scope).acknowledge({ id, reason });
}
