import { Command, Option } from 'commander';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { tenantAdministration } from '../shared/use-cases/tenants.js';
import { CliError, resolveTarget } from './target.js';

/**
 * Operator CLI: `npm run payouts -- <command>`. Works against the local platform started with
 * `npm start`, or against AWS with --table (or PAYOUTS_TABLE_NAME) and AWS credentials.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('payouts')
  .description('Operate a payouts platform: tenants and API keys')
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

program.parseAsync().catch((error: unknown) => {
  console.error(
    `payouts: ${error instanceof CliError ? error.message : error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
