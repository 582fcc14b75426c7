import type { Command } from 'commander';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { addSandboxLedgerEntry } from '../shared/adapters/sandbox-statement.js';
import { loadConfig } from '../shared/config.js';
import { SYSTEM } from '../shared/domain/audit.js';
import { CONNECTOR_NAMES, isConnectorName } from '../shared/domain/connectors.js';
import { formatMoney, parseAmount } from '../shared/domain/money.js';
import { reconciliationFromEnvironment } from '../shared/wiring/reconciliation.js';
import { CliError, resolveTarget } from './target.js';

const caller = (tenantId: string) => ({ tenantId, actor: SYSTEM, sourceIp: null, requestId: 'cli' });

/**
 * `npm run payouts -- reconcile …` (request a run, show one, list them) and
 * `npm run payouts -- sandbox ledger add …` (a provider-side transfer with no payout, locally).
 */
export function reconciliationCommands(program: Command) {
  function use() {
    const target = resolveTarget(program.opts<{ table?: string }>().table);
    const config = loadConfig({
      ...process.env,
      PAYOUTS_TABLE_NAME: target.tableName,
      ...(target.local ? { PAYOUTS_SANDBOX_RAIL: 'on' } : {}),
    });
    return {
      target,
      reconciliation: reconciliationFromEnvironment({
        adapters: createDynamoAdapters({ PAYOUTS_TABLE_NAME: target.tableName }),
        config,
      }),
    };
  }

  const reconcile = program
    .command('reconcile')
    .description("Reconciliation runs: a provider's records of a day compared with the payouts");
  reconcile
    .command('run')
    .description(
      'Request a run for one rail and one UTC day (the worker does it; `reconcile show` follows it)',
    )
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--connector <name>', CONNECTOR_NAMES.join(' | '))
    .option('--date <day>', 'the UTC day, YYYY-MM-DD (default: yesterday)')
    .action(async (options: { tenant: string; connector: string; date?: string }) => {
      if (!isConnectorName(options.connector))
        throw new CliError(`--connector ${options.connector}: must be one of ${CONNECTOR_NAMES.join(', ')}`);
      const date = options.date ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new CliError(`--date ${date}: must be YYYY-MM-DD`);
      const { reconciliation, target } = use();
      const run = await reconciliation.request(caller(options.tenant), {
        connector: options.connector,
        date,
      });
      console.log(`Requested ${run.id} (${run.connector}, ${run.date}) on ${target.description}.`);
    });
  reconcile
    .command('show')
    .description('A run: its counts per outcome, totals per currency on both sides, and its differences')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--run <id>', 'run id (rr_…)')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; run: string; json?: boolean }) => {
      const { reconciliation } = use();
      const run = await reconciliation.get(options.tenant, options.run);
      const differences =
        run.status === 'completed'
          ? (await reconciliation.items(options.tenant, options.run, { limit: 50 })).data.filter(
              (item) => item.outcome !== 'matched' && item.outcome !== 'pending',
            )
          : [];
      if (options.json) return console.log(JSON.stringify({ run, differences }, null, 2));
      const lines = [`${run.id} · ${run.connector} · ${run.date} · ${run.status}`];
      if (run.counts)
        lines.push(
          `  ${Object.entries(run.counts)
            .map(([outcome, count]) => `${outcome} ${count}`)
            .join(', ')}`,
        );
      for (const total of run.totals ?? [])
        lines.push(
          `  ${total.currency}: ours ${total.platform.count} paid ${formatMoney(BigInt(total.platform.amount_decimal), total.currency)}, provider ${total.provider.count} paid ${formatMoney(BigInt(total.provider.amount_decimal), total.currency)}`,
        );
      for (const item of differences)
        lines.push(
          `  ${item.outcome}: ${item.payout_id ?? '(no payout)'} ${item.provider_reference ?? ''}${item.resolution ? ` — resolved: ${item.resolution.note}` : ''}`,
        );
      if (run.failure) lines.push(`  failed: ${run.failure}`);
      console.log(lines.join('\n'));
    });
  reconcile
    .command('list')
    .description('Runs, newest first')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .action(async (options: { tenant: string }) => {
      const { reconciliation } = use();
      const page = await reconciliation.list(options.tenant, { limit: 20 });
      if (page.data.length === 0) return console.log('No reconciliation runs yet.');
      for (const run of page.data)
        console.log(
          `${run.id}  ${run.connector}  ${run.date}  ${run.status}${run.differences === null ? '' : `  ${run.differences} difference(s)`}`,
        );
    });

  const sandbox = program.command('sandbox').description('The sandbox rail (local testing)');
  sandbox
    .command('ledger')
    .description("The sandbox's own ledger (its statement for reconciliation)")
    .command('add')
    .description(
      'A transfer the sandbox made for no payout: the next run of its day reports it unknown_at_provider',
    )
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--amount <amount>', 'in the currency’s units, e.g. 12.34')
    .requiredOption('--currency <code>', 'ISO 4217, e.g. EUR')
    .option('--date <day>', 'the UTC day it is booked on (default: today)')
    .action(async (options: { tenant: string; amount: string; currency: string; date?: string }) => {
      const target = resolveTarget(program.opts<{ table?: string }>().table);
      if (!target.local)
        throw new CliError('The sandbox ledger exists only on the local platform (npm start).');
      const currency = options.currency.toUpperCase();
      const parsed = parseAmount(options.amount, currency);
      if (!parsed.ok) throw new CliError(`--amount ${options.amount}: ${parsed.message}`);
      const createdAt = options.date ? `${options.date}T12:00:00.000Z` : new Date().toISOString();
      if (Number.isNaN(Date.parse(createdAt)))
        throw new CliError(`--date ${options.date}: must be YYYY-MM-DD`);
      const entry = await addSandboxLedgerEntry(
        { client: createDocumentClient(), table: target.tableName },
        { tenantId: options.tenant, amount: parsed.amount, currency, createdAt },
      );
      console.log(
        `The sandbox booked ${formatMoney(entry.amount, currency)} as ${entry.outcome.providerReference} on ${entry.createdAt.slice(0, 10)} (no payout).`,
      );
    });
}
