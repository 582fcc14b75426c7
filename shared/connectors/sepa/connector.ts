import { parseCutOff } from '../../domain/bank-files.js';
import * as z from '../../zod.js';
import { type Connector, WebhookVerificationError } from '../connector.js';
import { CONNECTOR_PROFILES } from '../profiles.js';
import { isSepaBic, isSepaIban } from './payout-problems.js';
import { SEPA_NAME_MAX, sepaTextProblem } from './text.js';

/** What a tenant sets for its SEPA files: the account they are paid from, and when files are cut. */
export type SepaFileSettings = {
  debtor_name: string;
  debtor_iban: string;
  debtor_bic: string;
  cut_off: string;
  time_zone: string;
};

const required = z.string().check(z.trim(), z.minLength(1, 'is required'));

const settings = z
  .strictObject({
    debtor_name: required.check(z.maxLength(200)),
    debtor_iban: required.check(z.maxLength(50)),
    debtor_bic: required.check(z.maxLength(20)),
    cut_off: required.check(z.maxLength(10)),
    time_zone: required.check(z.maxLength(64)),
  })
  .check(
    z.superRefine((value, context) => {
      const nameProblem = sepaTextProblem(value.debtor_name, SEPA_NAME_MAX, 'The account holder name');
      if (nameProblem) context.addIssue({ code: 'custom', path: ['debtor_name'], message: nameProblem });
      if (!isSepaIban(value.debtor_iban))
        context.addIssue({
          code: 'custom',
          path: ['debtor_iban'],
          message: 'must be a valid IBAN of a country in the SEPA scheme',
        });
      if (!isSepaBic(value.debtor_bic))
        context.addIssue({
          code: 'custom',
          path: ['debtor_bic'],
          message: 'must be a valid BIC (8 or 11 characters)',
        });
      try {
        parseCutOff(value.cut_off, value.time_zone);
      } catch (error) {
        const problem = (error as { details?: { param: string; message: string }[] }).details?.[0];
        const field = problem?.param.endsWith('time_zone') ? 'time_zone' : 'cut_off';
        context.addIssue({ code: 'custom', path: [field], message: problem?.message ?? 'is not a cut-off' });
      }
    }),
  );

const noProvider = () => {
  throw new Error('SEPA payouts leave in files at the cut-off, never one call at a time');
};

/**
 * SEPA credit transfer files (D72): no provider API. At each cut-off the tenant's queued payouts on
 * this rail are written into one pain.001.001.03 file for its bank gateway; the bank's pain.002 and
 * camt.053/054 files settle them. The "credentials" are settings, none of them secret: all are shown
 * back. The executor never calls this rail's provider (it leaves these payouts to the cut-off).
 */
export const sepaFileConnector: Connector<SepaFileSettings> = {
  name: 'sepa_file',
  label: 'SEPA credit transfer files',
  destinationTypes: ['bank_account'],
  credentials: settings,
  publicFields: ['debtor_name', 'debtor_iban', 'debtor_bic', 'cut_off', 'time_zone'],
  ...CONNECTOR_PROFILES.sepa_file,
  provider: () => ({
    name: 'sepa_file',
    createTransfer: noProvider,
    findTransfer: noProvider,
    // Nothing to call: the settings were checked when saved; the files go through the bucket.
    testConnection: async () => ({
      ok: true as const,
      detail: 'Files are written to the bank files bucket at each cut-off; nothing to call.',
    }),
  }),
  async verifyWebhook() {
    throw new WebhookVerificationError('SEPA files have no webhooks: the bank answers with files');
  },
};
