import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { eventOrigin, senderOrigin } from '../shared/ports/inbound-store.js';
import { INBOUND_EVENT_BUS } from '../shared/topology.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { LOCAL_ACCOUNT, LOCAL_ROLE_ID } from './aws/local-identity.js';
import { buildPortalIfStale } from './build-portal.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, seedDemoTeam } from './demo-team.js';
import { LocalRuntimeError } from './errors.js';
import { LOCAL_INBOUND_BUCKET, startLocalPlatform } from './runtime.js';
import { runtimeFilePath } from './runtime-file.js';

/**
 * `npm start`: the whole platform on this machine. Env: PORT (3000), PAYOUTS_DATA_DIR (.data),
 * PAYOUTS_IN_MEMORY=1 (or --in-memory) for a throwaway database, PAYOUTS_QUIET=1 to hide request lines.
 */
async function main(): Promise<void> {
  // The project needs Node 22 (D73); on an older Node the SDK's upgrade notice is noise in a terminal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = process.env.PAYOUTS_DATA_DIR ?? '.data';
  const inMemory = process.argv.includes('--in-memory') || process.env.PAYOUTS_IN_MEMORY === '1';
  const quiet = process.env.PAYOUTS_QUIET === '1';
  mkdirSync(dataDir, { recursive: true });

  const started = performance.now();
  await buildPortalIfStale();
  const platform = await startLocalPlatform({
    port: Number(process.env.PORT ?? 3000),
    dbPath: inMemory ? undefined : join(dataDir, 'dynamodb'),
    dataDir: inMemory ? undefined : dataDir,
    dailyReports: true,
    // `cdk deploy -c portalMfa=everyone`'s local twin: every user sets up an authenticator at sign-in.
    portalMfa: process.env.PAYOUTS_PORTAL_MFA === 'everyone' ? 'ON' : 'OPTIONAL',
    onRequest: quiet
      ? undefined
      : ({ method, path, status, ms }) => console.log(`${method} ${path} → ${status} (${ms.toFixed(0)} ms)`),
  });

  const demo = await ensureDemoTenant(join(dataDir, 'demo-tenant.json'));
  await seedDemoTeam(platform.cognito, demo.tenantId);
  // Event-driven payouts work out of the box for the demo tenant (README: "requested by events").
  const inbound = createDynamoAdapters({ PAYOUTS_TABLE_NAME: platform.tableName }).inbound;
  const routedAt = new Date().toISOString();
  await inbound.route(demo.tenantId, eventOrigin(LOCAL_ACCOUNT, DEMO_EVENT_SOURCE), routedAt);
  await inbound.route(demo.tenantId, senderOrigin(LOCAL_ROLE_ID), routedAt);
  await inbound.route(demo.tenantId, { kind: 's3_prefix', value: DEMO_S3_PREFIX }, routedAt);
  const width = Math.max(...DEMO_USERS.map((user) => user.email.length));
  const demoUsers = DEMO_USERS.map(
    (user) => `    ${user.email.padEnd(width)}  ${user.roles.join(', ')}`,
  ).join('\n');
  const runtimeFile = runtimeFilePath(dataDir);
  writeFileSync(
    runtimeFile,
    JSON.stringify(
      {
        url: platform.url,
        dynamodbEndpoint: platform.dynamodbEndpoint,
        tableName: platform.tableName,
        awsEndpoint: platform.awsEndpoint,
        s3Endpoint: platform.s3Endpoint,
        environment: platform.functionEnvironment,
        pid: process.pid,
      },
      null,
      2,
    ),
  );

  console.log(`
Payouts platform running at ${platform.url}  (started in ${((performance.now() - started) / 1000).toFixed(1)} s)
  storage     ${inMemory ? 'in memory (gone when stopped)' : `DynamoDB Local, persisted in ${join(dataDir, 'dynamodb')}`}
  demo tenant ${demo.tenantId}
  API key     ${demo.apiKey}

Business Portal: ${platform.url}/  — sign in as any demo user, password ${DEMO_PASSWORD}
${demoUsers}
  The admin and the approver also enter a code (two-step sign-in): add the key
  ${DEMO_TOTP_SECRET} to an authenticator app, or run  npm run payouts -- totp-code

Try it:
  curl -s ${platform.url}/v1/payouts -H "Authorization: Bearer ${demo.apiKey}" \\
    -H "Idempotency-Key: $(date +%s)" -H "Content-Type: application/json" \\
    -d '{"amount":1050,"currency":"EUR","reference":"demo-'$RANDOM'","destination":{"type":"email","email":"ada@example.com"}}'
  API docs: ${platform.url}/v1/openapi.json
  Local AWS endpoint (EventBridge bus "${INBOUND_EVENT_BUS}", SQS queue "inbound-requests"): ${platform.awsEndpoint}
    with credentials local/local (account ${LOCAL_ACCOUNT}, role ${LOCAL_ROLE_ID}), events from source
    ${DEMO_EVENT_SOURCE} and queue messages become the demo tenant's payouts
  Local S3 endpoint: ${platform.s3Endpoint}  (credentials local/local, region us-east-1)
    a CSV put under s3://${LOCAL_INBOUND_BUCKET}/${DEMO_S3_PREFIX}/ becomes a demo batch; its result is written beside it
Press Ctrl-C to stop.
`);

  stopPlatform = async () => {
    rmSync(runtimeFile, { force: true });
    await platform.stop();
  };
  if (stopSignal) await shutdown(stopSignal);
}

let stopPlatform: (() => Promise<void>) | undefined;
let stopSignal: string | undefined;
let stopping = false;

/**
 * Ctrl-C (or SIGTERM) stops everything started, even mid-start-up; if stopping hangs, the process
 * exits anyway after 10 s, and its exit hook kills DynamoDB Local, so nothing is left behind.
 */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopSignal = signal;
  if (!stopPlatform) return; // still starting: main() stops the platform once it is up
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  setTimeout(() => process.exit(1), 10_000).unref();
  await stopPlatform();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

/**
 * The EventBridge source routed to the demo tenant (from the local account); queue messages sent with
 * the local credentials come from the local role (LOCAL_ROLE_ID), also routed to it.
 */
const DEMO_EVENT_SOURCE = 'com.example.demo';
/** The inbound bucket prefix routed to the demo tenant: `s3://payouts-inbound/demo/<name>.csv`. */
const DEMO_S3_PREFIX = 'demo';

/** The demo tenant and its key, created on first start and shown on every start. */
async function ensureDemoTenant(file: string): Promise<{ tenantId: string; apiKey: string }> {
  const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: process.env.PAYOUTS_TABLE_NAME as string });
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { tenantId: string; apiKey: string };
    if (await adapters.tenants.getTenant(saved.tenantId)) return saved;
  }
  const { tenant, secret } = await tenantAdministration(adapters).createTenant({ name: 'Demo company' });
  const demo = { tenantId: tenant.id, apiKey: secret };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}

main().catch((error: unknown) => {
  if (error instanceof LocalRuntimeError) {
    console.error(`npm start: ${error.message}`);
  } else {
    console.error('npm start failed:', error);
  }
  process.exit(1);
});
