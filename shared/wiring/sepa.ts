import { createDynamoBankFileStore } from '../adapters/dynamodb/bank-file-store.js';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { createDynamoAdapters } from '../adapters/dynamodb/index.js';
import { createS3BankFiles } from '../adapters/s3-bank-files.js';
import { binding, type Config, loadConfig } from '../config.js';
import { parseCutOff } from '../domain/bank-files.js';
import { bankRepliesUseCase } from '../use-cases/bank-replies.js';
import { applyTransferOutcomeUseCase } from '../use-cases/execute-payout.js';
import { type SepaSettings, sepaFilesUseCase } from '../use-cases/sepa-files.js';

/**
 * A tenant's SEPA settings from its `sepa_file` connector. None of them is secret, so all are its
 * public fields (readable without opening the sealed copy with KMS).
 */
export async function sepaSettingsOf(
  adapters: Pick<ReturnType<typeof createDynamoAdapters>, 'connectors'>,
  tenantId: string,
): Promise<SepaSettings | undefined> {
  const rail = (await adapters.connectors.get(tenantId))?.connectors.sepa_file;
  const fields = rail?.publicFields;
  if (!rail || !fields?.debtor_iban || !fields.debtor_name) return undefined;
  return {
    mode: rail.mode,
    debtor: { name: fields.debtor_name, iban: fields.debtor_iban, bic: fields.debtor_bic || null },
    cutOff: parseCutOff(fields.cut_off ?? 'hourly', fields.time_zone ?? 'Europe/Berlin'),
  };
}

/** The bank's answers (pain.002, camt.053/054) as the reader function wires them. */
export function bankRepliesFromEnvironment(
  shared: { adapters?: ReturnType<typeof createDynamoAdapters>; config?: Config } = {},
) {
  const config = shared.config ?? loadConfig();
  const adapters = shared.adapters ?? createDynamoAdapters(config);
  return bankRepliesUseCase({
    payouts: adapters.payouts,
    files: createDynamoBankFileStore({ client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME }),
    objects: createS3BankFiles({ bucket: binding(config, 'PAYOUTS_BANK_FILES_BUCKET') }),
    applyOutcome: applyTransferOutcomeUseCase({ payouts: adapters.payouts }),
  });
}

/** The SEPA files use case as its functions (and the CLI) wire it. */
export function sepaFilesFromEnvironment(
  shared: { adapters?: ReturnType<typeof createDynamoAdapters>; config?: Config } = {},
) {
  const config = shared.config ?? loadConfig();
  const adapters = shared.adapters ?? createDynamoAdapters(config);
  return sepaFilesUseCase({
    payouts: adapters.payouts,
    files: createDynamoBankFileStore({ client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME }),
    objects: createS3BankFiles({ bucket: binding(config, 'PAYOUTS_BANK_FILES_BUCKET') }),
    settingsOf: (tenantId) => sepaSettingsOf(adapters, tenantId),
  });
}
