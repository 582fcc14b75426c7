import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  AUTHORIZER_FUNCTION,
  FUNCTIONS,
  type FunctionSpec,
  handlerEntry,
  NOT_FOUND_FUNCTION,
  ROUTES,
} from '../shared/topology.js';
import { createLocalApiGateway, type LambdaHandler, lambdaContext } from './api-gateway.js';
import { LOCAL_CLIENT_ID, LOCAL_USER_POOL_ID, type LocalCognito } from './aws/local-cognito.js';
import type { LocalSqs } from './aws/local-sqs.js';
import type { LocalStepFunctions } from './aws/local-stepfunctions.js';
import { startAwsServices } from './aws-services.js';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from './dynamodb-local.js';
import { LocalRuntimeError } from './errors.js';
import { startEventSources } from './event-sources.js';
import { functionEnvironmentOf } from './function-environment.js';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS, withFunctionTimeout } from './function-timeout.js';
import { createPortalServer, LOCAL_IDP_PATH } from './portal-server.js';
import { checkPortFree, closeServer, listen } from './ports.js';

export { LOCAL_BANK_FILES_BUCKET, LOCAL_INBOUND_BUCKET, STREAM_DLQ } from './aws-services.js';

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

/** How a handler module is loaded (tests load stand-ins). */
export type HandlerImporter = (spec: FunctionSpec<string>) => Promise<LambdaHandler>;

const importHandler: HandlerImporter = async (spec) =>
  ((await import(new URL(handlerEntry(spec.name), repositoryRoot).href)) as { handler: LambdaHandler })
    .handler;

/**
 * Every function's handler, run under its topology timeout as Lambda runs it (an invocation past it
 * fails: its queue message comes back, API Gateway answers 500).
 */
export async function loadHandlers(
  specs: readonly FunctionSpec<string>[] = FUNCTIONS,
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

/**
 * Starts the platform on this machine: DynamoDB Local, the table CDK deploys, the AWS services it
 * uses (aws-services.ts), the functions under their event sources (event-sources.ts) and the API
 * and portal served by the same handlers Lambda runs. The handlers read their configuration from the
 * environment, as in Lambda, so this sets it for the whole process: one platform per process.
 */
export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 3000;
  const tableName = options.tableName ?? 'payouts';
  if (requestedPort !== 0) await ensurePortFree(requestedPort, host);

  let dynamo: DynamoDbLocal | undefined;
  if (!options.dynamodbEndpoint) dynamo = await startDynamoDbLocal({ dbPath: options.dbPath });
  const dynamodbEndpoint = options.dynamodbEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
  try {
    await ensureTable(dynamodbEndpoint, tableName);
    const execution = options.execution ?? {};
    // Failures of consumers and executions are part of normal operation (retries); PAYOUTS_DEBUG=1 prints them.
    const quietly =
      process.env.PAYOUTS_DEBUG === '1'
        ? (error: unknown) => console.error('[local]', error)
        : () => undefined;
    // The gateway's URL is known once it listens: the user pool's issuer and the buckets' CORS use it.
    let url = '';
    const issuer = () => `${url}${LOCAL_IDP_PATH}/${LOCAL_USER_POOL_ID}`;
    // Step Functions' tasks run handlers that load once the services (and so the environment) exist.
    let handlerOfLater: (name: string) => LambdaHandler = () => {
      throw new Error('handlers not loaded yet');
    };
    const aws = await startAwsServices({
      execution,
      meter: options.meter,
      dataDir: options.dataDir,
      portalMfa: options.portalMfa,
      issuer,
      portalOrigin: () => url,
      invoke: (name, payload) => handlerOfLater(name)(payload, lambdaContext(name)),
      onError: quietly,
    });

    const functionEnvironment = functionEnvironmentOf({
      dynamodbEndpoint,
      tableName,
      awsEndpoint: aws.awsEndpoint,
      s3Endpoint: aws.s3Endpoint,
      sqs: aws.sqs,
      approvalMachineArn: aws.approvalMachineArn,
      execution,
    });
    Object.assign(process.env, functionEnvironment);
    const handlerOf = meteredHandlers(await loadHandlers(), options.meter);
    handlerOfLater = handlerOf;

    const sources = startEventSources({
      sqs: aws.sqs,
      handlerOf,
      dynamodbEndpoint,
      tableName,
      execution,
      dailyReports: options.dailyReports,
      onError: quietly,
    });
    const server = createLocalApiGateway({
      routes: ROUTES,
      handlerOf,
      authorizer: AUTHORIZER_FUNCTION,
      verifyJwt: jwtVerifier(issuer),
      serve: createPortalServer({
        cognito: aws.cognito,
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
        connectSources: () => [aws.s3Endpoint],
      }),
      fallback: NOT_FOUND_FUNCTION,
      onRequest: options.onRequest,
    });
    const port = await listen(server, requestedPort, host);
    url = `http://${host}:${port}`;
    return {
      url,
      port,
      dynamodbEndpoint,
      tableName,
      sqs: aws.sqs,
      cognito: aws.cognito,
      issuer: issuer(),
      s3Endpoint: aws.s3Endpoint,
      awsEndpoint: aws.awsEndpoint,
      stepFunctions: aws.stepFunctions,
      faults: aws.faults,
      functionEnvironment,
      async stop() {
        await sources.stopSchedules();
        await closeServer(server);
        await sources.stopStream();
        await aws.stop();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}

/** Refuses a port something else listens on, with what to do about it. */
async function ensurePortFree(port: number, host: string): Promise<void> {
  await checkPortFree(port, host).catch((error: NodeJS.ErrnoException) => {
    throw new LocalRuntimeError(
      error.code === 'EADDRINUSE'
        ? `Port ${port} is already in use: stop what runs there or start with PORT=${port + 1} npm start.`
        : `Cannot listen on ${host}:${port}: ${error.message}`,
    );
  });
}

/** The handlers as the meter sees them: every invocation told with its duration and event. */
function meteredHandlers(
  handlers: Map<string, LambdaHandler>,
  meter: PlatformMeter | undefined,
): (name: string) => LambdaHandler {
  return (name) => {
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
}

/** API Gateway's JWT authorizer: the issuer's JWKS, the app client as audience. */
function jwtVerifier(issuer: () => string) {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  return async (token: string) => {
    jwks ??= createRemoteJWKSet(new URL(`${issuer()}/.well-known/jwks.json`));
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: issuer(), audience: LOCAL_CLIENT_ID });
      return payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
}
