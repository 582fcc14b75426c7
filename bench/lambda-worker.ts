/**
 * A worker run as a Lambda instance runs it, for the benchmarks that measure one (reports,
 * reconciliation): one esbuild bundle as CDK builds it (the AWS SDK from the runtime, here
 * node_modules), in a process of its own, with the V8 heap limits the Lambda Node.js runtime sets
 * for the function's memory (its bootstrap: a tenth for the new space, half of that per semi-space,
 * the rest for the old space). What a worker reports about itself is in `worker-memory.ts`: this
 * module imports esbuild and the CDK construct, which a worker must not bundle.
 *
 * Why (2026-12-03): the report worker ran under tsx, whose compiler counted (383 MB peak RSS at
 * 100,000 rows); the reconciliation worker ran without heap limits, so V8 sized its heap for this
 * whole machine and collected lazily (333 MB). A first version of this module that the workers
 * imported bundled aws-cdk-lib into them (~300 MB before any work).
 *
 * The functions are CommonJS bundles since D82; a worker entry here is a script with top-level
 * await, so it stays an ESM bundle (the handler code it runs is the same; the SDK is loaded once).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_TARGET } from '../infra/constructs/payouts-function.js';

/** The heap flags of a Lambda function of `memoryMb`. */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

/**
 * Bundles `entry` and runs it with `args`; answers the last line it prints, parsed as JSON. The
 * worker may call `globalThis.gc` (it runs with `--expose-gc`) to report what it still holds.
 */
export async function runLambdaWorker<T>(options: {
  entry: string;
  args: string[];
  memoryMb: number;
  env: NodeJS.ProcessEnv;
}): Promise<T> {
  const bundle = join('node_modules', '.cache', `bench-${options.entry.replace(/\W+/g, '-')}.mjs`);
  await build({
    entryPoints: [options.entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLE_TARGET,
    minify: true,
    external: ['@aws-sdk/*'],
    banner: {
      js: "import { createRequire as __payoutsCreateRequire } from 'node:module'; const require = __payoutsCreateRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  const { stdout } = await promisify(execFile)(
    // PAYOUTS_BENCH_NODE: another Node binary for the worker (to compare runtimes).
    process.env.PAYOUTS_BENCH_NODE ?? process.execPath,
    [
      // `--cpu-prof-dir <dir>` (env PAYOUTS_BENCH_CPU_PROF): where the worker's CPU profile goes.
      ...(process.env.PAYOUTS_BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PAYOUTS_BENCH_CPU_PROF}`]
        : []),
      ...lambdaHeapFlags(options.memoryMb),
      '--expose-gc',
      bundle,
      ...options.args,
    ],
    { env: options.env, maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as T;
}
