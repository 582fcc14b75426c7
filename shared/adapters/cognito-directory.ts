import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Directory, MemberExistsError } from '../ports/portal.js';

import { TENANT_CLAIM } from './cognito-claims.js';

export { TENANT_CLAIM };

/** A temporary password that satisfies Cognito's default policy (upper, lower, digit, symbol). */
export function temporaryPassword(): string {
  return `Tmp-${randomBytes(9).toString('base64url')}-7a`;
}

/**
 * Team sign-ins in a Cognito user pool. In AWS, Cognito emails the temporary password itself; the
 * local identity provider speaks the same API, and there the password is returned to the admin
 * (`handOverPassword`), since no email leaves a laptop.
 */
export function createCognitoDirectory(config: {
  userPoolId: string;
  handOverPassword: boolean;
  client?: CognitoIdentityProviderClient;
}): Directory {
  const client = config.client ?? new CognitoIdentityProviderClient({});
  const UserPoolId = config.userPoolId;
  return {
    async createUser({ email, name, tenantId }) {
      const password = config.handOverPassword ? temporaryPassword() : undefined;
      try {
        const { User } = await client.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: email,
            TemporaryPassword: password,
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'name', Value: name },
              { Name: TENANT_CLAIM, Value: tenantId },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
        const userId = User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
        if (!userId) throw new Error('The directory returned no sub for the new user');
        return { userId, temporaryPassword: password ?? null };
      } catch (error) {
        if (error instanceof UsernameExistsException) throw new MemberExistsError(email);
        throw error;
      }
    },

    async setEnabled(email, enabled) {
      const Command = enabled ? AdminEnableUserCommand : AdminDisableUserCommand;
      await client.send(new Command({ UserPoolId, Username: email }));
      // Disabling stops refreshes only while the user stays disabled: their refresh tokens are revoked
      // too, so a reactivated member signs in anew and an old session never comes back (issue 19).
      if (!enabled) await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: email }));
    },

    async mfaEnabled(email) {
      const user = await client.send(new AdminGetUserCommand({ UserPoolId, Username: email }));
      return (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
    },

    async resetMfa(email) {
      await client.send(
        new AdminSetUserMFAPreferenceCommand({
          UserPoolId,
          Username: email,
          SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
        }),
      );
      // Its refresh tokens end with it: a stolen session cannot outlive the reset by refreshing.
      await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: email }));
    },
  };
}
