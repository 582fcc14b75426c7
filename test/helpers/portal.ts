import { randomBytes } from 'node:crypto';
import { seedMember } from '../../local/demo-team.js';
import type { LocalPlatform } from '../../local/runtime.js';
import type { Role } from '../../shared/domain/team.js';
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

export async function signIn(platform: LocalPlatform, email: string, password = TEST_PASSWORD) {
  return cognitoCall(platform, 'InitiateAuth', {
    ClientId: 'local_portal_client',
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
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
  const { userId } = await seedMember(platform.cognito, {
    tenantId,
    email,
    name,
    roles,
    password: TEST_PASSWORD,
  });
  const { body } = await signIn(platform, email);
  return portalClient(platform.url, body.AuthenticationResult.IdToken, userId, email);
}
