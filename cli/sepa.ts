import type { Command } from 'commander';
import { bankFiles as localBankFiles } from '../local/bank-files.js';
import { readRuntimeFile } from '../local/runtime-file.js';
import { createDynamoBankFileStore } from '../shared/adapters/dynamodb/bank-file-store.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { createS3BankFiles } from '../shared/adapters/s3-bank-files.js';
import { loadConfig } from '../shared/config.js';
import { messageIdOf } from '../shared/domain/bank-files.js';
import { formatMoney } from '../shared/domain/money.js';
import { inboundPrefix } from '../shared/use-cases/bank-replies.js';
import { sepaFilesFromEnvironment } from '../shared/wiring/sepa.js';
import { CliError, resolveTarget } from './target.js';

/**
 * `npm run payouts -- sepa …`: cut a tenant's SEPA file now, list its files, and (locally) answer a
 * file as the bank would, dropping the bank's pain.002 and camt.054 into the tenant's inbound prefix.
 */
export function sepaCommands(program: Command) {
  function wired() {
    const target = resolveTarget(program.opts<{ table?: string }>().table);
    // Locally the CLI acts as a function of the running platform (its endpoints and bucket names).
    if (target.local) Object.assign(process.env, readRuntimeFile()?.environment ?? {});
    const config = loadConfig({ ...process.env, PAYOUTS_TABLE_NAME: target.tableName });
    if (!config.PAYOUTS_BANK_FILES_BUCKET)
      throw new CliError('Set PAYOUTS_BANK_FILES_BUCKET (the BankFilesBucketName stack output).');
    return {
      target,
      config,
      sepa: sepaFilesFromEnvironment({ adapters: createDynamoAdapters(config), config }),
    };
  }

  const sepa = program.command('sepa').description('SEPA credit transfer files (the sepa_file rail)');
  sepa
    .command('cut-off')
    .description("Cut the tenant's SEPA file now: its queued SEPA payouts into one pain.001 file")
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .action(async (options: { tenant: string }) => {
      const { sepa: use, target, config } = wired();
      const files = await use.cutOff(options.tenant, { force: true });
      if (files.length === 0)
        throw new CliError(
          `Tenant ${options.tenant} has no SEPA rail (connectors set --connector sepa_file …).`,
        );
      for (const file of files)
        console.log(
          file.count
            ? `${file.id}: ${file.count} transfer(s), ${formatMoney(BigInt(file.controlSumMinor ?? '0'), 'EUR')}, executed ${file.executionDate} → s3://${config.PAYOUTS_BANK_FILES_BUCKET}/${file.key}`
            : `${file.id}: no queued SEPA payouts, no file written`,
        );
      console.log(`(on ${target.description})`);
    });
  sepa
    .command('files')
    .description("The tenant's SEPA files, newest first")
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .action(async (options: { tenant: string }) => {
      const { sepa: use } = wired();
      const page = await use.list(options.tenant, { limit: 20 });
      if (page.items.length === 0) return console.log('No SEPA files yet.');
      for (const file of page.items)
        console.log(
          `${file.id}  cut-off ${file.slot}  ${file.status}  ${file.count ?? '-'} transfer(s)  ${file.controlSumMinor ? formatMoney(BigInt(file.controlSumMinor), 'EUR') : ''}  ${file.key ?? ''}`,
        );
    });
  sepa
    .command('bank-reply')
    .description(
      'Answer a SEPA file as the bank would (local platform only): a pain.002 and a camt.054 in the inbound prefix',
    )
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--file <id>', 'the SEPA file (bf_…)')
    .option('--reject <payout=code...>', 'reject a payout with an ISO reason, e.g. po_…=AC04 (repeatable)')
    .option('--return <payout=code...>', 'book a payout, then return it with an ISO reason (repeatable)')
    .action(async (options: { tenant: string; file: string; reject?: string[]; return?: string[] }) => {
      const { target, config } = wired();
      if (!target.local)
        throw new CliError('bank-reply plays the bank for the local platform (npm start) only.');
      const parse = (values: string[] | undefined, flag: string) =>
        new Map(
          (values ?? []).map((value) => {
            const [payout, code] = value.split('=');
            if (!payout?.startsWith('po_') || !code)
              throw new CliError(`--${flag} ${value}: must be po_…=CODE`);
            return [payout, code.toUpperCase()];
          }),
        );
      const store = createDynamoBankFileStore({ client: createDocumentClient(), table: target.tableName });
      const file = await store.get(options.tenant, options.file);
      if (!file?.key)
        throw new CliError(`No written SEPA file ${options.file} for tenant ${options.tenant}.`);
      const transfers = [];
      for await (const page of store.transfers(file)) transfers.push(...page);
      const reply = localBankFiles({
        messageId: messageIdOf(file.id),
        transfers,
        rejected: parse(options.reject, 'reject'),
        returned: parse(options.return, 'return'),
      });
      const objects = createS3BankFiles({ bucket: config.PAYOUTS_BANK_FILES_BUCKET as string });
      for (const [name, xml] of Object.entries(reply)) {
        const key = `${inboundPrefix(options.tenant)}${file.id}-${name}.xml`;
        await objects.write(key, [xml]);
        console.log(`The bank dropped s3://${config.PAYOUTS_BANK_FILES_BUCKET}/${key}`);
      }
    });
}
