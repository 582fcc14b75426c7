import type { SecretContext, SecretSealer } from '../ports/secret-sealer.js';
import { loadedOnce } from './built-on-first-call.js';

/** Sealed values carry this prefix; a value without it is a secret stored before sealing existed. */
const SEALED_PREFIX = 'kms:';

/**
 * Webhook signing secrets sealed with KMS (`Encrypt` / `Decrypt` under the platform's key, with the
 * tenant and endpoint as encryption context). The KMS client is loaded on first use, so functions
 * that never touch a secret pay nothing at cold start; an opened secret is kept in memory for the
 * instance's life (a rotation seals a new value), so a delivery does not cost a KMS call.
 */
export function createKmsSecretSealer(config: { keyId: string | undefined }): SecretSealer {
  const sdk = loadedOnce(() =>
    import('./kms-sdk.js').then((module) => ({ kms: new module.KMSClient({}), sdk: module })),
  );
  const opened = new Map<string, string>();
  const cacheKey = (sealed: string, context: SecretContext) =>
    `${context.tenant_id}/${'endpoint_id' in context ? context.endpoint_id : `connector:${context.connector}`}/${sealed}`;

  return {
    async seal(plaintext, context) {
      if (!config.keyId) throw new Error('No KMS key is set: this function may not seal secrets');
      const { kms, sdk: api } = await sdk();
      const { CiphertextBlob } = await kms.send(
        new api.EncryptCommand({
          KeyId: config.keyId,
          Plaintext: Buffer.from(plaintext, 'utf8'),
          EncryptionContext: { ...context },
        }),
      );
      const sealed = `${SEALED_PREFIX}${Buffer.from(CiphertextBlob as Uint8Array).toString('base64')}`;
      opened.set(cacheKey(sealed, context), plaintext);
      return sealed;
    },
    async open(sealed, context) {
      if (!sealed.startsWith(SEALED_PREFIX)) {
        // Connector credentials were sealed from the start: an unsealed value is not theirs.
        if ('connector' in context) throw new Error('Refusing connector credentials that are not sealed');
        return sealed;
      }
      const key = cacheKey(sealed, context);
      const known = opened.get(key);
      if (known !== undefined) return known;
      const { kms, sdk: api } = await sdk();
      const { Plaintext } = await kms.send(
        new api.DecryptCommand({
          // Only this key may open it (KMS would otherwise try whichever key sealed the blob).
          ...(config.keyId ? { KeyId: config.keyId } : {}),
          CiphertextBlob: Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64'),
          EncryptionContext: { ...context },
        }),
      );
      const plaintext = Buffer.from(Plaintext as Uint8Array).toString('utf8');
      opened.set(key, plaintext);
      return plaintext;
    },
  };
}
