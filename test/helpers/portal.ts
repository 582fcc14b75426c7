import { randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';
import { totpOf } from '../../local/aws/local-cognito.js';
import { seedMember } from '../../local/demo-team.js';
import type { LocalPlatform } from '../../local/runtime.js';
import { mfaRequiredFor, type Role } from '../../shared/domain/team.js';
import type { ApiResponse } from './platform.js';

export const TEST_PASSWORD = 'Test-password-1';

export interface PortalClient {
  memberId: string;
  email: string;
  token: string;
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
}

/** Calls the local identity provider's Cognito API as the SPA does. */
export async function cognitoCall(platform: LocalPlatform, operation: string, input: unknown) {
  const response = await fetch(`${platform.url}/local-idp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Authenticators of the members this test process enrolled, by email: their secret and last step used. */
const authenticators = new Map<string, { secret: string; lastStep: number }>();

/** Remembers a member's authenticator so `signIn` and `totpCode` can answer its codes. */
export function rememberAuthenticator(email: string, secret: string): void {
  authenticators.set(email.toLowerCase(), { secret, lastStep: -1 });
}

/**
 * The member's next TOTP code, as their phone would show it: never a step used before (Cognito
 * refuses a replayed code), the current step or the next one; waits for the clock when both are used.
 */
export async function totpCode(email: string): Promise<string> {
  const authenticator = authenticators.get(email.toLowerCase());
  if (!authenticator) throw new Error(`no authenticator remembered for ${email}`);
  const totp = totpOf(authenticator.secret);
  const step = Math.max(authenticator.lastStep + 1, totp.counter());
  const wait = (step - 1) * 30_000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 100));
  authenticator.lastStep = step;
  return totp.generate({ timestamp: step * 30_000 });
}

/** Signs in with a password and, for a member with an authenticator remembered, its code. */
export async function signIn(platform: LocalPlatform, email: string, password = TEST_PASSWORD) {
  const first = await cognitoCall(platform, 'InitiateAuth', {
    ClientId: 'local_portal_client',
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  if (first.body.ChallengeName !== 'SOFTWARE_TOKEN_MFA' || !authenticators.has(email.toLowerCase()))
    return first;
  return cognitoCall(platform, 'RespondToAuthChallenge', {
    ClientId: 'local_portal_client',
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    Session: first.body.Session,
    ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: await totpCode(email) },
  });
}

/**
 * Seeds a member; admins and approvers (whose roles need two-step sign-in, D53) get an
 * authenticator, remembered for `signIn`.
 */
export async function seedTestMember(
  platform: LocalPlatform,
  input: { tenantId: string; email: string; name: string; roles: Role[]; password?: string; mfa?: boolean },
) {
  const totpSecret =
    (input.mfa ?? mfaRequiredFor(input.roles, false)) ? new Secret({ size: 20 }).base32 : undefined;
  const seeded = await seedMember(platform.cognito, {
    ...input,
    password: input.password ?? TEST_PASSWORD,
    ...(totpSecret ? { totpSecret } : {}),
  });
  if (totpSecret) rememberAuthenticator(input.email, totpSecret);
  return seeded;
}

/** A portal client for a bearer token (calls /portal-api/v1 as the SPA does). */
export function portalClient(url: string, token: string, memberId = '', email = ''): PortalClient {
  return {
    memberId,
    email,
    token,
    async request(method, path, options = {}) {
      const response = await fetch(`${url}/portal-api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
  };
}

/** Seeds a member of `tenantId` with a sign-in, signs in and returns a portal client. */
export async function newMember(
  platform: LocalPlatform,
  tenantId: string,
  roles: Role[],
  name = `Member ${roles.join('+')}`,
): Promise<PortalClient> {
  const email = `${roles.join('-')}-${randomBytes(4).toString('hex')}@test.example`;
  const { userId } = await seedTestMember(platform, { tenantId, email, name, roles });
  const { body } = await signIn(platform, email);
  return portalClient(platform.url, body.AuthenticationResult.IdToken, userId, email);
}
