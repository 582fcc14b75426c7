import { Command, Option } from 'commander';
import { LOCAL_USER_POOL_ID, totpOf } from '../local/aws/local-cognito.js';
import { LOCAL_ACCOUNT } from '../local/aws/local-identity.js';
import { DEMO_TOTP_SECRET } from '../local/demo-team.js';
import { readRuntimeFile } from '../local/runtime-file.js';
import { createCognitoDirectory } from '../shared/adapters/cognito-directory.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { SYSTEM } from '../shared/domain/audit.js';
import { AppError } from '../shared/domain/errors.js';
import { DEFAULT_LIMITS, type TenantLimits } from '../shared/domain/rate-limits.js';
import { ROLES, type Role } from '../shared/domain/team.js';
import { eventOrigin, type InboundOrigin, senderOrigin } from '../shared/ports/inbound-store.js';
import type { RecoveryReport } from '../shared/use-cases/outbox-recovery.js';
import { teamUseCase } from '../shared/use-cases/team.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { createBatchFromFile } from './batch.js';
import { connectorCommands } from './connectors.js';
import { reconciliationCommands } from './reconciliation.js';
import { sepaCommands } from './sepa.js';
import { CliError, resolveTarget } from './target.js';

/**
 * Operator CLI: `npm run payouts -- <command>`. Works against the local platform started with
 * `npm start`, or against AWS with --table (or PAYOUTS_TABLE_NAME) and AWS credentials.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('payouts')
  .description('Operate a payouts platform: tenants, API keys and portal members')
  .option('--table <name>', 'DynamoDB table of a deployed stack (default: the local platform)')
  .showHelpAfterError();

function administration() {
  const target = resolveTarget(program.opts<{ table?: string }>().table);
  return {
    admin: tenantAdministration(createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName })),
    target,
  };
}

const modeOption = new Option('--mode <mode>', 'key mode').choices(['test', 'live']).default('test');

function print(json: boolean, value: unknown, text: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}

const tenants = program.command('tenants').description('Tenants (one per company using the platform)');
tenants
  .command('create')
  .description('Create a tenant and its first API key (the key is shown once)')
  .requiredOption('--name <name>', 'display name, e.g. "Acme"')
  .addOption(modeOption)
  .option('--json', 'print JSON')
  .action(async (options: { name: string; mode: 'test' | 'live'; json?: boolean }) => {
    const name = options.name.trim();
    if (name.length === 0 || name.length > 200) throw new CliError('--name must be 1 to 200 characters');
    const { admin, target } = administration();
    const { tenant, secret } = await admin.createTenant({ name, mode: options.mode });
    print(
      Boolean(options.json),
      { tenant: { id: tenant.id, name: tenant.name }, api_key: secret },
      `Created tenant ${tenant.id} (${tenant.name}) on ${target.description}.\nAPI key (shown once, store it now): ${secret}`,
    );
  });

tenants
  .command('limits')
  .description("Show or set a tenant's per-second request limits (429 rate_limited above them)")
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .option('--create-per-second <n>', 'POST /v1/payouts and /v1/payout-batches per second (default 100)')
  .option('--list-per-second <n>', 'GET listings of payouts, events and batches per second (default 100)')
  .option('--json', 'print JSON')
  .action(
    async (options: { tenant: string; createPerSecond?: string; listPerSecond?: string; json?: boolean }) => {
      const { admin } = administration();
      const given = {
        ...(options.createPerSecond !== undefined
          ? { createPerSecond: Number(options.createPerSecond) }
          : {}),
        ...(options.listPerSecond !== undefined ? { listPerSecond: Number(options.listPerSecond) } : {}),
      };
      let limits: TenantLimits;
      if (Object.keys(given).length > 0) {
        try {
          limits = await admin.setLimits(options.tenant, given);
        } catch (error) {
          if (error instanceof AppError)
            throw new CliError(
              error.details?.map((problem) => `--${kebab(problem.param)} ${problem.message}`).join('; ') ??
                error.message,
            );
          throw error;
        }
      } else {
        const tenant = await admin.getTenant(options.tenant);
        if (!tenant) throw new CliError(`No tenant ${options.tenant}`);
        limits = { ...DEFAULT_LIMITS, ...tenant.limits };
      }
      print(
        Boolean(options.json),
        {
          tenant_id: options.tenant,
          create_per_second: limits.createPerSecond,
          list_per_second: limits.listPerSecond,
        },
        `${options.tenant}: ${limits.createPerSecond} creations/s, ${limits.listPerSecond} listings/s`,
      );
    },
  );
const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

const apiKeys = program.command('api-keys').description("A tenant's API keys");
apiKeys
  .command('create')
  .description('Create another API key for a tenant (shown once)')
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .option('--name <name>', 'what the key is for', 'API key')
  .addOption(modeOption)
  .option('--json', 'print JSON')
  .action(async (options: { tenant: string; name: string; mode: 'test' | 'live'; json?: boolean }) => {
    const { admin } = administration();
    const { apiKey, secret } = await admin.createApiKey({
      tenantId: options.tenant,
      name: options.name,
      mode: options.mode,
    });
    print(
      Boolean(options.json),
      { id: apiKey.id, name: apiKey.name, api_key: secret },
      `Created ${apiKey.id}: ${secret}`,
    );
  });
apiKeys
  .command('list')
  .description("List a tenant's API keys (hints only)")
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .option('--json', 'print JSON')
  .action(async (options: { tenant: string; json?: boolean }) => {
    const { admin } = administration();
    const keys = (await admin.listApiKeys(options.tenant)).map(({ hash: _hash, ...key }) => key);
    const lines = keys.map((key) => `${key.id}  ${key.hint}  ${key.status.padEnd(7)}  ${key.name}`);
    print(Boolean(options.json), keys, lines.length > 0 ? lines.join('\n') : 'No API keys.');
  });
apiKeys
  .command('revoke')
  .description('Revoke an API key: requests with it get 401 from now on')
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .requiredOption('--key <id>', 'API key id (ak_…)')
  .action(async (options: { tenant: string; key: string }) => {
    const { admin } = administration();
    if (!(await admin.revokeApiKey(options.tenant, options.key))) {
      throw new CliError(`No active API key ${options.key} for tenant ${options.tenant}`);
    }
    console.log(`Revoked ${options.key}.`);
  });

const members = program.command('members').description("A tenant's Business Portal team");
members
  .command('invite')
  .description("Invite a member to a tenant's portal: the first admin of a new tenant, for instance")
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .requiredOption('--email <email>', 'their email: the sign-in name')
  .requiredOption('--name <name>', 'their name')
  .option('--roles <roles>', `comma-separated, of ${ROLES.join(', ')}`, 'admin')
  .option('--user-pool <id>', 'Cognito user pool id (the UserPoolId stack output; default: the local one)')
  .option('--json', 'print JSON')
  .action(
    async (options: {
      tenant: string;
      email: string;
      name: string;
      roles: string;
      userPool?: string;
      json?: boolean;
    }) => {
      const roles = options.roles.split(',').map((role) => role.trim());
      const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0)
        throw new CliError(`--roles: unknown role ${unknown.join(', ')} (use ${ROLES.join(', ')})`);
      const { admin, target } = administration();
      if (!target.local && !options.userPool)
        throw new CliError('--user-pool is required against AWS (the UserPoolId output)');
      if (!(await admin.getTenant(options.tenant))) throw new CliError(`No tenant ${options.tenant}`);
      const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName });
      const team = teamUseCase({
        team: adapters.team,
        directory: createCognitoDirectory({
          userPoolId: options.userPool ?? LOCAL_USER_POOL_ID,
          handOverPassword: target.local,
        }),
      });
      const member = await team.invite(
        { tenantId: options.tenant, actor: SYSTEM, sourceIp: null, requestId: 'cli' },
        { email: options.email, name: options.name, roles: roles as Role[] },
      );
      print(
        Boolean(options.json),
        member,
        `Invited ${member.email} (${member.roles.join(', ')}) to ${options.tenant} on ${target.description}.\n${
          member.temporary_password
            ? `Temporary password (shown once): ${member.temporary_password}`
            : 'Cognito emails them a temporary password.'
        }`,
      );
    },
  );

members
  .command('reset-mfa')
  .description(
    "Turn a member's two-step sign-in off (a lost phone) when no other admin of the tenant can: they set up a new authenticator at their next sign-in",
  )
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .requiredOption('--email <email>', 'their email')
  .option('--user-pool <id>', 'Cognito user pool id (the UserPoolId stack output; default: the local one)')
  .action(async (options: { tenant: string; email: string; userPool?: string }) => {
    const { target } = administration();
    if (!target.local && !options.userPool)
      throw new CliError('--user-pool is required against AWS (the UserPoolId output)');
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName });
    const member = (await adapters.team.listMembers(options.tenant)).find(
      (candidate) => candidate.email === options.email.toLowerCase(),
    );
    if (!member) throw new CliError(`No member ${options.email} in ${options.tenant}`);
    const team = teamUseCase({
      team: adapters.team,
      directory: createCognitoDirectory({
        userPoolId: options.userPool ?? LOCAL_USER_POOL_ID,
        handOverPassword: target.local,
      }),
    });
    await team.resetMfa(
      { tenantId: options.tenant, actor: SYSTEM, sourceIp: null, requestId: 'cli' },
      member.id,
    );
    console.log(
      `Two-step sign-in of ${member.email} is off on ${target.description}: they sign in with their password and set up a new authenticator.`,
    );
  });

const triggers = program
  .command('triggers')
  .description(
    'Which event sources, SQS senders and inbound bucket prefixes may request payouts for a tenant',
  );
type OriginOptions = { source?: string; account?: string; sqsSender?: string; s3Prefix?: string };
const originOf = (options: OriginOptions, local: boolean): InboundOrigin => {
  const given: InboundOrigin[] = [];
  if (options.source) {
    // The account EventBridge names in the envelope: events only route from the integrator's account.
    const account = options.account ?? (local ? LOCAL_ACCOUNT : undefined);
    if (!account || !/^\d{12}$/.test(account))
      throw new CliError('--source needs --account <the 12-digit AWS account that puts the events>');
    given.push(eventOrigin(account, options.source));
  }
  if (options.sqsSender) given.push(senderOrigin(options.sqsSender));
  if (options.s3Prefix) given.push({ kind: 's3_prefix', value: options.s3Prefix.replace(/\/+$/, '') });
  const [origin] = given;
  if (!origin || given.length !== 1)
    throw new CliError(
      'give exactly one of --source <EventBridge source>, --sqs-sender <SenderId> or --s3-prefix <folder>',
    );
  if (origin.kind === 's3_prefix' && !/^[A-Za-z0-9._-]{1,128}$/.test(origin.value))
    throw new CliError(
      '--s3-prefix is one folder name: letters, digits, ".", "_" and "-" (e.g. acme-payroll)',
    );
  return origin;
};
const ORIGIN_LABELS = { event_source: 'event source', sqs_sender: 'sqs sender', s3_prefix: 's3 prefix' };
triggers
  .command('route')
  .description(
    "Route a 'Payout Requested' event source, an SQS sender (IAM principal id) or an inbound bucket prefix to a tenant",
  )
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .option(
    '--source <source>',
    "EventBridge source, e.g. com.acme.refunds (events with detail-type 'Payout Requested' on the inbound bus)",
  )
  .option(
    '--account <id>',
    "with --source: the integrator's AWS account (EventBridge's `account`); locally 000000000000",
  )
  .option(
    '--sqs-sender <id>',
    "SQS sender: the integrator's IAM role id (AROA…, any session) or user id (AIDA…); npm start prints the local one",
  )
  .option(
    '--s3-prefix <folder>',
    'first folder of payroll files in the inbound bucket: <folder>/<name>.csv becomes a batch',
  )
  .action(async (options: { tenant: string } & OriginOptions) => {
    const target = resolveTarget(program.opts<{ table?: string }>().table);
    const origin = originOf(options, target.local);
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName });
    if (!(await tenantAdministration(adapters).getTenant(options.tenant)))
      throw new CliError(`No tenant ${options.tenant}`);
    if (!(await adapters.inbound.route(options.tenant, origin, new Date().toISOString())))
      throw new CliError(`${origin.value} is already routed to another tenant: unroute it there first`);
    console.log(`${ORIGIN_LABELS[origin.kind]} ${origin.value} → ${options.tenant}`);
  });
triggers
  .command('unroute')
  .description('Stop accepting payout requests from a source, sender or prefix')
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .option('--source <source>', 'EventBridge source')
  .option('--account <id>', "with --source: the integrator's AWS account")
  .option('--sqs-sender <id>', 'SQS sender role or user id')
  .option('--s3-prefix <folder>', 'inbound bucket prefix')
  .action(async (options: { tenant: string } & OriginOptions) => {
    const target = resolveTarget(program.opts<{ table?: string }>().table);
    const origin = originOf(options, target.local);
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName });
    if (!(await adapters.inbound.unroute(options.tenant, origin)))
      throw new CliError(`${origin.value} is not routed to ${options.tenant}`);
    console.log(`${origin.value} no longer routed`);
  });
triggers
  .command('list')
  .description("A tenant's routed sources, senders and prefixes")
  .requiredOption('--tenant <id>', 'tenant id (ten_…)')
  .action(async (options: { tenant: string }) => {
    const target = resolveTarget(program.opts<{ table?: string }>().table);
    const routes = await createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName }).inbound.routesOf(
      options.tenant,
    );
    for (const route of routes) console.log(`${ORIGIN_LABELS[route.kind].padEnd(13)} ${route.value}`);
    if (routes.length === 0) console.log('(none)');
  });

const batch = program.command('batch').description('Payout batches from CSV files');
batch
  .command('create')
  .description(
    'Check a CSV file, send it as one batch (its hash is the Idempotency-Key) and follow it to completion',
  )
  .requiredOption('--file <path>', 'CSV with a header: reference,amount,currency,… (docs/api.md)')
  .option('--api-key <key>', "the tenant's API key (default: PAYOUTS_API_KEY)")
  .option('--api-url <url>', 'the API (default: PAYOUTS_API_URL, or the local platform)')
  .option('--no-wait', 'return once the batch is accepted')
  .option('--json', 'print the batch as JSON at the end')
  .action(createBatchFromFile);

const outbox = program.command('outbox').description('The outbox: events the relay could not publish');
outbox
  .command('replay')
  .description(
    'Replay the relay batches in the stream DLQ and re-drive open payouts unchanged for --older-than (what the 5-minute schedule does, now)',
  )
  .option('--older-than <duration>', 'a payout unchanged this long is re-driven: 90s, 15m, 2h', '15m')
  .option(
    '--function <name>',
    'in AWS: the OutboxRecoveryFunctionName stack output (it runs with its own permissions)',
  )
  .option('--json', 'print the report as JSON')
  .action(async (options: { olderThan: string; function?: string; json?: boolean }) => {
    const staleSeconds = seconds(options.olderThan);
    const report = options.function
      ? await invokeRecovery(options.function, staleSeconds)
      : await replayLocally(staleSeconds);
    print(
      Boolean(options.json),
      report,
      [
        `Replayed ${report.replayed} relay batch(es) from the stream DLQ (${report.expired} past the stream's 24 h, ${report.replayFailed} failed: retried on the next run).`,
        `Open payouts unchanged for ${options.olderThan}: ${report.stale}; re-driven: ${report.redriven.execution} execution(s), ${report.redriven.approval} approval workflow(s)${report.redriveFailed ? `; ${report.redriveFailed} could not be (retried on the next run)` : ''}.`,
      ].join('\n'),
    );
  });

outbox
  .command('index-open-payouts')
  .description(
    'Once after upgrading to a version with the outbox sweeper: adds open payouts written before it to its index (a table scan)',
  )
  .action(async () => {
    const target = resolveTarget(program.opts<{ table?: string }>().table);
    const indexed = await createDynamoAdapters({
      PAYOUTS_TABLE_NAME: target.tableName,
    }).payouts.indexOpenPayouts();
    console.log(`Indexed ${indexed} open payout(s) on ${target.description}; the sweeper now watches them.`);
  });

program
  .command('totp-code')
  .description(
    "The current code of an authenticator key (default: the local demo admin's and approver's), for trying the portal without a phone",
  )
  .argument('[secret]', 'a base32 authenticator key', DEMO_TOTP_SECRET)
  .action((secret: string) => {
    const totp = totpOf(secret.replace(/\s/g, '').toUpperCase());
    const left = 30 - (Math.floor(Date.now() / 1000) % 30);
    console.log(`${totp.generate()}  (valid for ${left} more second(s); each code signs in once)`);
  });

/** '90s', '15m', '2h' → seconds. */
function seconds(duration: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration.trim());
  if (!match) throw new CliError(`--older-than must look like 90s, 15m or 2h, not '${duration}'`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

/** Locally: runs the recovery in this process against the running `npm start`, as its function would. */
async function replayLocally(staleSeconds: number): Promise<RecoveryReport> {
  if (program.opts<{ table?: string }>().table || process.env.PAYOUTS_TABLE_NAME)
    throw new CliError(
      'In AWS, give --function <OutboxRecoveryFunctionName output>: the recovery runs there.',
    );
  resolveTarget(undefined);
  const runtime = readRuntimeFile();
  if (!runtime?.environment)
    throw new CliError('The running platform is too old for this command: restart npm start.');
  Object.assign(process.env, runtime.environment);
  const { outboxRecoveryFromEnvironment } = await import('../shared/wiring/outbox-recovery.js');
  return outboxRecoveryFromEnvironment({ log: () => undefined })({ staleSeconds });
}

/** In AWS: invokes the deployed recovery function and returns its report. */
async function invokeRecovery(functionName: string, staleSeconds: number): Promise<RecoveryReport> {
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  const result = await new LambdaClient({}).send(
    new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify({ staleSeconds }) }),
  );
  const payload = Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8');
  if (result.FunctionError) throw new CliError(`The recovery function failed: ${payload}`);
  return JSON.parse(payload) as RecoveryReport;
}

connectorCommands(program);
reconciliationCommands(program);
sepaCommands(program);

program.parseAsync().catch((error: unknown) => {
  console.error(
    `payouts: ${error instanceof CliError ? error.message : error instanceof Error ? error.message : String(error)}`,
  );
  if (error instanceof AppError && error.details && error.details.length > 1)
    for (const problem of error.details) console.error(`  ${problem.param}: ${problem.message}`);
  process.exit(1);
});
