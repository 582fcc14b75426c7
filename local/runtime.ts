import type { Server } from 'node:http';
import {
  AUTHORIZER_FUNCTION,
  FUNCTIONS,
  handlerEntry,
  NOT_FOUND_FUNCTION,
  ROUTES,
} from '../shared/topology.js';
import { createLocalApiGateway, type LambdaHandler } from './api-gateway.js';
import { type DynamoDbLocal, ensureTable, LOCAL_AWS_ENV, startDynamoDbLocal } from './dynamodb-local.js';
import { LocalRuntimeError } from './errors.js';
import { checkPortFree } from './ports.js';

export interface LocalPlatformOptions {
  port?: number;
  host?: string;
  tableName?: string;
  /** Persist DynamoDB Local's data here; omit for an in-memory database. */
  dbPath?: string;
  /** Use an already running DynamoDB Local instead of starting one (tests share one). */
  dynamodbEndpoint?: string;
  onRequest?: Parameters<typeof createLocalApiGateway>[0]['onRequest'];
}

export interface LocalPlatform {
  url: string;
  port: number;
  dynamodbEndpoint: string;
  tableName: string;
  stop(): Promise<void>;
}

const repositoryRoot = new URL('..', import.meta.url);

async function loadHandlers(): Promise<Map<string, LambdaHandler>> {
  const handlers = new Map<string, LambdaHandler>();
  for (const spec of FUNCTIONS) {
    const module = (await import(new URL(handlerEntry(spec.name), repositoryRoot).href)) as {
      handler: LambdaHandler;
    };
    handlers.set(spec.name, module.handler);
  }
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
    Object.assign(process.env, {
      ...LOCAL_AWS_ENV,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      PAYOUTS_TABLE_NAME: tableName,
      PAYOUTS_STAGE: 'local',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    const handlers = await loadHandlers();
    const server = createLocalApiGateway({
      routes: ROUTES,
      handlerOf: (name) => handlers.get(name) as LambdaHandler,
      authorizer: AUTHORIZER_FUNCTION,
      fallback: NOT_FOUND_FUNCTION,
      onRequest: options.onRequest,
    });
    const port = await listen(server, requestedPort, host);
    return {
      url: `http://${host}:${port}`,
      port,
      dynamodbEndpoint,
      tableName,
      async stop() {
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}
