import { TENANT_CLAIM } from '../shared/adapters/cognito-directory.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { newMember, type Role } from '../shared/domain/team.js';
import type { LocalCognito } from './aws/local-cognito.js';

/** The password of every seeded demo user (local only; printed by `npm start`). */
export const DEMO_PASSWORD = 'Demo-payouts-1';

/** One demo user per role, so each part of the portal can be tried. */
export const DEMO_USERS: readonly { email: string; name: string; roles: Role[] }[] = [
  { email: 'admin@demo.test', name: 'Ada Admin', roles: ['admin'] },
  { email: 'approver@demo.test', name: 'Arne Approver', roles: ['approver'] },
  { email: 'requester@demo.test', name: 'Rita Requester', roles: ['requester'] },
  { email: 'finance@demo.test', name: 'Fiona Finance', roles: ['finance'] },
  { email: 'viewer@demo.test', name: 'Vic Viewer', roles: ['viewer'] },
];

/**
 * Creates a team member with a sign-in: a confirmed user in the local identity provider (permanent
 * password, no first-sign-in challenge) and the member in the table. Idempotent: an existing user
 * or member is left as it is.
 */
export async function seedMember(
  cognito: LocalCognito,
  input: { tenantId: string; email: string; name: string; roles: Role[]; password: string },
): Promise<{ userId: string }> {
  let userId: string;
  try {
    const created = (await cognito.call('AdminCreateUser', {
      Username: input.email,
      UserAttributes: [
        { Name: 'email', Value: input.email },
        { Name: 'name', Value: input.name },
        { Name: TENANT_CLAIM, Value: input.tenantId },
      ],
    })) as { User: { Attributes: { Name: string; Value: string }[] } };
    userId = created.User.Attributes.find((attribute) => attribute.Name === 'sub')?.Value as string;
  } catch (error) {
    if ((error as { code?: string }).code !== 'UsernameExistsException') throw error;
    const existing = (await cognito.call('AdminGetUser', { Username: input.email })) as {
      UserAttributes: { Name: string; Value: string }[];
    };
    userId = existing.UserAttributes.find((attribute) => attribute.Name === 'sub')?.Value as string;
  }
  await cognito.call('AdminSetUserPassword', {
    Username: input.email,
    Password: input.password,
    Permanent: true,
  });
  const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: process.env.PAYOUTS_TABLE_NAME as string });
  if (!(await adapters.team.getMember(input.tenantId, userId))) {
    // A tenant's first members: no caller, no invitation.
    await adapters.team.addMember(
      newMember({ ...input, id: userId, invitedBy: null, at: new Date().toISOString() }),
    );
  }
  return { userId };
}

/** Seeds the demo users of a tenant. */
export async function seedDemoTeam(cognito: LocalCognito, tenantId: string): Promise<void> {
  for (const user of DEMO_USERS) await seedMember(cognito, { ...user, tenantId, password: DEMO_PASSWORD });
}
