import { type Directory, MemberExistsError } from '../../shared/ports/portal.js';

/**
 * {@link Directory} (the identity provider) in memory: one sign-in per email (MemberExistsError
 * otherwise), user ids `user-1`, `user-2`… in the order `createUser` made them (users a test puts in
 * `users` itself take no number), a fixed temporary password.
 */
export class MemoryDirectory implements Directory {
  readonly users = new Map<
    string,
    { userId: string; name: string; tenantId: string; enabled: boolean; mfa: boolean }
  >();

  private created = 0;

  async createUser(input: { email: string; name: string; tenantId: string }) {
    if (this.users.has(input.email)) throw new MemberExistsError(input.email);
    this.created += 1;
    const userId = `user-${this.created}`;
    this.users.set(input.email, {
      userId,
      name: input.name,
      tenantId: input.tenantId,
      enabled: true,
      mfa: false,
    });
    return { userId, temporaryPassword: 'Temporary-Passw0rd!' };
  }

  async setEnabled(email: string, enabled: boolean): Promise<void> {
    const user = this.users.get(email);
    if (user) user.enabled = enabled;
  }

  async mfaEnabled(email: string): Promise<boolean> {
    return this.users.get(email)?.mfa ?? false;
  }

  async resetMfa(email: string): Promise<void> {
    const user = this.users.get(email);
    if (user) user.mfa = false;
  }
}
