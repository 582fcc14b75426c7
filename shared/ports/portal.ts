/** The identity provider's user directory (Cognito in AWS, the local IdP locally). */
export interface Directory {
  /**
   * Creates a sign-in for a new member. Cognito emails a temporary password; locally the temporary
   * password is returned so the admin can hand it over.
   * @throws MemberExistsError when the email already has a sign-in
   */
  createUser(input: { email: string; name: string; tenantId: string }): Promise<{
    userId: string;
    temporaryPassword: string | null;
  }>;
  /**
   * Disables or re-enables sign-in (the table's member status is what locks a member out at once);
   * disabling also revokes the user's refresh tokens (signed out everywhere).
   */
  setEnabled(email: string, enabled: boolean): Promise<void>;
  /** Whether the user has a verified TOTP authenticator switched on (every sign-in asks a code). */
  mfaEnabled(email: string): Promise<boolean>;
  /** Switches TOTP off (a lost phone): the user sets up a new authenticator at the next sign-in. */
  resetMfa(email: string): Promise<void>;
}

export class MemberExistsError extends Error {
  constructor(readonly email: string) {
    super(`A user with the email ${email} already exists`);
    this.name = 'MemberExistsError';
  }
}

/** Where manual payout documentation is kept (a private S3 bucket). */
export interface AttachmentStore {
  /** A presigned PUT for exactly this type and size, valid a few minutes. */
  uploadUrl(input: { key: string; contentType: string; size: number }): Promise<{
    url: string;
    headers: Record<string, string>;
    expiresAt: string;
  }>;
  /** What was uploaded under `key`, or undefined if nothing was. */
  describe(key: string): Promise<{ contentType: string; size: number } | undefined>;
  /** A presigned GET valid a few minutes. */
  downloadUrl(key: string, filename: string): Promise<string>;
}
