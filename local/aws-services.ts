import { join } from 'node:path';
import {
  APPROVAL_TASK_FUNCTION,
  BANK_FILES,
  EVENT_BUS,
  INBOUND_EVENT_BUS,
  INBOUND_FILES,
  QUEUES,
  REJECTION_QUEUE,
  RULES,
} from '../shared/topology.js';
import { APPROVAL_WORKFLOW, approvalStateMachine } from '../shared/workflows/approval.js';
import { createAwsJsonEndpoint } from './aws/aws-json-endpoint.js';
import { createLocalCognito } from './aws/local-cognito.js';
import { createLocalEventBridge, type LocalEventBridge } from './aws/local-eventbridge.js';
import { createLocalKms } from './aws/local-kms.js';
import { createLocalS3, objectCreatedNotification } from './aws/local-s3.js';
import { createLocalSqs, type LocalSqs } from './aws/local-sqs.js';
import { createLocalStepFunctions } from './aws/local-stepfunctions.js';
import { LOCAL_AWS_ENV } from './dynamodb-local.js';
import { closeServer, listen } from './ports.js';
import type { ExecutionOptions, PlatformFaults, PlatformMeter } from './runtime.js';

/** The local name of the relay's on-failure queue (`StreamDlq` in AWS). */
export const STREAM_DLQ = 'stream-dlq';

/** The local inbound bucket of payroll files (`aws s3 cp … s3://payouts-inbound/<prefix>/…`). */
export const LOCAL_INBOUND_BUCKET = 'payouts-inbound';
export const LOCAL_BANK_FILES_BUCKET = 'payouts-bank-files';

export interface AwsServicesOptions {
  execution: ExecutionOptions;
  meter?: PlatformMeter;
  /** Persist the identity provider's users and keys, the KMS key and the S3 objects here. */
  dataDir?: string;
  portalMfa?: 'OPTIONAL' | 'ON';
  /** The user pool's issuer (the gateway's URL, known once it listens). */
  issuer: () => string;
  /** The portal's origin, which the attachments bucket's CORS rule allows. */
  portalOrigin: () => string;
  /** Runs a function for a Step Functions task (the handlers load after the services start). */
  invoke: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Told of failed executions (retries are normal operation). */
  onError: (error: unknown) => void;
}

/**
 * The AWS services the platform uses, emulated in this process: SQS, EventBridge, Cognito, Step
 * Functions (the approval workflow's ASL) and KMS behind one local AWS JSON endpoint, and S3 with the
 * buckets' event notifications, each listening on a free port. Queues and rules are the topology's.
 */
export async function startAwsServices(options: AwsServicesOptions) {
  const { execution, meter } = options;
  let awsEndpoint = '';
  const sqs = createLocalSqs({
    duplicateDeliveryRate: execution.duplicateDeliveryRate,
    endpoint: () => awsEndpoint,
  });
  const eventBridge = createLocalEventBridge({ sqs: meter ? meteredDeliveries(sqs, meter) : sqs });
  const faults = interceptBusOutages(eventBridge);
  if (meter) meterPutEvents(eventBridge, meter);
  const cognito = await createLocalCognito({
    issuer: options.issuer,
    stateFile: options.dataDir ? join(options.dataDir, 'identity-provider.json') : undefined,
    mfa: options.portalMfa,
  });
  // Step Functions: the same ASL CDK deploys; its Lambda tasks run the local handlers.
  const stepFunctions = createLocalStepFunctions({ invoke: options.invoke, onError: options.onError });
  const approvalMachineArn = stepFunctions.createStateMachine(
    APPROVAL_WORKFLOW,
    approvalStateMachine(`arn:aws:lambda:us-east-1:000000000000:function:${APPROVAL_TASK_FUNCTION}`),
  );
  const kms = createLocalKms({ keyFile: options.dataDir ? join(options.dataDir, 'kms-key') : undefined });
  const awsServer = createAwsJsonEndpoint({ sqs, eventBridge, cognito, stepFunctions, kms });
  if (meter) meterAwsRequests(awsServer, meter);
  awsEndpoint = `http://127.0.0.1:${await listen(awsServer, 0, '127.0.0.1')}`;
  const s3 = createLocalS3({
    secrets: { [LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID]: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    dataDir: options.dataDir ? join(options.dataDir, 's3') : undefined,
    onObjectCreated: (object, eventName) => notifyBucketQueues(sqs, object, eventName),
    // As the attachments bucket's CORS rule allows the portal's origin only.
    allowedOrigins: () => [options.portalOrigin()],
  });
  const s3Endpoint = `http://127.0.0.1:${await listen(s3.server, 0, '127.0.0.1')}`;
  declareQueuesAndRules(sqs, eventBridge, execution);

  return {
    sqs,
    eventBridge,
    cognito,
    stepFunctions,
    kms,
    faults,
    approvalMachineArn,
    awsEndpoint,
    s3Endpoint,
    /** Ends running executions and queue consumers, then closes the endpoints. */
    async stop() {
      await stepFunctions.stopAll();
      await sqs.stopAll();
      for (const server of [awsServer, s3.server]) await closeServer(server);
    },
  };
}

export type AwsServices = Awaited<ReturnType<typeof startAwsServices>>;

/** EventBridge's deliveries to queue targets are SendMessage requests SQS bills. */
function meteredDeliveries(sqs: LocalSqs, meter: PlatformMeter): LocalSqs {
  return {
    ...sqs,
    send: (...args: Parameters<LocalSqs['send']>) => {
      meter.called('SQS.SendMessage');
      return sqs.send(...args);
    },
  };
}

/** The bus refuses every `PutEvents` while a test or chaos run has it down (`refusePutEventsFor`). */
function interceptBusOutages(eventBridge: LocalEventBridge): PlatformFaults {
  let busDownUntil = 0;
  const { putEvents } = eventBridge;
  eventBridge.putEvents = (entries, account) => {
    if (Date.now() < busDownUntil)
      throw Object.assign(new Error('chaos: the local bus is down'), { code: 'InternalException' });
    return putEvents(entries, account);
  };
  return {
    refusePutEventsFor(seconds) {
      busDownUntil = Date.now() + seconds * 1000;
    },
  };
}

/** PutEvents is billed per entry. */
function meterPutEvents(eventBridge: LocalEventBridge, meter: PlatformMeter): void {
  const { putEvents } = eventBridge;
  eventBridge.putEvents = (entries, account) => {
    meter.called('EventBridge.PutEvents', entries.length);
    return putEvents(entries, account);
  };
}

/** SQS bills a batch of up to 10 messages as one request; Step Functions every call. */
function meterAwsRequests(awsServer: ReturnType<typeof createAwsJsonEndpoint>, meter: PlatformMeter): void {
  awsServer.prependListener('request', (request) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    // PutEvents is counted per entry (meterPutEvents).
    if (
      /^(AmazonSQS\.(SendMessage|SendMessageBatch|ChangeMessageVisibility)|AWSStepFunctions\.)/.test(target)
    )
      meter.called(target);
  });
}

/** The buckets' event notifications, as CDK configures them. */
function notifyBucketQueues(
  sqs: LocalSqs,
  object: Parameters<typeof objectCreatedNotification>[0],
  eventName: string,
): void {
  // The inbound bucket: new `.csv` objects → the queue.
  if (object.bucket === LOCAL_INBOUND_BUCKET && object.key.toLowerCase().endsWith(INBOUND_FILES.suffix))
    sqs.send(INBOUND_FILES.queue, objectCreatedNotification(object, eventName));
  // The bank files bucket: new `tenants/….xml` objects → the queue.
  if (
    object.bucket === LOCAL_BANK_FILES_BUCKET &&
    object.key.startsWith('tenants/') &&
    object.key.toLowerCase().endsWith(BANK_FILES.suffix)
  )
    sqs.send(BANK_FILES.queue, objectCreatedNotification(object, eventName));
}

/** The topology's queues (each with its dead-letter queue) and the rules that feed them. */
function declareQueuesAndRules(
  sqs: LocalSqs,
  eventBridge: LocalEventBridge,
  execution: ExecutionOptions,
): void {
  for (const queue of QUEUES) {
    sqs.createQueue({ name: `${queue.name}-dlq`, visibilityTimeoutSeconds: 30 });
    sqs.createQueue({
      name: queue.name,
      visibilityTimeoutSeconds: execution.visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds,
      maxReceiveCount: queue.maxReceiveCount,
      deadLetterQueue: `${queue.name}-dlq`,
    });
  }
  // Lambda's on-failure destination of the relay's stream mapping, and the refused requests' queue.
  sqs.createQueue({ name: STREAM_DLQ, visibilityTimeoutSeconds: 30 });
  sqs.createQueue({ name: REJECTION_QUEUE, visibilityTimeoutSeconds: 30 });
  for (const rule of RULES)
    eventBridge.putRule({ ...rule, bus: rule.bus === 'inbound' ? INBOUND_EVENT_BUS : EVENT_BUS });
}
