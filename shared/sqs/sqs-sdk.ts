/**
 * The SQS commands the queue consumers' failure backoff uses, behind a module of ours: loaded with
 * `import()` on the first failure, which esbuild turns into a deferred `require` of the runtime's
 * SDK (an `import()` of the package itself would go through Node's ESM loader; D82).
 */
export { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
