/**
 * The KMS commands the secret sealer uses, behind a module of ours: the sealer loads it with
 * `import()` on first use, which esbuild turns into a deferred `require` of the runtime's SDK. An
 * `import()` of the SDK package itself would stay a real dynamic import in a CommonJS bundle and
 * load the SDK through Node's ESM loader (D82).
 */
export { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
