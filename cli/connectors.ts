import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LOCAL_KMS_KEY_ID } from '../local/aws/local-kms.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { createKmsSecretSealer } from '../shared/adapters/kms-secret-sealer.js';
import { loadConfig } from '../shared/config.js';
import { CONNECTOR_REGISTRY } from '../shared/connectors/registry.js';
import { SYSTEM } from '../shared/domain/audit.js';
import type { ConnectorsResource } from '../shared/schemas/connectors-resource.js';
import { connectorsUseCase } from '../shared/use-cases/connectors.js';
import { connectorRuntimes } from '../shared/wiring/connectors.js';
import { CliError, resolveTarget } from './target.js';

const caller = (tenantId: string) => ({ tenantId, actor: SYSTEM, sourceIp: null, requestId: 'cli' });

/** `--field name=value` (repeatable) → { name: value }. */
function fieldsOf(values: string[] | undefined, file: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      // Never the parser's message: it quotes the file, secrets and all.
      const why = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
      throw new CliError(`--fields-file ${file} ${why}`);
    }
    if (!parsed || typeof parsed !== 'object')
      throw new CliError(`--fields-file ${file}: must hold a JSON object`);
    for (const [name, value] of Object.entries(parsed)) fields[name] = String(value);
  }
  for (const pair of values ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new CliError(`--field ${pair.split('=')[0]}: must be name=value`);
    fields[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return fields;
}

/** `bank_account:EUR=adyen` or `email=paypal` → a routing rule. */
function ruleOf(text: string) {
  const match = /^([a-z_]+)(?::([A-Z]{3}))?=([a-z_]+)$/.exec(text);
  if (!match)
    throw new CliError(
      `--rule ${text}: must be <destination type>[:<currency>]=<connector>, e.g. bank_account:EUR=adyen`,
    );
  return { destination_type: match[1] ?? '', currency: match[2] ?? null, connector: match[3] ?? '' };
}

function describe(rails: ConnectorsResource): string {
  const lines = [
    rails.connectors.length
      ? rails.connectors
          .map(
            (connector) =>
              `  ${connector.name} (${connector.mode}) carries ${connector.destination_types.join(', ')}${
                Object.keys(connector.public_fields).length
                  ? `; ${Object.entries(connector.public_fields)
                      .map(([name, value]) => `${name}=${value}`)
                      .join(', ')}`
                  : ''
              }; updated ${connector.updated_at} by ${connector.updated_by}`,
          )
          .join('\n')
      : '  (no connectors configured)',
    'Routing rules (first match wins):',
    ...(rails.rules.length
      ? rails.rules.map(
          (rule) =>
            `  ${rule.destination_type}${rule.currency ? `:${rule.currency}` : ''} → ${rule.connector}`,
        )
      : ['  (none)']),
    `Default rail: ${rails.default_connector ?? (rails.sandbox_available ? 'sandbox (offered by this deployment)' : 'none')}`,
  ];
  return `Connectors:\n${lines.join('\n')}`;
}

/** `npm run payouts -- connectors …`: a tenant's payout rails, as an operator sets them up. */
export function connectorCommands(program: Command) {
  /** The use case on the target; `sealing`: the command seals or opens credentials (needs the key). */
  function rails(options: { key?: string }, sealing = true) {
    const target = resolveTarget(program.opts<{ table?: string }>().table);
    if (sealing && !target.local && !options.key)
      throw new CliError('--key is required against AWS (the ConnectorKeyArn stack output)');
    const config = loadConfig({ ...process.env, PAYOUTS_TABLE_NAME: target.tableName });
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName });
    return {
      target,
      rails: connectorsUseCase({
        store: adapters.connectors,
        sealer: createKmsSecretSealer({ keyId: options.key ?? LOCAL_KMS_KEY_ID }),
        registry: CONNECTOR_REGISTRY,
        sandboxAvailable: target.local || config.PAYOUTS_SANDBOX_RAIL === 'on',
        runtimeFor: connectorRuntimes(config, CONNECTOR_REGISTRY, { containers: 1 }),
      }),
    };
  }
  const print = (json: boolean | undefined, value: unknown, text: string) =>
    console.log(json ? JSON.stringify(value, null, 2) : text);

  const connectors = program
    .command('connectors')
    .description(
      "A tenant's payout rails: provider credentials (write-only), routing rules, connection tests",
    );
  connectors
    .command('list')
    .description('Show the connectors (never a secret), the routing rules and the default rail')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const { rails: use } = rails({}, false);
      const result = await use.list(options.tenant);
      print(options.json, result, describe(result));
    });
  connectors
    .command('set')
    .description('Set a connector’s credentials (sealed with KMS at once; never shown again)')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--connector <name>', Object.keys(CONNECTOR_REGISTRY).join(' | '))
    .option('--mode <mode>', 'test or live credentials', 'test')
    .option('--field <name=value...>', 'a credential field (repeatable), e.g. api_key=…')
    .option(
      '--fields-file <file>',
      'a JSON file of the credential fields (keeps secrets out of shell history)',
    )
    .option('--key <arn>', 'the KMS key (ConnectorKeyArn stack output; default: the local one)')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        tenant: string;
        connector: string;
        mode: string;
        field?: string[];
        fieldsFile?: string;
        key?: string;
        json?: boolean;
      }) => {
        const { rails: use, target } = rails(options);
        const result = await use.set(caller(options.tenant), {
          connector: options.connector,
          mode: options.mode,
          credentials: fieldsOf(options.field, options.fieldsFile),
        });
        print(
          options.json,
          result,
          `Set ${options.connector} for ${options.tenant} on ${target.description}.\n${describe(result)}`,
        );
      },
    );
  connectors
    .command('remove')
    .description('Remove a connector and its routing rules')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--connector <name>', Object.keys(CONNECTOR_REGISTRY).join(' | '))
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; connector: string; json?: boolean }) => {
      const { rails: use } = rails({}, false);
      const result = await use.remove(caller(options.tenant), options.connector);
      print(options.json, result, describe(result));
    });
  connectors
    .command('route')
    .description('Replace the routing rules: which rail carries which destination type (and currency)')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .option(
      '--rule <type[:CUR]=connector...>',
      'e.g. bank_account:EUR=adyen, email=paypal (repeatable; first match wins)',
    )
    .option('--default <connector>', 'the rail for payouts no rule matches')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; rule?: string[]; default?: string; json?: boolean }) => {
      const { rails: use } = rails({}, false);
      const result = await use.route(caller(options.tenant), {
        rules: (options.rule ?? []).map(ruleOf),
        default_connector: options.default ?? null,
      });
      print(options.json, result, describe(result));
    });
  connectors
    .command('test')
    .description('One harmless authenticated call with the stored credentials')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--connector <name>', Object.keys(CONNECTOR_REGISTRY).join(' | '))
    .option('--key <arn>', 'the KMS key (ConnectorKeyArn stack output; default: the local one)')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; connector: string; key?: string; json?: boolean }) => {
      const { rails: use } = rails(options);
      const result = await use.testConnection(options.tenant, options.connector);
      print(
        options.json,
        result,
        `${options.connector}: ${result.ok ? 'connected' : 'FAILED'} — ${result.detail}`,
      );
      if (!result.ok) process.exitCode = 1;
    });
}
