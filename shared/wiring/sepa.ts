import { loadedOnce } from '../adapters/built-on-first-call.js';
import { createDynamoBankFileStore } from '../adapters/dynamodb/bank-file-store.js';
import { tableOf } from '../adapters/dynamodb/client.js';
import { createDynamoConnectorStore } from '../adapters/dynamodb/connector-store.js';
import type { DynamoAdapters } from '../adapters/dynamodb/index.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { binding, type Config, loadConfig } from '../config.js';
import { parseCutOff } from '../domain/bank-files.js';
import type { BankFileObjects } from '../ports/bank-files.js';
import { bankRepliesUseCase } from '../use-cases/bank-replies.js';
import { applyTransferOutcomeUseCase } from '../use-cases/execute-payout.js';
import { type SepaSettings, sepaFilesUseCase } from '../use-cases/sepa-files.js';

/**
 * A tenant's SEPA settings from its `sepa_file` connector. None of them is secret, so all are its
 * public fields (readable without opening the sealed copy with KMS).
 */
export async function sepaSettingsOf(
  adapters: Pick<DynamoAdapters, 'connectors'>,
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

/**
 * The stores both SEPA use cases read (a caller that has the table's adapters passes them), and the
 * bank files bucket when the caller builds it itself (otherwise {@link bankFileObjectsOnFirstCall}).
 */
type SepaWiring = {
  adapters?: Pick<DynamoAdapters, 'payouts' | 'connectors'>;
  config?: Config;
  objects?: BankFileObjects;
};

/** What both SEPA use cases stand on: payouts, rails, the bank files' items and their bucket. */
function bankFilesOf(shared: SepaWiring) {
  const config = shared.config ?? loadConfig();
  const table = tableOf(config);
  return {
    adapters: shared.adapters ?? {
      payouts: createDynamoPayoutRepository(table),
      connectors: createDynamoConnectorStore(table),
    },
    files: createDynamoBankFileStore(table),
    objects: shared.objects ?? bankFileObjectsOnFirstCall(binding(config, 'PAYOUTS_BANK_FILES_BUCKET')),
  };
}

/**
 * The bank files bucket with its S3 client and `lib-storage` loaded on first use (D82): the default
 * here, for the Payout rails page (most of its requests configure rails and never touch the bucket;
 * loading them cost every cold start of portal-rails ~40–60 ms), the CLI and the tests. The SEPA
 * workers use the bucket on every run and pass one built at cold start (`createS3BankFiles`).
 */
export function bankFileObjectsOnFirstCall(bucket: string): BankFileObjects {
  // Not builtOnFirstCall: `read` answers a stream, not a promise.
  const ready = loadedOnce(() =>
    import('../adapters/s3-bank-files.js').then((module) => module.createS3BankFiles({ bucket })),
  );
  return {
    write: async (key, chunks) => (await ready()).write(key, chunks),
    async *read(key) {
      yield* (await ready()).read(key);
    },
  };
}

/** The bank's answers (pain.002, camt.053/054) as the reader function wires them. */
export function bankRepliesFromEnvironment(shared: SepaWiring = {}) {
  const { adapters, files, objects } = bankFilesOf(shared);
  return bankRepliesUseCase({
    payouts: adapters.payouts,
    files,
    objects,
    applyOutcome: applyTransferOutcomeUseCase({ payouts: adapters.payouts }),
  });
}

/** The SEPA files use case as its functions (and the CLI) wire it. */
export function sepaFilesFromEnvironment(shared: SepaWiring = {}) {
  const { adapters, files, objects } = bankFilesOf(shared);
  return sepaFilesUseCase({
    payouts: adapters.payouts,
    files,
    objects,
    settingsOf: (tenantId) => sepaSettingsOf(adapters, tenantId),
  });
}
