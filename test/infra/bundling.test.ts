import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldStartEnvironment } from '../../bench/lambda-environment.js';
import { PayoutsStack } from '../../infra/payouts-stack.js';
import { FUNCTIONS } from '../../shared/topology.js';

/**
 * Issue 8's target: every function ≤ 200 KB minified without the AWS SDK (taken from the Lambda
 * runtime). Bundling the SDK by mistake puts create-payout at ~730 KB, which this catches too.
 */
const BUNDLE_BUDGET_BYTES = 200 * 1024;
/**
 * Two functions are over it (D24, D72, docs/performance.md): portal-api serves 32 routes (263 KB) and
 * portal-rails configures every rail (each one's settings schema) and cuts SEPA files on request (the
 * pain.001 writer, ibantools): 216 KB. Their own budgets keep them from growing unnoticed;
 * `npm run bench:bundles` prints every function's size and init. D84 (zod/mini) took ~55–60 KB off
 * every function that validates anything and brought five others within 200 KB (create-payout-batch,
 * the CSV workers, the SEPA workers).
 */
const LARGER_BUDGETS: Readonly<Record<string, number>> = {
  'portal-api': 270 * 1024,
  'portal-rails': 225 * 1024,
};

describe('bundling', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'payouts-cdk-'));
  let stack: PayoutsStack;
  let assemblyDir: string;

  beforeAll(() => {
    // A normal App: NodejsFunction bundles every handler with the local esbuild, no Docker, no network.
    // 42 functions: about 80 s alone on this 2-core machine, more beside the rest of the suite.
    const app = new App({ outdir });
    stack = new PayoutsStack(app, 'Payouts');
    assemblyDir = app.synth().directory;
  }, 300_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The directory of a function's deployed code in the cloud assembly. */
  function assetDirOf(name: string): string {
    const fn = stack.api.functions.get(name)!;
    const code = (fn.node.defaultChild as CfnFunction).code as CfnFunction.CodeProperty;
    const assetHash = String(stack.resolve(code.s3Key)).replace(/\.zip$/, '');
    return join(assemblyDir, `asset.${assetHash}`);
  }

  it.each(FUNCTIONS.map((spec) => [spec.name]))(
    '%s is bundled offline into a small CommonJS module',
    (name) => {
      const assetDir = assetDirOf(name);
      const handler = (stack.api.functions.get(name)!.node.defaultChild as CfnFunction).handler;

      expect(handler).toBe('index.handler');
      const files = readdirSync(assetDir).sort();
      const size = statSync(join(assetDir, 'index.js')).size;

      expect(files).toEqual(['index.js', 'index.js.map']);
      expect(size).toBeGreaterThan(1_000);
      expect(size).toBeLessThan(LARGER_BUDGETS[name] ?? BUNDLE_BUDGET_BYTES);
      // D84: zod's classic API (its base constructor is named "ZodType"; mini's are "ZodMini…" and
      // core's "$Zod…") would put all of zod back in the bundle.
      const classicZod = readFileSync(join(assetDir, 'index.js'), 'utf8').includes('"ZodType"');
      expect(classicZod, 'zod classic API in the bundle').toBe(false);
    },
  );

  it('every bundle starts as the Lambda runtime starts it: required as CommonJS, its handler a function', async () => {
    // One process requires every bundle from its asset directory (no package.json there, so `index.js`
    // is CommonJS, as in Lambda); the repository's node_modules stands in for the runtime's SDK. Node 22
    // would also load an ESM `index.js` this way (syntax detection, require of ESM): both are off, so
    // a bundle that is not CommonJS fails here.
    const script = `const out = {}; for (const [name, file] of JSON.parse(process.argv[1])) {
      try { out[name] = typeof require(file).handler; } catch (error) { out[name] = String(error); } }
      console.log(JSON.stringify(out));`;
    const bundles = FUNCTIONS.map((spec) => [spec.name, join(assetDirOf(spec.name), 'index.js')]);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--no-experimental-detect-module',
        '--no-experimental-require-module',
        '-e',
        script,
        JSON.stringify(bundles),
      ],
      {
        env: coldStartEnvironment({ PATH: process.env.PATH, NODE_PATH: join(process.cwd(), 'node_modules') }),
      },
    );

    expect(JSON.parse(stdout)).toEqual(Object.fromEntries(FUNCTIONS.map((spec) => [spec.name, 'function'])));
  }, 60_000);

  /** SDK clients a function loads on first use, not at cold start (issue 23; wiring/*OnFirstCall). */
  const LOADED_ON_FIRST_USE: Readonly<Record<string, readonly string[]>> = {
    'list-reports': ['client-s3', 's3-request-presigner', 'lib-storage'],
    'schedule-daily-reports': ['client-s3'],
    'portal-api': ['client-s3', 'client-cognito-identity-provider', 'client-sfn', 'client-sqs'],
    'portal-batches': ['client-cognito-identity-provider'],
    'portal-rails': ['client-s3', 'lib-storage', 'client-cognito-identity-provider', 'client-kms'],
    'create-webhook-endpoint': ['client-sqs'],
    'cancel-payout': ['client-sfn'],
    'relay-outbox': ['client-sfn'],
    // The queue consumers' failure backoff builds its SQS client on the first failure.
    'start-approval': ['client-sqs'],
    'expand-payout-batch': ['client-sqs'],
  };

  it.each(Object.entries(LOADED_ON_FIRST_USE))('%s starts without loading %j', async (name, packages) => {
    const script = `require(process.argv[1]);
      console.log(JSON.stringify(Object.keys(require.cache).map((file) => /@aws-sdk[\\/]([^\\/]+)/.exec(file)?.[1]).filter(Boolean)));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', script, join(assetDirOf(name), 'index.js')],
      {
        env: coldStartEnvironment({ PATH: process.env.PATH, NODE_PATH: join(process.cwd(), 'node_modules') }),
      },
    );
    const loaded = new Set(JSON.parse(stdout) as string[]);

    expect(loaded.has('client-dynamodb')).toBe(true);
    expect(packages.filter((sdkPackage) => loaded.has(sdkPackage))).toEqual([]);
  });
});
