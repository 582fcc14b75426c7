import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_KMS_KEY_ID } from '../../local/aws/local-kms.js';
import { LOCAL_BANK_FILES_BUCKET } from '../../local/runtime.js';
import { createDynamoBankFileStore } from '../../shared/adapters/dynamodb/bank-file-store.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createKmsSecretSealer } from '../../shared/adapters/kms-secret-sealer.js';
import { platformS3Client } from '../../shared/adapters/s3.js';
import { createS3BankFiles } from '../../shared/adapters/s3-bank-files.js';
import { CONNECTOR_REGISTRY } from '../../shared/connectors/registry.js';
import { endToEndIdOf } from '../../shared/connectors/sepa/identifiers.js';
import { SYSTEM } from '../../shared/domain/audit.js';
import { messageIdOf } from '../../shared/domain/bank-files.js';
import { inboundPrefix } from '../../shared/use-cases/bank-replies.js';
import { connectorsUseCase } from '../../shared/use-cases/connectors.js';
import { sepaFilesUseCase } from '../../shared/use-cases/sepa-files.js';
import { connectorRuntimes } from '../../shared/wiring/connectors.js';
import {
  bankRepliesFromEnvironment,
  sepaFilesFromEnvironment,
  sepaSettingsOf,
} from '../../shared/wiring/sepa.js';
import {
  eventually,
  payoutBody,
  startTestPlatform,
  type TenantClient,
  type TestPlatform,
} from '../helpers/platform.js';
import { camt054, pain002, validatePain001 } from '../helpers/sepa-files.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The `sepa_file` rail end to end through `npm start`'s stack (issue 21): payouts routed to SEPA wait
 * for the cut-off; the cut-off writes one pain.001.001.03 file (valid against the official schema)
 * to the tenant's outbound prefix and moves them to `processing`; the bank's pain.002 and camt.054
 * dropped in the inbound prefix fail, pay and return them (webhooks delivered); a file read twice
 * changes nothing.
 */
let platform: TestPlatform;
let tenant: TenantClient;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const caller = (tenantId: string) => ({ tenantId, actor: SYSTEM, sourceIp: null, requestId: 'test' });

const DEBTOR = {
  debtor_name: 'Acme Payroll GmbH',
  debtor_iban: 'DE89 3704 0044 0532 0130 00',
  debtor_bic: 'COBADEFFXXX',
  cut_off: '14:00',
  time_zone: 'Europe/Berlin',
};

const sepaPayout = (name: string, amount: number, extra: Record<string, unknown> = {}) =>
  payoutBody({
    amount,
    currency: 'EUR',
    destination: {
      type: 'bank_account',
      account_holder_name: name,
      iban: 'FR14 2004 1010 0505 0001 3M02 606',
    },
    ...extra,
  });

/** The SEPA rail of a tenant (test mode: its key is a test key), EUR bank accounts routed to it. */
async function setUpSepaRail(tenantId: string) {
  const rails = connectorsUseCase({
    store: platform.adapters.connectors,
    sealer: createKmsSecretSealer({ keyId: LOCAL_KMS_KEY_ID }),
    registry: CONNECTOR_REGISTRY,
    sandboxAvailable: false,
    runtimeFor: connectorRuntimes(
      { PAYOUTS_CONNECTOR_BASE_URLS: undefined, PAYOUTS_CONNECTOR_TIMEOUT_MS: 3000 },
      CONNECTOR_REGISTRY,
    ),
  });
  await rails.set(caller(tenantId), { connector: 'sepa_file', mode: 'test', credentials: DEBTOR });
  await rails.route(caller(tenantId), {
    rules: [{ destination_type: 'bank_account', currency: 'EUR', connector: 'sepa_file' }],
  });
}

beforeAll(async () => {
  platform = await startTestPlatform('sepa-files', {
    // No sandbox: a payout SEPA cannot carry is refused. The tests cut files themselves.
    execution: { sandboxRail: 'off', sepaCutOffSeconds: 3600 },
  });
  tenant = await platform.newTenant('Payroll');
  await setUpSepaRail(tenant.tenantId);
  receiver = await startWebhookReceiver(tenant, ['payout.paid', 'payout.failed', 'payout.returned']);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  receiver?.close();
});

async function objectText(key: string): Promise<string> {
  const object = await platformS3Client().send(
    new GetObjectCommand({ Bucket: LOCAL_BANK_FILES_BUCKET, Key: key }),
  );
  return (await object.Body?.transformToString('utf8')) ?? '';
}

const statusOf = async (id: string) => (await tenant.request('GET', `/v1/payouts/${id}`)).body;

describe('SEPA credit transfer files (issue 21)', () => {
  it('refuses what SEPA cannot carry with a 400 naming the field, and stores nothing', async () => {
    // A US-dollar bank payout: no rail of this tenant carries it.
    const dollars = await tenant.createPayout(sepaPayout('Ada Lovelace', 1000, { currency: 'USD' }));
    expect(dollars.status).toBe(400);
    expect(dollars.body.error).toMatchObject({ code: 'unsupported_destination', param: 'destination.type' });
    // A name longer than SEPA's 70 characters, even after transliteration.
    const long = await tenant.createPayout(sepaPayout(`Ada ${'Lovelace-Byron '.repeat(5)}`, 1000));
    expect(long.status).toBe(400);
    expect(long.body.error.param).toBe('destination.account_holder_name');
    expect(long.body.error.message).toMatch(/70 characters/);
    const listed = (await tenant.request('GET', '/v1/payouts?limit=100')).body.data as unknown[];
    expect(listed).toHaveLength(0);
  });

  it('cuts one pain.001 file valid against the ISO schema; the bank’s answers fail, pay and return the payouts', async () => {
    const names = ['Zoë Ærøskøbing', 'Jürgen Groß', 'Ada Lovelace', 'Grace Hopper', 'Alan Turing'];
    const created: string[] = [];
    for (const [index, name] of names.entries()) {
      const response = await tenant.createPayout(
        sepaPayout(name, 10_000 + index, {
          reference: `salary-2026-12-${index}`,
          description: 'Salary December',
        }),
      );
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body.connector).toBe('sepa_file');
      created.push(response.body.id as string);
    }
    // Queued, waiting for the cut-off: the executor leaves SEPA payouts alone.
    await eventually(
      () => Promise.all(created.map(async (id) => (await statusOf(id)).status)),
      (statuses) => statuses.every((status) => status === 'queued'),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await statusOf(created[0] as string)).status).toBe('queued');

    const sepa = sepaFilesFromEnvironment();
    const [file] = await sepa.cutOff(tenant.tenantId, { force: true });
    expect(file).toMatchObject({ status: 'written', count: 5, controlSumMinor: '50010' });
    // Cutting again finds nothing new: the payouts are in exactly one file.
    const again = await sepa.cutOff(tenant.tenantId, { force: true });
    expect(again.every((other) => other.id === file?.id || other.count === 0)).toBe(true);

    const key = file?.key as string;
    // The rail is in test mode (the tenant's key is a test key): its files go where the bank gateway
    // never fetches, so a test key never moves real money.
    expect(key).toBe(`tenants/${tenant.tenantId}/outbound-test/${messageIdOf(file?.id as string)}.xml`);
    const xml = await objectText(key);
    expect(await validatePain001(xml)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<NbOfTxs>5</NbOfTxs>');
    expect(xml).toContain('<CtrlSum>500.10</CtrlSum>');
    expect(xml).toContain('<Nm>Zoe AEroskobing</Nm>');
    expect(xml).toContain('<Nm>Jurgen Gross</Nm>');
    expect(xml).toContain('<IBAN>FR1420041010050500013M02606</IBAN>');
    for (const id of created) expect(xml).toContain(`<EndToEndId>${endToEndIdOf(id)}</EndToEndId>`);
    for (const id of created)
      expect(await statusOf(id)).toMatchObject({ status: 'processing', provider_reference: file?.id });

    // The bank: two rejected (an account closed, a reason with no code of ours), three booked, one
    // of which comes back; and a booking of another system's transfer from the same account.
    const [closed, unmapped, paid, returned, bookedOnly] = created as [
      string,
      string,
      string,
      string,
      string,
    ];
    const inbound = createS3BankFiles({ bucket: LOCAL_BANK_FILES_BUCKET });
    const status = pain002({
      originalMessageId: messageIdOf(file?.id as string),
      transactions: [
        { endToEndId: endToEndIdOf(closed), status: 'RJCT', reasonCode: 'AC04' },
        { endToEndId: endToEndIdOf(unmapped), status: 'RJCT', reasonCode: 'MS03' },
        { endToEndId: endToEndIdOf(paid), status: 'ACCP' },
      ],
    });
    await inbound.write(`${inboundPrefix(tenant.tenantId)}status-1.xml`, [status]);
    const statement = camt054({
      entries: [
        {
          kind: 'booked',
          transactions: [
            { endToEndId: endToEndIdOf(paid), amountMinor: 10_002 },
            { endToEndId: endToEndIdOf(returned), amountMinor: 10_003 },
            { endToEndId: endToEndIdOf(bookedOnly), amountMinor: 10_004 },
          ],
        },
        { kind: 'returned', endToEndId: endToEndIdOf(returned), reasonCode: 'AC04', amountMinor: 10_003 },
        { kind: 'booked', transactions: [{ endToEndId: 'ERP-4711', amountMinor: 99_00 }] },
      ],
    });
    await inbound.write(`${inboundPrefix(tenant.tenantId)}statement-1.xml`, [statement]);

    const final = await eventually(
      () => Promise.all(created.map(statusOf)),
      // The return comes after the booking it follows (paid first, then returned).
      (payouts) =>
        payouts.every((payout) => ['failed', 'paid', 'returned'].includes(payout.status)) &&
        payouts[3]?.status === 'returned',
      30_000,
    );
    expect(final.map((payout) => [payout.status, payout.failure_code ?? payout.return_code])).toEqual([
      ['failed', 'account_closed'],
      ['failed', 'provider_rejected'],
      ['paid', null],
      ['returned', 'account_closed'],
      ['paid', null],
    ]);
    expect(final[1].failure_message).toContain('MS03');
    // Webhooks: each outcome reached the tenant's endpoint.
    await eventually(
      async () => receiver.delivered.map((event) => `${event.type}:${event.data.object.id}`),
      (seen) =>
        [
          `payout.failed:${closed}`,
          `payout.failed:${unmapped}`,
          `payout.paid:${paid}`,
          `payout.returned:${returned}`,
          `payout.paid:${bookedOnly}`,
        ].every((expected) => seen.includes(expected)),
      30_000,
    );

    // The same files again (a gateway that delivers twice): nothing changes.
    const versions = final.map((payout) => payout.updated_at);
    const replies = bankRepliesFromEnvironment();
    const reading = await replies.readFile(
      tenant.tenantId,
      `${inboundPrefix(tenant.tenantId)}statement-1.xml`,
    );
    expect(reading).toMatchObject({ type: 'camt.054', applied: 0, unknown: ['ERP-4711'] });
    await replies.readFile(tenant.tenantId, `${inboundPrefix(tenant.tenantId)}status-1.xml`);
    expect((await Promise.all(created.map(statusOf))).map((payout) => payout.updated_at)).toEqual(versions);

    // One file was written; the empty cut-offs after it wrote nothing.
    const files = (await sepa.list(tenant.tenantId, { limit: 10 })).items;
    expect(files.filter((other) => other.key !== null).map((other) => other.key)).toEqual([key]);
    expect(files.every((other) => other.status === 'written')).toBe(true);
  }, 120_000);
});

describe('a SEPA builder killed at the worst moments (issue 21)', () => {
  class Killed extends Error {}

  /** A tenant with the SEPA rail and `count` queued SEPA payouts. */
  async function queuedPayouts(count: number) {
    const other = await platform.newTenant('Killed builders');
    await setUpSepaRail(other.tenantId);
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const response = await other.createPayout(sepaPayout(`Payee ${index}`, 100 + index));
      expect(response.status).toBe(201);
      ids.push(response.body.id);
    }
    await eventually(
      () => platform.adapters.payouts.getMany(other.tenantId, ids),
      (payouts) => payouts.every((payout) => payout.status === 'queued'),
    );
    return { tenantId: other.tenantId, ids };
  }

  /** The use case with the platform's adapters, a clock, and faults that kill it mid-way. */
  function builder(options: {
    at: number;
    killAfterClaims?: number;
    killAtCount?: boolean;
    killMidUpload?: boolean;
  }) {
    const sepa = sepaFilesFromEnvironment();
    const files = createDynamoBankFileStore({ client: createDocumentClient(), table: platform.tableName });
    const objects = createS3BankFiles({ bucket: LOCAL_BANK_FILES_BUCKET });
    let claims = 0;
    return sepaFilesUseCase({
      payouts: {
        ...platform.adapters.payouts,
        async transition(input) {
          if (options.killAfterClaims !== undefined && claims >= options.killAfterClaims) throw new Killed();
          claims += 1;
          await platform.adapters.payouts.transition(input);
        },
      },
      files: {
        ...files,
        async save(input) {
          if (options.killAtCount && input.next.claimedAt && !input.current.claimedAt) throw new Killed();
          await files.save(input);
        },
      },
      objects: {
        ...objects,
        async write(key, chunks) {
          if (!options.killMidUpload) return objects.write(key, chunks);
          let taken = 0;
          for await (const _chunk of chunks) if (++taken === 2) throw new Killed();
        },
      },
      settingsOf: (tenantId) => sepaSettingsOf(platform.adapters, tenantId),
      now: () => options.at,
    }) satisfies typeof sepa;
  }

  /** Every payout in exactly one written file, each file holding exactly the payouts that say so. */
  async function expectExactlyOnce(tenantId: string, ids: string[]) {
    const payouts = await platform.adapters.payouts.getMany(tenantId, ids);
    expect(payouts.map((payout) => payout.status)).toEqual(ids.map(() => 'processing'));
    const sepa = sepaFilesFromEnvironment();
    const files = (await sepa.list(tenantId, { limit: 50 })).items;
    expect(files.every((file) => file.status === 'written')).toBe(true);
    const inFiles = new Map<string, string>();
    for (const file of files.filter((candidate) => candidate.key)) {
      const xml = await objectText(file.key as string);
      expect(await validatePain001(xml)).toEqual({ valid: true, errors: [] });
      const listed = [...xml.matchAll(/<EndToEndId>([^<]+)<\/EndToEndId>/g)].map(
        (match) => match[1] as string,
      );
      expect(listed).toHaveLength(file.count as number);
      for (const endToEndId of listed) {
        expect(inFiles.has(endToEndId), `${endToEndId} in two files`).toBe(false);
        inFiles.set(endToEndId, file.id);
      }
    }
    for (const payout of payouts) expect(inFiles.get(endToEndIdOf(payout.id))).toBe(payout.providerReference);
    expect(inFiles.size).toBe(ids.length);
  }

  it('killed mid-claim, after claiming, and mid-upload: the next run finishes the same file, each payout once', async () => {
    const { tenantId, ids } = await queuedPayouts(24);
    const start = Date.now();
    await expect(
      builder({ at: start, killAfterClaims: 9 }).cutOff(tenantId, { force: true }),
    ).rejects.toThrow(Killed);
    // Within the dead builder's lease another run waits (a retry later), never claims beside it.
    await expect(builder({ at: start + 60_000 }).cutOff(tenantId, { force: true })).rejects.toThrow(
      /being built/,
    );
    const afterLease = start + 21 * 60_000;
    await expect(builder({ at: afterLease, killAtCount: true }).cutOff(tenantId)).rejects.toThrow(Killed);
    await expect(
      builder({ at: afterLease + 21 * 60_000, killMidUpload: true }).cutOff(tenantId),
    ).rejects.toThrow(Killed);
    const finished = await builder({ at: afterLease + 42 * 60_000 }).cutOff(tenantId);
    expect(finished[0]).toMatchObject({ status: 'written', count: 24 });
    await expectExactlyOnce(tenantId, ids);
  }, 120_000);

  it('two builders of different cut-offs at once: each payout lands in exactly one file', async () => {
    const { tenantId, ids } = await queuedPayouts(30);
    const start = Date.now();
    const results = await Promise.allSettled([
      builder({ at: start }).cutOff(tenantId, { force: true }),
      builder({ at: start + 61_000 }).cutOff(tenantId, { force: true }),
    ]);
    expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
    // Whatever the race left (a file being built under a live lease), a later run finishes.
    await builder({ at: start + 30 * 60_000 }).cutOff(tenantId);
    await expectExactlyOnce(tenantId, ids);
  }, 120_000);
});
