/**
 * `npm run bench:bundles`
 *
 * Bundles every topology function as CDK does (`LAMBDA_BUNDLING`: esbuild, CommonJS, minified, node22,
 * the AWS SDK left to the runtime) and measures, per function, the minified size and the module init
 * time: a fresh Node process `require`-ing the bundle as the Lambda runtime loads a `.js` handler
 * (median of 5), which is what a cold start adds before the first event. Targets (issue 8): ≤ 200 KB minified and ≤ 150 ms init per function. For comparison it
 * also bundles each function with the SDK inside (tree-shaken) and times that: most of the init is
 * the SDK's hundreds of small files, which Lambda's runtime loads the same way.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../infra/constructs/payouts-function.js';
import { FUNCTIONS, handlerEntry } from '../shared/topology.js';
import { coldStartEnvironment } from './lambda-environment.js';

const SIZE_TARGET_KB = 200;
const INIT_TARGET_MS = 150;
const RUNS = 5;
// Inside the repository, so the bundles resolve the SDK from node_modules as Lambda's runtime provides it;
// `.cjs`, because the repository's package.json says `"type": "module"` (a Lambda asset has none).
const outdir = join(process.cwd(), '.bench', 'bundles');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const env = coldStartEnvironment();

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

console.log(
  `${'function'.padEnd(28)} ${'size'.padStart(9)} ${'init (median)'.padStart(14)}   ${'with the SDK bundled: size'.padStart(27)} ${'init'.padStart(7)}`,
);
const rows: { name: string; kb: number; ms: number; sdkKb: number; sdkMs: number }[] = [];

/** Bundles one function as CDK does; `external: []` bundles the SDK too, for comparison. */
async function bundle(name: string, outfile: string, external: readonly string[]) {
  await build({
    ...LAMBDA_BUNDLING,
    entryPoints: [handlerEntry(name)],
    outfile,
    bundle: true,
    platform: 'node',
    external: [...external],
    logLevel: 'error',
  });
  return statSync(outfile).size / 1024;
}

/** Median time of a fresh Node process requiring the module (the runtime `require`s a CommonJS handler). */
async function initTime(outfile: string) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-e',
        `const t = performance.now(); require(${JSON.stringify(outfile)}); console.log(performance.now() - t);`,
      ],
      { env },
    );
    times.push(Number(stdout.trim()));
  }
  return median(times);
}

for (const spec of FUNCTIONS) {
  const outfile = join(outdir, `${spec.name}.cjs`);
  const withSdk = join(outdir, `${spec.name}.sdk.cjs`);
  const kb = await bundle(spec.name, outfile, LAMBDA_BUNDLING.external);
  const ms = await initTime(outfile);
  const sdkKb = await bundle(spec.name, withSdk, []);
  const sdkMs = await initTime(withSdk);
  rows.push({ name: spec.name, kb, ms, sdkKb, sdkMs });
  const flags = `${kb > SIZE_TARGET_KB ? '  over size target' : ''}${ms > INIT_TARGET_MS ? '  over init target' : ''}`;
  console.log(
    `${spec.name.padEnd(28)} ${`${kb.toFixed(1)} KB`.padStart(9)} ${`${ms.toFixed(0)} ms`.padStart(14)}   ${`${sdkKb.toFixed(1)} KB`.padStart(27)} ${`${sdkMs.toFixed(0)} ms`.padStart(7)}${flags}`,
  );
}
const within = rows.filter((row) => row.kb <= SIZE_TARGET_KB && row.ms <= INIT_TARGET_MS).length;
const sized = rows.filter((row) => row.kb <= SIZE_TARGET_KB).length;
const fastWithSdk = rows.filter((row) => row.sdkMs <= INIT_TARGET_MS).length;
console.log(
  `\n${within} of ${rows.length} functions within ${SIZE_TARGET_KB} KB and ${INIT_TARGET_MS} ms; ${sized} within ${SIZE_TARGET_KB} KB; with the SDK bundled, ${fastWithSdk} start within ${INIT_TARGET_MS} ms (Node ${process.version}; Lambda runs Node 22).`,
);
