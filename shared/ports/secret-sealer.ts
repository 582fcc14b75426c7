/** Whose secret it is: bound to the ciphertext (KMS encryption context), so it opens only for them. */
export type SecretContext =
  | { tenant_id: string; endpoint_id: string }
  /** A connector's credentials (sealed under their own key, see infra). */
  | { tenant_id: string; connector: string };

/**
 * Seals secrets before they are stored and opens them where they are used (webhook signing). The
 * table holds only sealed values: reading it, its backups or its stream reveals no signing secret.
 */
export interface SecretSealer {
  seal(plaintext: string, context: SecretContext): Promise<string>;
  open(sealed: string, context: SecretContext): Promise<string>;
}
