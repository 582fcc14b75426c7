import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { OUTBOX_RECOVERY_FUNCTION } from '../shared/topology.js';
import { ApprovalWorkflow } from './constructs/approval-workflow.js';
import { BankFiles } from './constructs/bank-files.js';
import { BusinessPortal, PortalIdentity } from './constructs/business-portal.js';
import { InboundFiles } from './constructs/inbound-files.js';
import { PayoutsMonitoring } from './constructs/monitoring.js';
import { PayoutApi } from './constructs/payout-api.js';
import { PayoutExecution } from './constructs/payout-execution.js';
import { PayoutReports } from './constructs/payout-reports.js';
import { PayoutsTable } from './constructs/payouts-table.js';
import { accessLogsBucket } from './constructs/private-bucket.js';
import { ConnectorSecrets, WebhookSecrets } from './constructs/webhook-secrets.js';
import { acknowledgeNagFindings } from './nag-suppressions.js';
import { deploymentSettings } from './settings.js';

/** The payouts platform: its table, the HTTP API, payout execution and the Business Portal. */
export class PayoutsStack extends Stack {
  readonly table: PayoutsTable;
  readonly api: PayoutApi;
  readonly execution: PayoutExecution;
  readonly identity: PortalIdentity;
  readonly portal: BusinessPortal;
  readonly approvals: ApprovalWorkflow;
  readonly reports: PayoutReports;
  readonly inboundFiles: InboundFiles;
  readonly bankFiles: BankFiles;
  /** S3 server access logs of every bucket and CloudFront's logs. */
  readonly accessLogs: Bucket;
  readonly monitoring: PayoutsMonitoring;
  readonly webhookSecrets: WebhookSecrets;
  readonly connectorSecrets: ConnectorSecrets;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const settings = deploymentSettings(this.node);
    this.table = new PayoutsTable(this, 'Payouts');
    this.identity = new PortalIdentity(this, 'PortalIdentity', { mfa: settings.portalMfa });
    this.api = new PayoutApi(this, 'Api', {
      table: this.table,
      jwt: { issuer: this.identity.issuer, audience: [this.identity.client.userPoolClientId] },
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      reserveConcurrency: settings.reserveConcurrency === 'on',
    });
    for (const fn of this.api.functions.values())
      fn.bindEnvironment({
        PAYOUTS_SANDBOX_RAIL: settings.sandboxRail,
        PAYOUTS_WEBHOOK_SCHEMES: settings.webhookSchemes,
        PAYOUTS_BUS_EVENTS: settings.busEvents,
      });
    this.execution = new PayoutExecution(this, 'Execution', {
      table: this.table,
      functions: this.api.functions,
    });

    this.webhookSecrets = new WebhookSecrets(this, 'WebhookSecrets', { functions: this.api.functions });
    this.connectorSecrets = new ConnectorSecrets(this, 'ConnectorSecrets', { functions: this.api.functions });
    this.accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.reports = new PayoutReports(this, 'Reports', {
      functions: this.api.functions,
      accessLogs: this.accessLogs,
    });
    this.inboundFiles = new InboundFiles(this, 'InboundFiles', {
      functions: this.api.functions,
      queues: this.execution.queues,
      accessLogs: this.accessLogs,
    });
    this.bankFiles = new BankFiles(this, 'BankFiles', {
      functions: this.api.functions,
      queues: this.execution.queues,
      accessLogs: this.accessLogs,
    });
    this.approvals = new ApprovalWorkflow(this, 'Approvals', { functions: this.api.functions });
    this.portal = new BusinessPortal(this, 'Portal', {
      api: this.api,
      identity: this.identity,
      accessLogs: this.accessLogs,
    });

    this.monitoring = new PayoutsMonitoring(this, 'Monitoring', {
      api: this.api,
      execution: this.execution,
      approvals: this.approvals,
      alarmEmail: settings.alarmEmail,
    });
    acknowledgeNagFindings(this);

    new CfnOutput(this, 'PortalUrl', { value: this.portal.url, description: 'The Business Portal' });
    new CfnOutput(this, 'UserPoolId', {
      value: this.identity.userPool.userPoolId,
      description: "The portal team's Cognito user pool (first admin: see docs/deploy.md)",
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the payouts API' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The single table' });
    new CfnOutput(this, 'ConnectorKeyArn', {
      value: this.connectorSecrets.key.keyArn,
      description: 'Seals tenants connector credentials (npm run payouts -- connectors set --key <this>)',
    });
    new CfnOutput(this, 'InboundRequestsQueueUrl', {
      value: (this.execution.queues.get('inbound-requests') as { queueUrl: string }).queueUrl,
      description:
        'Payout requests as queue messages (grant integrators sqs:SendMessage here; route their SenderId)',
    });
    new CfnOutput(this, 'InboundEventBusName', {
      value: this.execution.inboundBus.eventBusName,
      description:
        "Integrators put 'Payout Requested' events here (grant them events:PutEvents on this bus; route their account and source)",
    });
    new CfnOutput(this, 'OutboxRecoveryFunctionName', {
      value: (this.api.functions.get(OUTBOX_RECOVERY_FUNCTION) as { functionName: string }).functionName,
      description:
        'npm run payouts -- outbox replay --function <this>: replay lost relay batches, re-drive stranded payouts',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'Every alarm notifies this topic (runbook: docs/deploy.md)',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: "The platform's CloudWatch dashboard",
    });
    new CfnOutput(this, 'InboundBucketName', {
      value: this.inboundFiles.bucket.bucketName,
      description: "Payroll files: put a CSV under a tenant's routed prefix (<prefix>/<name>.csv)",
    });
    new CfnOutput(this, 'BankFilesBucketName', {
      value: this.bankFiles.bucket.bucketName,
      description:
        'SEPA files: pain.001 under tenants/<tenant>/outbound/ for the bank gateway; the bank’s pain.002 and camt under tenants/<tenant>/inbound/',
    });
  }
}
