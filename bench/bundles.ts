/**
 * `npm run bench:bundles`
 *
 * Bundles every topology function as CDK does (esbuild, ESM, minified, node22, the AWS SDK left to
 * the runtime) and measures, per function, the minified size and the module init time: a fresh Node
 * process importing the bundle (median of 5), which is what a cold start adds before the first
 * event. Targets (issue 8): ≤ 200 KB minified and ≤ 150 ms init per function. For comparison it
 * also bundles each function with the SDK inside (tree-shaken) and times that: most of the init is
 * the SDK's hundreds of small files, which Lambda's runtime loads the same way.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_TARGET } from '../infra/constructs/payouts-function.js';
import { LOCAL_NAMES, queueArnVariable, queueUrlVariable } from '../shared/config.js';
import { FUNCTIONS, handlerEntry, QUEUE_NAMES } from '../shared/topology.js';

const SIZE_TARGET_KB = 200;
const INIT_TARGET_MS = 150;
const RUNS = 5;
// Inside the repository, so the bundles resolve the SDK from node_modules as Lambda's runtime provides it.
const outdir = join(process.cwd(), '.bench', 'bundles');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const env = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  PAYOUTS_TABLE_NAME: 'bench',
  PAYOUTS_STAGE: 'aws',
  // Every binding the stack gives a function (a missing one fails at cold start in AWS, as it should).
  ...Object.fromEntries(
    QUEUE_NAMES.flatMap((queue) => [
      [queueUrlVariable(queue), `https://sqs.us-east-1.amazonaws.com/000000000000/${queue}`],
      [queueArnVariable(queue), `arn:aws:sqs:us-east-1:000000000000:${queue}`],
    ]),
  ),
  // The resource bindings (bus, buckets, user pool), under the names they have locally.
  ...LOCAL_NAMES,
  PAYOUTS_STREAM_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/stream-dlq',
  PAYOUTS_APPROVAL_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

console.log(
  `${'function'.padEnd(28)} ${'size'.padStart(9)} ${'init (median)'.padStart(14)}   ${'with the SDK bundled: size'.padStart(27)} ${'init'.padStart(7)}`,
);
const rows: { name: string; kb: number; ms: number; sdkKb: number; sdkMs: number }[] = [];

/** Bundles one function; `external` keeps the SDK out, as CDK does. */
async function bundle(name: string, outfile: string, external: string[]) {
  await build({
    entryPoints: [handlerEntry(name)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLE_TARGET,
    minify: true,
    external,
    banner: {
      js: "import { createRequire as __payoutsCreateRequire } from 'node:module'; const require = __payoutsCreateRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return statSync(outfile).size / 1024;
}

/** Median time of a fresh Node process importing the module. */
async function initTime(outfile: string) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`,
      ],
      { env },
    );
    times.push(Number(stdout.trim()));
  }
  return median(times);
}

for (const spec of FUNCTIONS) {
  const outfile = join(outdir, `${spec.name}.mjs`);
  const withSdk = join(outdir, `${spec.name}.sdk.mjs`);
  const kb = await bundle(spec.name, outfile, ['@aws-sdk/*']);
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
