/**
 * `npm run bench:sepa -- [--payouts 10000]`
 *
 * Builds a SEPA credit transfer file (pain.001.001.03) of N transfers over three execution dates
 * with the streaming writer, into a temporary file, as the cut-off would into S3. Prints the build
 * time (ms, transfers/s), the file's size and the process's peak RSS and heap while building (issue
 * 21: bounded memory whatever N); then validates the file against the vendored ISO 20022 schema with
 * xmllint-wasm and prints how long that took. Exits 1 if the file is invalid. No timing target.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { endToEndIdOf, type SepaTransfer, writePain001 } from '../shared/connectors/sepa/index.js';
import { payoutIdFor } from '../shared/domain/ids.js';
import { validatePain001 } from '../test/helpers/sepa-files.js';

const { values } = parseArgs({ options: { payouts: { type: 'string', default: '10000' } } });
const total = Number(values.payouts);
if (!Number.isSafeInteger(total) || total < 1)
  throw new Error(`--payouts must be a positive integer, got ${values.payouts}`);

const DATES = ['2026-12-03', '2026-12-04', '2026-12-07'];
const NAMES = ['Jürgen Groß', 'Søren Ørsted & Co', 'François Lefèvre', 'Łukasz Żółć', 'Anna "Ann" Berg 😀'];
const IBANS = [
  'DE89370400440532013000',
  'FR1420041010050500013M02606',
  'NL91ABNA0417164300',
  'AT611904300234573201',
];

const amountOf = (n: number) => 100 + ((n * 7919) % 500_000);

/** The payouts of a cut-off, sorted by execution date, as a cursor over the store would give them. */
async function* transfers(): AsyncGenerator<SepaTransfer> {
  for (let n = 0; n < total; n++) {
    yield {
      endToEndId: endToEndIdOf(payoutIdFor('ten_bench', `INV-${n}`)),
      amountMinor: amountOf(n),
      currency: 'EUR',
      creditor: {
        name: `${NAMES[n % NAMES.length]} ${n}`,
        iban: IBANS[n % IBANS.length] ?? '',
        bic: n % 3 === 0 ? 'COBADEFFXXX' : null,
      },
      remittance: `INV-${n} - Gehalt Dezember für Mitarbeiter ${n}`,
      executionDate: DATES[Math.floor((n * DATES.length) / total)] ?? '2026-12-07',
    };
  }
}

let controlSum = 0n;
for (let n = 0; n < total; n++) controlSum += BigInt(amountOf(n));

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const directory = await mkdtemp(join(tmpdir(), 'bench-sepa-'));
const path = join(directory, 'pain001.xml');
let peakHeap = process.memoryUsage().heapUsed;
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakHeap = Math.max(peakHeap, usage.heapUsed);
  peakRss = Math.max(peakRss, usage.rss);
}, 5);

try {
  const started = performance.now();
  await pipeline(
    Readable.from(
      writePain001({
        messageId: 'SF-BENCH-1',
        createdAt: new Date(),
        initiatingPartyName: 'ACME Payroll GmbH',
        debtor: { name: 'ACME Payroll GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
        numberOfTransactions: total,
        controlSumMinor: controlSum,
        transactions: transfers(),
      }),
    ),
    createWriteStream(path),
  );
  const buildMs = performance.now() - started;
  clearInterval(sampler);
  const { size } = await stat(path);
  console.log(`pain.001.001.03 of ${total} transfers over ${DATES.length} execution dates`);
  console.log(`  build:      ${buildMs.toFixed(0)} ms (${Math.round((total / buildMs) * 1000)} transfers/s)`);
  console.log(`  file:       ${mb(size)} (${size} bytes)`);
  console.log(`  while building: peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}`);

  const validationStarted = performance.now();
  const result = await validatePain001(await readFile(path));
  const validationMs = performance.now() - validationStarted;
  console.log(`  validation: ${validationMs.toFixed(0)} ms with xmllint-wasm against pain.001.001.03.xsd`);
  console.log(`  result:     ${result.valid ? 'valid' : `INVALID (${result.errors.length} errors)`}`);
  for (const error of result.errors.slice(0, 10)) console.log(`    ${error}`);
  process.exitCode = result.valid ? 0 : 1;
} finally {
  clearInterval(sampler);
  await rm(directory, { recursive: true, force: true });
}
