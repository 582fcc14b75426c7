import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, RuntimeFamily, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionSpec, handlerEntry, LAMBDA_NODE_MAJOR } from '../../shared/topology.js';

/** Every function's Lambda runtime and its bundles' esbuild target: both from LAMBDA_NODE_MAJOR. */
export const LAMBDA_RUNTIME = new Runtime(`nodejs${LAMBDA_NODE_MAJOR}.x`, RuntimeFamily.NODEJS, {
  supportsInlineCode: true,
});
export const LAMBDA_BUNDLE_TARGET = `node${LAMBDA_NODE_MAJOR}`;

/** The repository root: `handlerEntry()` paths are relative to it and esbuild runs from it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const DEFAULT_MEMORY_MB = 256;
const DEFAULT_TIMEOUT_SECONDS = 10;

/**
 * The AWS SDK v3 is left out of the bundle and taken from the Node.js 22 runtime. Bundled, it makes
 * `create-payout` ~730 KB instead of ~185 KB (client-dynamodb, smithy, every credential provider),
 * and the handlers use only long-stable DynamoDB APIs, so the runtime's SDK version (which lags the
 * version pinned in package-lock.json) is not a risk worth 4x the code to load on cold start.
 * Set this to `[]` to pin the SDK version in the bundle instead.
 */
const EXTERNAL_MODULES = ['@aws-sdk/*'] as const;

/**
 * The esbuild settings of every function's bundle, shared with `npm run bench:bundles` so it measures
 * what is deployed. CommonJS, not ESM (issue 23): the handler is `require`d by the Lambda runtime and
 * `require`s the runtime's SDK directly. An ESM bundle made Node load the SDK's CommonJS files through
 * its ESM loader, which scans each for its exports (cjs-module-lexer) first: about 10 % of every
 * function's module init here (create-payout 209 → 183 ms, the sum over 45 functions −9 %;
 * docs/performance.md). Nothing in `functions/` or `shared/` uses top-level await or `import.meta`,
 * which CommonJS would not allow: esbuild fails the build on the first, and on the second through
 * the log override below (by default it only warns).
 */
export const LAMBDA_BUNDLING = {
  format: 'cjs',
  target: LAMBDA_BUNDLE_TARGET,
  minify: true,
  external: EXTERNAL_MODULES,
  // esbuild only warns about `import.meta` in CommonJS (it would be empty at run time): an error here.
  logOverride: { 'empty-import-meta': 'error' },
} as const;

export interface PayoutsFunctionProps {
  /** The function's topology entry: its name locates `functions/<name>/handler.ts`. */
  spec: FunctionSpec;
  /** Extra variables, merged over the defaults (see {@link PayoutsFunction.bindEnvironment}). */
  environment?: Record<string, string>;
  /** Reserve the spec's concurrency (off for accounts whose limit cannot spare it). */
  reserveConcurrency?: boolean;
}

/**
 * A handler from `functions/` as a Lambda function with the project's defaults: Node.js 22 on arm64,
 * a CommonJS bundle built by the local esbuild (minified, with source maps), its own log group with a
 * retention period, and X-Ray tracing.
 */
export class PayoutsFunction extends NodejsFunction {
  private readonly bound = new Map<string, string>();

  constructor(scope: Construct, id: string, props: PayoutsFunctionProps) {
    const { spec } = props;
    // An explicit log group, so its retention is part of the stack instead of "never expire".
    const logGroup = new LogGroup(scope, `${id}LogGroup`, { retention: RetentionDays.ONE_MONTH });
    // Its own role, without AWSLambdaBasicExecutionRole (logs:* on every log group): it may write
    // to its own log group only; every other permission is granted for what the function uses.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions are Latin-1 only (the topology's descriptions use arrows).
      description: `Execution role of the ${spec.name} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: `${REPO_ROOT}${handlerEntry(spec.name)}`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      description: spec.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      ...(spec.reservedConcurrency && props.reserveConcurrency !== false
        ? { reservedConcurrentExecutions: spec.reservedConcurrency }
        : {}),
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: Tracing.ACTIVE,
      logGroup,
      bundling: {
        format: OutputFormat.CJS,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: true,
        // Maps are only read by Node to rewrite stack traces; the sources themselves are not needed.
        sourcesContent: false,
        externalModules: [...LAMBDA_BUNDLING.external],
        esbuildArgs: {
          '--log-override': `empty-import-meta=${LAMBDA_BUNDLING.logOverride['empty-import-meta']}`,
        },
      },
    });
    this.bindEnvironment({
      PAYOUTS_STAGE: 'aws',
      POWERTOOLS_SERVICE_NAME: 'payouts',
      // Stack traces point at the TypeScript sources instead of the minified bundle.
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    });
  }

  /**
   * Adds variables to the function's environment, keeping those already set. Binding a variable
   * again with a different value throws: two constructs disagreeing about a setting is a bug.
   */
  bindEnvironment(variables: Record<string, string>): this {
    for (const [key, value] of Object.entries(variables)) {
      const existing = this.bound.get(key);
      if (existing !== undefined && existing !== value) {
        throw new Error(
          `${this.node.path}: environment variable ${key} is already bound to '${existing}', not '${value}'`,
        );
      }
      this.bound.set(key, value);
      this.addEnvironment(key, value);
    }
    return this;
  }
}

/**
 * The topology's functions whose entry asks for something (`(spec) => spec.reports`), each with its
 * deployed function: how a capability's construct finds the functions to grant and configure.
 */
export function functionsWhere(
  functions: ReadonlyMap<string, PayoutsFunction>,
  wants: (spec: FunctionSpec) => unknown,
): { spec: FunctionSpec; fn: PayoutsFunction }[] {
  return FUNCTIONS.filter(wants).map((spec) => {
    const fn = functions.get(spec.name);
    if (!fn) throw new Error(`No function ${spec.name}`);
    return { spec, fn };
  });
}
