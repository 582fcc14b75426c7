import { queueArnVariable, queueUrlVariable } from '../shared/config.js';
import { EVENT_BUS, QUEUES, REJECTION_QUEUE } from '../shared/topology.js';
import { LOCAL_USER_POOL_ID } from './aws/local-cognito.js';
import { LOCAL_KMS_KEY_ID } from './aws/local-kms.js';
import type { LocalSqs } from './aws/local-sqs.js';
import { LOCAL_BANK_FILES_BUCKET, LOCAL_INBOUND_BUCKET, STREAM_DLQ } from './aws-services.js';
import { LOCAL_AWS_ENV } from './dynamodb-local.js';
import type { ExecutionOptions } from './runtime.js';

/** How often the local outbox recovery runs (every 5 minutes in AWS). */
export const LOCAL_OUTBOX_RECOVERY_SECONDS = 60;

/**
 * The environment the platform's functions run with, as CDK sets it in AWS: the local endpoints
 * (`AWS_ENDPOINT_URL_*`), queue URLs and ARNs, the bus, the table, the key, the buckets, and the
 * execution options a test or chaos run sets (compressed retries, injected faults).
 */
export function functionEnvironmentOf(settings: {
  dynamodbEndpoint: string;
  tableName: string;
  awsEndpoint: string;
  s3Endpoint: string;
  sqs: LocalSqs;
  approvalMachineArn: string;
  execution: ExecutionOptions;
}): Record<string, string> {
  const { dynamodbEndpoint, tableName, awsEndpoint, s3Endpoint, sqs, approvalMachineArn, execution } =
    settings;
  return {
    ...LOCAL_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodbEndpoint,
    PAYOUTS_STREAM_DLQ_URL: sqs.queueUrl(STREAM_DLQ),
    [queueUrlVariable(REJECTION_QUEUE)]: sqs.queueUrl(REJECTION_QUEUE),
    AWS_ENDPOINT_URL_SQS: awsEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: awsEndpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: awsEndpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_SFN: awsEndpoint,
    AWS_ENDPOINT_URL_KMS: awsEndpoint,
    PAYOUTS_SECRETS_KEY_ID: LOCAL_KMS_KEY_ID,
    PAYOUTS_CONNECTOR_KEY_ID: LOCAL_KMS_KEY_ID,
    PAYOUTS_SANDBOX_RAIL: execution.sandboxRail ?? 'on',
    ...(execution.connectorBaseUrls
      ? { PAYOUTS_CONNECTOR_BASE_URLS: JSON.stringify(execution.connectorBaseUrls) }
      : {}),
    PAYOUTS_APPROVAL_STATE_MACHINE_ARN: approvalMachineArn,
    PAYOUTS_USER_POOL_ID: LOCAL_USER_POOL_ID,
    PAYOUTS_INBOUND_BUCKET: LOCAL_INBOUND_BUCKET,
    PAYOUTS_BANK_FILES_BUCKET: LOCAL_BANK_FILES_BUCKET,
    PAYOUTS_TABLE_NAME: tableName,
    PAYOUTS_STAGE: 'local',
    PAYOUTS_EVENT_BUS_NAME: EVENT_BUS,
    // Retried failures log at ERROR in AWS (the alarms count them); locally PAYOUTS_DEBUG=1 shows them.
    POWERTOOLS_LOG_LEVEL:
      process.env.POWERTOOLS_LOG_LEVEL ?? (process.env.PAYOUTS_DEBUG === '1' ? 'WARN' : 'CRITICAL'),
    // EMF metric lines are for CloudWatch; locally they would only fill the terminal.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    ...Object.fromEntries(
      QUEUES.flatMap((queue) => [
        [queueUrlVariable(queue.name), sqs.queueUrl(queue.name)],
        [queueUrlVariable(`${queue.name}-dlq`), sqs.queueUrl(`${queue.name}-dlq`)],
        [queueArnVariable(queue.name), sqs.queues.get(queue.name)?.arn ?? ''],
      ]),
    ),
    ...(execution.webhookRetrySchedule
      ? { PAYOUTS_WEBHOOK_RETRY_SCHEDULE: execution.webhookRetrySchedule }
      : {}),
    ...(execution.providerOutage
      ? { PAYOUTS_SANDBOX_CHAOS_OUTAGE: outageWindow(execution.providerOutage) }
      : {}),
    ...definedStrings({
      PAYOUTS_EXECUTION_LEASE_SECONDS: execution.leaseSeconds,
      // Locally, failed messages come back within seconds (AWS: doubling to 30 minutes for a day).
      PAYOUTS_RETRY_BASE_SECONDS: execution.retryBaseSeconds ?? 1,
      PAYOUTS_RETRY_CAP_SECONDS: execution.retryCapSeconds ?? 10,
      PAYOUTS_SANDBOX_CHAOS_CRASH_RATE: execution.executorKillRate,
      PAYOUTS_CONNECTOR_TIMEOUT_MS: execution.connectorTimeoutMs,
      PAYOUTS_APPROVAL_TIMEOUT_SECONDS: execution.approvalTimeoutSeconds,
      PAYOUTS_OUTBOX_STALE_SECONDS: execution.outboxStaleSeconds,
      PAYOUTS_OUTBOX_RECOVERY_SECONDS: execution.outboxRecoverySeconds ?? LOCAL_OUTBOX_RECOVERY_SECONDS,
    }),
  };
}

/** The sandbox outage as PAYOUTS_SANDBOX_CHAOS_OUTAGE reads it: `<from ms>-<until ms>[-<Retry-After>]`. */
function outageWindow(outage: NonNullable<ExecutionOptions['providerOutage']>): string {
  const from = Date.now() + (outage.startsAfterSeconds ?? 0) * 1000;
  const window = `${Math.round(from)}-${Math.round(from + outage.seconds * 1000)}`;
  return outage.retryAfterSeconds ? `${window}-${outage.retryAfterSeconds}` : window;
}

/** Environment entries for the options that are set, as strings. */
function definedStrings(values: Record<string, number | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
}
