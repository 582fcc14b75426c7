import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The local stand-in for the platform's customer managed key (its id, as the functions name it). */
export const LOCAL_KMS_KEY_ID = 'alias/payouts-webhook-secrets';

const KMS_ERROR = (code: string, message: string) => Object.assign(new Error(message), { code });

/** KMS `Encrypt` takes 1 to 4,096 bytes of plaintext (API Reference, `Encrypt`: Plaintext). */
export const KMS_MAX_PLAINTEXT_BYTES = 4096;

/** The encryption context as KMS binds it: every key and value, in key order. */
const contextOf = (context: Record<string, string> | undefined) =>
  Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))));

/**
 * KMS `Encrypt` and `Decrypt` with one local key (AES-256-GCM), with KMS's semantics the code relies
 * on: the ciphertext names its key, and decryption needs the same encryption context, or it fails
 * with `InvalidCiphertextException`. The key persists in `keyFile` (so stored secrets survive a
 * restart of `npm start`); without one it lives in memory. Development and test only.
 */
export function createLocalKms(options: { keyFile?: string } = {}) {
  let key: Buffer;
  if (options.keyFile && existsSync(options.keyFile))
    key = Buffer.from(readFileSync(options.keyFile, 'utf8'), 'base64');
  else {
    key = randomBytes(32);
    if (options.keyFile) writeFileSync(options.keyFile, key.toString('base64'), { mode: 0o600 });
  }
  const keyArn = `arn:aws:kms:us-east-1:000000000000:${LOCAL_KMS_KEY_ID}`;

  return {
    encrypt(input: { KeyId?: string; Plaintext?: string; EncryptionContext?: Record<string, string> }) {
      if (input.KeyId !== LOCAL_KMS_KEY_ID && input.KeyId !== keyArn)
        throw KMS_ERROR('NotFoundException', `Key '${input.KeyId}' does not exist`);
      const plaintext = Buffer.from(input.Plaintext ?? '', 'base64');
      if (plaintext.length < 1 || plaintext.length > KMS_MAX_PLAINTEXT_BYTES)
        throw KMS_ERROR(
          'ValidationException',
          `1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length ${plaintext.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${KMS_MAX_PLAINTEXT_BYTES}`}`,
        );
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(contextOf(input.EncryptionContext));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const blob = Buffer.concat([iv, cipher.getAuthTag(), body]);
      return {
        CiphertextBlob: blob.toString('base64'),
        KeyId: keyArn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    decrypt(input: { CiphertextBlob?: string; KeyId?: string; EncryptionContext?: Record<string, string> }) {
      // A KeyId that names another key than the one that encrypted the blob (the only one here).
      if (input.KeyId !== undefined && input.KeyId !== LOCAL_KMS_KEY_ID && input.KeyId !== keyArn)
        throw KMS_ERROR(
          'IncorrectKeyException',
          'The key ID in the request does not identify a CMK that can perform this operation.',
        );
      const blob = Buffer.from(input.CiphertextBlob ?? '', 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
        decipher.setAAD(contextOf(input.EncryptionContext));
        decipher.setAuthTag(blob.subarray(12, 28));
        const plaintext = Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
        return {
          Plaintext: plaintext.toString('base64'),
          KeyId: keyArn,
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        };
      } catch {
        throw KMS_ERROR(
          'InvalidCiphertextException',
          'The ciphertext or its encryption context is not valid.',
        );
      }
    },
  };
}

export type LocalKms = ReturnType<typeof createLocalKms>;
