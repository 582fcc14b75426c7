import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION } from '../shared/adapters/dynamodb/table-definition.js';
import { LocalRuntimeError } from './errors.js';
import { findFreePort } from './ports.js';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Credentials and region DynamoDB Local accepts (it ignores both with -sharedDb). */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

function emulatorDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new LocalRuntimeError(
      'Java 17+ is needed to run DynamoDB Local and was not found on PATH (on Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless).',
    );
  }
}

const LAUNCHER_SOURCE = fileURLToPath(new URL('./dynamodb/LoopbackDynamoDbLocal.java', import.meta.url));
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

/**
 * How to start DynamoDB Local on 127.0.0.1 only (the jar has no option for it; D54): the small
 * launcher in `dynamodb/`, compiled once into node_modules/.cache with `javac` when there is one, or
 * run as a single-file source program when this Java has its compiler module (Debian's
 * openjdk-17-jre-headless has it, without `javac`). Failing both, the plain jar, on every interface,
 * with a warning.
 */
function launcherArguments(directory: string): { args: string[]; loopback: boolean } {
  const classPath = [join(directory, 'DynamoDBLocal.jar'), join(directory, 'DynamoDBLocal_lib', '*')];
  const source = readFileSync(LAUNCHER_SOURCE);
  const classes = join(
    fileURLToPath(new URL('../node_modules/.cache/loopback-dynamodb-local/', import.meta.url)),
    createHash('sha256').update(source).update(directory).digest('hex').slice(0, 16),
  );
  if (!existsSync(join(classes, `${LAUNCHER_CLASS}.class`))) {
    // Compiled aside and renamed into place: two processes starting at once never see half a class.
    const aside = `${classes}.${process.pid}`;
    mkdirSync(aside, { recursive: true });
    const compiled = spawnSync(
      'javac',
      ['-nowarn', '-d', aside, '-cp', classPath.join(delimiter), LAUNCHER_SOURCE],
      { stdio: 'ignore' },
    );
    if (compiled.status === 0) {
      try {
        renameSync(aside, classes);
      } catch {
        // Another process put its copy there first.
      }
    }
    rmSync(aside, { recursive: true, force: true });
  }
  if (existsSync(join(classes, `${LAUNCHER_CLASS}.class`)))
    return { args: ['-cp', [classes, ...classPath].join(delimiter), LAUNCHER_CLASS], loopback: true };
  const modules = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  if (/^jdk\.compiler@/m.test(modules.stdout ?? ''))
    return { args: ['-cp', classPath.join(delimiter), LAUNCHER_SOURCE], loopback: true };
  return { args: ['-jar', classPath[0] as string], loopback: false };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new LocalRuntimeError(
          `DynamoDB Local exited with code ${child.exitCode}: ${output().trim().slice(-500)}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((done) => setTimeout(done, 100));
      }
    }
    throw new LocalRuntimeError(`DynamoDB Local did not answer within 30 s: ${output().trim().slice(-500)}`);
  } finally {
    client.destroy();
  }
}

/**
 * Starts the official DynamoDB Local (the jar shipped in `amplify-dynamodb-simulator`) on a free
 * loopback port, in memory or persisted under `dbPath`. The Java process is killed when `stop()` is
 * called or when this Node process exits, so Ctrl-C leaves no orphan behind.
 */
export async function startDynamoDbLocal(
  options: {
    dbPath?: string;
    port?: number;
    /** The emulator's Java heap (512 MB by default; an in-memory table of 400,000 items needs more). */
    heapMb?: number;
  } = {},
): Promise<DynamoDbLocal> {
  assertJava();
  const directory = emulatorDirectory();
  const port = options.port ?? (await findFreePort());
  const storage = options.dbPath ? ['-dbPath', resolve(options.dbPath)] : ['-inMemory'];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const launcher = launcherArguments(directory);
  if (!launcher.loopback)
    console.warn(
      'DynamoDB Local listens on every interface: this Java cannot compile its loopback launcher (install a JDK, e.g. openjdk-17-jdk-headless).',
    );
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
      `-Xmx${options.heapMb ?? 512}m`,
      ...launcher.args,
      ...storage,
      '-sharedDb',
      '-port',
      String(port),
      // No page may call it from a browser (the default allows every origin): the only origin
      // allowed is its own, which serves no pages.
      '-cors',
      `http://127.0.0.1:${port}`,
      '-disableTelemetry',
    ],
    // DynamoDB Local writes a metadata file into its working directory: keep it out of the repo.
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.dbPath ?? tmpdir() },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  child.stderr?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilReady(endpoint, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/** The CreateTable request for the table CDK deploys (same keys, index, stream and TTL attribute). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const definition = TABLE_DEFINITION;
  const attributes = new Set<string>([definition.partitionKey, definition.sortKey]);
  for (const index of definition.globalSecondaryIndexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: definition.partitionKey, KeyType: 'HASH' },
      { AttributeName: definition.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map(indexInput),
    StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
  };
}

function indexInput(index: (typeof TABLE_DEFINITION.globalSecondaryIndexes)[number]) {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection },
  };
}

/**
 * Creates the table if it does not exist yet (a persisted `.data/` keeps it across starts), and adds
 * an index a newer version declares to a table an older one created, as a deployment would.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of TABLE_DEFINITION.globalSecondaryIndexes.filter(
      (each) => !present.has(each.indexName),
    ))
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [index.partitionKey, index.sortKey].map((name) => ({
            AttributeName: name,
            AttributeType: 'S',
          })),
          GlobalSecondaryIndexUpdates: [{ Create: indexInput(index) }],
        }),
      );
  } finally {
    client.destroy();
  }
}
