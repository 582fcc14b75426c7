import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { queueArnVariable, queueUrlVariable } from '../shared/config.js';
import {
  APPROVAL_TASK_FUNCTION,
  AUTHORIZER_FUNCTION,
  BANK_FILES,
  DAILY_REPORTS_FUNCTION,
  DAILY_REPORTS_SCHEDULE,
  EVENT_BUS,
  FUNCTIONS,
  type FunctionSpec,
  handlerEntry,
  INBOUND_EVENT_BUS,
  INBOUND_FILES,
  NOT_FOUND_FUNCTION,
  OUTBOX_RECOVERY_FUNCTION,
  QUEUES,
  REJECTION_QUEUE,
  ROUTES,
  RULES,
  SEPA_CUT_OFF_FUNCTION,
  STREAM_CONSUMER,
} from '../shared/topology.js';
import { APPROVAL_WORKFLOW, approvalStateMachine } from '../shared/workflows/approval.js';
import { createLocalApiGateway, type LambdaHandler, lambdaContext } from './api-gateway.js';
import { createAwsJsonEndpoint } from './aws/aws-json-endpoint.js';
import {
  createLocalCognito,
  LOCAL_CLIENT_ID,
  LOCAL_USER_POOL_ID,
  type LocalCognito,
} from './aws/local-cognito.js';
import { createLocalEventBridge } from './aws/local-eventbridge.js';
import { createLocalKms, LOCAL_KMS_KEY_ID } from './aws/local-kms.js';
import { createLocalS3, objectCreatedNotification } from './aws/local-s3.js';
import { createLocalSqs, type LocalSqs } from './aws/local-sqs.js';
import { createLocalStepFunctions, type LocalStepFunctions } from './aws/local-stepfunctions.js';
import { type DynamoDbLocal, ensureTable, LOCAL_AWS_ENV, startDynamoDbLocal } from './dynamodb-local.js';
import { LocalRuntimeError } from './errors.js';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS, withFunctionTimeout } from './function-timeout.js';
import { createPortalServer, LOCAL_IDP_PATH } from './portal-server.js';
import { checkPortFree } from './ports.js';
import { startStreamPoller } from './stream-poller.js';

export interface LocalPlatformOptions {
  port?: number;
  host?: string;
  tableName?: string;
  /** Persist DynamoDB Local's data here; omit for an in-memory database. */
  dbPath?: string;
  /** Persist the identity provider's users and keys and the S3 objects here; omit to keep them in memory. */
  dataDir?: string;
  /** The built portal (default portal/dist). */
  portalDir?: string;
  /** Run the daily report export at 00:15 UTC, as EventBridge Scheduler does in AWS (npm start). */
  dailyReports?: boolean;
  /** Use an already running DynamoDB Local instead of starting one (tests share one). */
  dynamodbEndpoint?: string;
  onRequest?: Parameters<typeof createLocalApiGateway>[0]['onRequest'];
  /** Compress time and inject faults in execution (tests and chaos runs). */
  execution?: ExecutionOptions;
  /** Told of every function invocation and billable service call (the benchmark's cost model). */
  meter?: PlatformMeter;
  /**
   * The user pool's MFA (the `portalMfa` setting in AWS): OPTIONAL, the portal requiring it of
   * admins and approvers (default), or ON, every member sets up TOTP at their first sign-in.
   */
  portalMfa?: 'OPTIONAL' | 'ON';
}

/** What `npm run bench` counts: Lambda invocations with their duration, and service API calls. */
export interface PlatformMeter {
  invoked(functionName: string, milliseconds: number, event?: unknown): void;
  /** `SQS.SendMessage` (a message enqueued), `EventBridge.PutEvents` (per entry), `AWSStepFunctions.…` */
  called(operation: string, units?: number): void;
}

export interface ExecutionOptions {
  /** Overrides every queue's visibility timeout (seconds). */
  visibilityTimeoutSeconds?: number;
  leaseSeconds?: number;
  retryBaseSeconds?: number;
  retryCapSeconds?: number;
  /** Every SQS receive also delivers the message a second time with this probability. */
  duplicateDeliveryRate?: number;
  /** The relay "dies" after its work, before the stream position advances, with this probability. */
  relayKillRate?: number;
  /** The executor "dies" right after the provider made the transfer, with this probability. */
  executorKillRate?: number;
  /** Seconds between webhook attempts (PAYOUTS_WEBHOOK_RETRY_SCHEDULE), e.g. '1,1,1'. */
  webhookRetrySchedule?: string;
  /** Every approval waits this many seconds instead of until the payout's expiry (tests of expiry). */
  approvalTimeoutSeconds?: number;
  /**
   * The sandbox provider refuses every call for `seconds`, starting `startsAfterSeconds` after the
   * platform starts: 429 with `Retry-After: retryAfterSeconds` when given, else 503.
   */
  providerOutage?: { seconds: number; startsAfterSeconds?: number; retryAfterSeconds?: number };
  /** How often the SEPA cut-off looks for due cut-offs (seconds; 30 by default, 5 minutes in AWS). */
  sepaCutOffSeconds?: number;
  /** How often the outbox recovery runs (seconds; 60 by default, every 5 minutes in AWS). */
  outboxRecoverySeconds?: number;
  /** The outbox sweeper's bound (PAYOUTS_OUTBOX_STALE_SECONDS; 15 minutes by default). */
  outboxStaleSeconds?: number;
  /**
   * Where each connector's provider is (tests and demos: the provider fakes of test/contracts/); a
   * connector not named talks to its provider's real test or live host.
   */
  connectorBaseUrls?: Record<string, string>;
  /** How long a call to a provider may take (ms; 10 s by default). */
  connectorTimeoutMs?: number;
  /** Whether tenants may use the sandbox rail (`on` locally, as in a test deployment). */
  sandboxRail?: 'on' | 'off';
}

export interface LocalPlatform {
  url: string;
  port: number;
  dynamodbEndpoint: string;
  tableName: string;
  /** The local SQS (queues, dead-letter queues), for inspection. */
  sqs: LocalSqs;
  /** The local identity provider (users, tokens), for seeding demo users and tests. */
  cognito: LocalCognito;
  /** The JWT issuer of the local user pool. */
  issuer: string;
  /** The local S3 server's endpoint. */
  s3Endpoint: string;
  /** The local AWS JSON endpoint (SQS, EventBridge, Cognito, Step Functions). */
  awsEndpoint: string;
  /** The local Step Functions (approval executions), for inspection. */
  stepFunctions: LocalStepFunctions;
  /** Faults to switch on while it runs (tests and chaos runs). */
  faults: PlatformFaults;
  /**
   * The environment its functions run with (local endpoints, queue URLs, the bus, the table): what
   * another process needs to act as one of them (the operators' CLI: `outbox replay`).
   */
  functionEnvironment: Record<string, string>;
  stop(): Promise<void>;
}

export interface PlatformFaults {
  /** The bus refuses every `PutEvents` for this long (an EventBridge outage). */
  refusePutEventsFor(seconds: number): void;
}

const repositoryRoot = new URL('..', import.meta.url);

/** How often the local outbox recovery runs (every 5 minutes in AWS). */
const LOCAL_OUTBOX_RECOVERY_SECONDS = 60;

/** The local name of the relay's on-failure queue (`StreamDlq` in AWS). */
export const STREAM_DLQ = 'stream-dlq';

/** The local inbound bucket of payroll files (`aws s3 cp … s3://payouts-inbound/<prefix>/…`). */
export const LOCAL_INBOUND_BUCKET = 'payouts-inbound';
export const LOCAL_BANK_FILES_BUCKET = 'payouts-bank-files';

/** How a handler module is loaded (tests load stand-ins). */
export type HandlerImporter = (spec: FunctionSpec) => Promise<LambdaHandler>;

const importHandler: HandlerImporter = async (spec) =>
  ((await import(new URL(handlerEntry(spec.name), repositoryRoot).href)) as { handler: LambdaHandler })
    .handler;

/**
 * Every function's handler, run under its topology timeout as Lambda runs it (an invocation past it
 * fails: its queue message comes back, API Gateway answers 500).
 */
export async function loadHandlers(
  specs: readonly FunctionSpec[] = FUNCTIONS,
  load: HandlerImporter = importHandler,
): Promise<Map<string, LambdaHandler>> {
  const handlers = new Map<string, LambdaHandler>();
  for (const spec of specs)
    handlers.set(
      spec.name,
      withFunctionTimeout(
        spec.name,
        await load(spec),
        spec.timeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS,
      ),
    );
  return handlers;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Starts the platform on this machine: DynamoDB Local, the table CDK deploys, and the API served by
 * the same handlers Lambda runs. The handlers read their configuration from the environment, as in
 * Lambda, so this sets it for the whole process: one platform per process.
 */
export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 3000;
  const tableName = options.tableName ?? 'payouts';
  if (requestedPort !== 0) {
    await checkPortFree(requestedPort, host).catch((error: NodeJS.ErrnoException) => {
      throw new LocalRuntimeError(
        error.code === 'EADDRINUSE'
          ? `Port ${requestedPort} is already in use: stop what runs there or start with PORT=${requestedPort + 1} npm start.`
          : `Cannot listen on ${host}:${requestedPort}: ${error.message}`,
      );
    });
  }

  let dynamo: DynamoDbLocal | undefined;
  if (!options.dynamodbEndpoint) dynamo = await startDynamoDbLocal({ dbPath: options.dbPath });
  const dynamodbEndpoint = options.dynamodbEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
  try {
    await ensureTable(dynamodbEndpoint, tableName);
    const execution = options.execution ?? {};

    // SQS and EventBridge: in-process, reached by the handlers' own SDK clients through one endpoint.
    let awsEndpoint = '';
    const sqs = createLocalSqs({
      duplicateDeliveryRate: execution.duplicateDeliveryRate,
      endpoint: () => awsEndpoint,
    });
    const meter = options.meter;
    // EventBridge's deliveries to queue targets are SendMessage requests SQS bills.
    const eventBridge = createLocalEventBridge({
      sqs: meter
        ? {
            ...sqs,
            send: (...args: Parameters<typeof sqs.send>) => {
              meter.called('SQS.SendMessage');
              return sqs.send(...args);
            },
          }
        : sqs,
    });
    // Faults a test or chaos run switches on while the platform runs.
    let busDownUntil = 0;
    const faults: PlatformFaults = {
      refusePutEventsFor(seconds) {
        busDownUntil = Date.now() + seconds * 1000;
      },
    };
    {
      const { putEvents } = eventBridge;
      eventBridge.putEvents = (entries, account) => {
        if (Date.now() < busDownUntil)
          throw Object.assign(new Error('chaos: the local bus is down'), { code: 'InternalException' });
        return putEvents(entries, account);
      };
    }
    if (meter) {
      const { putEvents } = eventBridge;
      eventBridge.putEvents = (entries, account) => {
        meter.called('EventBridge.PutEvents', entries.length);
        return putEvents(entries, account);
      };
    }
    // The portal's identity provider; its issuer is this gateway's URL, known once it listens.
    let url = '';
    const issuer = () => `${url}${LOCAL_IDP_PATH}/${LOCAL_USER_POOL_ID}`;
    const cognito = await createLocalCognito({
      issuer,
      stateFile: options.dataDir ? join(options.dataDir, 'identity-provider.json') : undefined,
      mfa: options.portalMfa,
    });
    // Step Functions: the same ASL CDK deploys; its Lambda tasks run the local handlers.
    let handlerOfLater: (name: string) => LambdaHandler = () => {
      throw new Error('handlers not loaded yet');
    };
    // Failures of consumers and executions are part of normal operation (retries); PAYOUTS_DEBUG=1 prints them.
    const quietly =
      process.env.PAYOUTS_DEBUG === '1'
        ? (error: unknown) => console.error('[local]', error)
        : () => undefined;
    const stepFunctions = createLocalStepFunctions({
      invoke: (name, payload) => handlerOfLater(name)(payload, lambdaContext(name)),
      onError: quietly,
    });
    const approvalMachineArn = stepFunctions.createStateMachine(
      APPROVAL_WORKFLOW,
      approvalStateMachine(`arn:aws:lambda:us-east-1:000000000000:function:${APPROVAL_TASK_FUNCTION}`),
    );
    const kms = createLocalKms({ keyFile: options.dataDir ? join(options.dataDir, 'kms-key') : undefined });
    const awsServer = createAwsJsonEndpoint({ sqs, eventBridge, cognito, stepFunctions, kms });
    if (meter)
      awsServer.prependListener('request', (request) => {
        const target = String(request.headers['x-amz-target'] ?? '');
        // PutEvents is counted per entry (above); SQS bills a batch of up to 10 messages as one request.
        if (
          /^(AmazonSQS\.(SendMessage|SendMessageBatch|ChangeMessageVisibility)|AWSStepFunctions\.)/.test(
            target,
          )
        )
          meter.called(target);
      });
    awsEndpoint = `http://127.0.0.1:${await listen(awsServer, 0, '127.0.0.1')}`;
    const s3 = createLocalS3({
      secrets: { [LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID]: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
      dataDir: options.dataDir ? join(options.dataDir, 's3') : undefined,
      // The inbound bucket's event notification, as CDK configures it: new `.csv` objects → the queue.
      onObjectCreated: (object, eventName) => {
        if (object.bucket === LOCAL_INBOUND_BUCKET && object.key.toLowerCase().endsWith(INBOUND_FILES.suffix))
          sqs.send(INBOUND_FILES.queue, objectCreatedNotification(object, eventName));
        // The bank files bucket's, as CDK configures it: new `tenants/….xml` objects → the queue.
        if (
          object.bucket === LOCAL_BANK_FILES_BUCKET &&
          object.key.startsWith('tenants/') &&
          object.key.toLowerCase().endsWith(BANK_FILES.suffix)
        )
          sqs.send(BANK_FILES.queue, objectCreatedNotification(object, eventName));
      },
      // As the attachments bucket's CORS rule allows the portal's origin only.
      allowedOrigins: () => [url],
    });
    const s3Endpoint = `http://127.0.0.1:${await listen(s3.server, 0, '127.0.0.1')}`;
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

    const functionEnvironment: Record<string, string> = {
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
    Object.assign(process.env, functionEnvironment);
    const handlers = await loadHandlers();
    const handlerOf = (name: string): LambdaHandler => {
      const handler = handlers.get(name) as LambdaHandler;
      if (!meter) return handler;
      return async (event, context) => {
        const started = performance.now();
        try {
          return await handler(event, context);
        } finally {
          meter.invoked(name, performance.now() - started, event);
        }
      };
    };
    handlerOfLater = handlerOf;

    for (const queue of QUEUES) {
      sqs.addConsumer({
        queue: queue.name,
        functionName: queue.consumer.function,
        batchSize: queue.consumer.batchSize,
        maxConcurrency: queue.consumer.maxConcurrency,
        handler: handlerOf(queue.consumer.function),
        onError: quietly,
      });
    }
    const poller = startStreamPoller({
      endpoint: dynamodbEndpoint,
      tableName,
      functionName: STREAM_CONSUMER.function,
      handler: handlerOf(STREAM_CONSUMER.function),
      batchSize: STREAM_CONSUMER.batchSize,
      filterPatterns: STREAM_CONSUMER.filterPatterns,
      killAfterHandlerRate: execution.relayKillRate,
      retryAttempts: STREAM_CONSUMER.retryAttempts,
      onFailure: (record) => sqs.send(STREAM_DLQ, JSON.stringify(record)),
      onError: quietly,
    });
    // The SEPA cut-off schedule (every few minutes in AWS; every 30 s here, or as the tests set it).
    const sepaCutOff = startRepeating((execution.sepaCutOffSeconds ?? 30) * 1000, () =>
      handlerOf(SEPA_CUT_OFF_FUNCTION)({}, lambdaContext(SEPA_CUT_OFF_FUNCTION)).catch(quietly),
    );
    const recovery = startRepeating(
      (execution.outboxRecoverySeconds ?? LOCAL_OUTBOX_RECOVERY_SECONDS) * 1000,
      () => handlerOf(OUTBOX_RECOVERY_FUNCTION)({}, lambdaContext(OUTBOX_RECOVERY_FUNCTION)).catch(quietly),
    );

    // API Gateway's JWT authorizer: the issuer's JWKS, the app client as audience.
    let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
    const verifyJwt = async (token: string) => {
      jwks ??= createRemoteJWKSet(new URL(`${issuer()}/.well-known/jwks.json`));
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer: issuer(), audience: LOCAL_CLIENT_ID });
        return payload as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    const server = createLocalApiGateway({
      routes: ROUTES,
      handlerOf,
      authorizer: AUTHORIZER_FUNCTION,
      verifyJwt,
      serve: createPortalServer({
        cognito,
        poolId: LOCAL_USER_POOL_ID,
        portalDir: options.portalDir ?? fileURLToPath(new URL('portal/dist', repositoryRoot)),
        config: () => ({
          stage: 'local',
          apiBase: '',
          cognito: {
            endpoint: `${url}${LOCAL_IDP_PATH}`,
            userPoolId: LOCAL_USER_POOL_ID,
            clientId: LOCAL_CLIENT_ID,
            region: 'local',
          },
        }),
        connectSources: () => [s3Endpoint],
      }),
      fallback: NOT_FOUND_FUNCTION,
      onRequest: options.onRequest,
    });
    const daily = options.dailyReports
      ? startDailyTimer(() => handlerOf(DAILY_REPORTS_FUNCTION)({}, lambdaContext(DAILY_REPORTS_FUNCTION)))
      : undefined;
    const port = await listen(server, requestedPort, host);
    url = `http://${host}:${port}`;
    return {
      url,
      port,
      dynamodbEndpoint,
      tableName,
      sqs,
      cognito,
      issuer: issuer(),
      s3Endpoint,
      awsEndpoint,
      stepFunctions,
      faults,
      functionEnvironment,
      async stop() {
        daily?.stop();
        await sepaCutOff.stop();
        await recovery.stop();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await poller.stop();
        await stepFunctions.stopAll();
        await sqs.stopAll();
        for (const other of [awsServer, s3.server]) {
          other.closeAllConnections();
          await new Promise<void>((done) => other.close(() => done()));
        }
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
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

/** Calls `run` every `intervalMs`, one run at a time (the local stand-in for a rate schedule). */
function startRepeating(intervalMs: number, run: () => Promise<unknown>) {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= run().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Calls `run` every day at the schedule's UTC time (the local stand-in for EventBridge Scheduler). */
function startDailyTimer(run: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    const now = new Date();
    const at = new Date(
      Date.UTC(
        now.getUTCFullYear(),
        now.getUTCMonth(),
        now.getUTCDate(),
        DAILY_REPORTS_SCHEDULE.hourUtc,
        DAILY_REPORTS_SCHEDULE.minuteUtc,
      ),
    );
    if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    timer = setTimeout(() => {
      run().catch((error: unknown) => console.error('[local] daily reports failed:', error));
      next();
    }, at.getTime() - now.getTime());
    timer.unref();
  };
  next();
  return { stop: () => clearTimeout(timer) };
}
