import type { SecretContext, SecretSealer } from '../../shared/ports/secret-sealer.js';

/**
 * {@link SecretSealer} without KMS: a sealed value is `sealed:` and base64 of the plaintext with its
 * context, and opens only with the same context (as KMS's encryption context binds a ciphertext).
 */
export class MemorySecretSealer implements SecretSealer {
  async seal(plaintext: string, context: SecretContext): Promise<string> {
    return `sealed:${Buffer.from(JSON.stringify({ plaintext, context })).toString('base64')}`;
  }

  async open(sealed: string, context: SecretContext): Promise<string> {
    if (!sealed.startsWith('sealed:')) throw new Error('Not a sealed secret');
    const opened = JSON.parse(Buffer.from(sealed.slice('sealed:'.length), 'base64').toString()) as {
      plaintext: string;
      context: SecretContext;
    };
    if (JSON.stringify(opened.context) !== JSON.stringify(context))
      throw new Error('InvalidCiphertextException: the encryption context does not match');
    return opened.plaintext;
  }
}
