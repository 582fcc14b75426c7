import { TENANT_CLAIM } from '../shared/adapters/cognito-claims.js';
import { createDynamoAdapters } from '../shared/adapters/dynamodb/index.js';
import { mfaRequiredFor, newMember, type Role } from '../shared/domain/team.js';
import type { LocalCognito } from './aws/local-cognito.js';

/** The password of every seeded demo user (local only; printed by `npm start`). */
export const DEMO_PASSWORD = 'Demo-payouts-1';

/**
 * The demo admin's and approver's authenticator key (local only; printed by `npm start`): their roles
 * need two-step sign-in (D53). Add it to an authenticator app, or print the current code with
 * `npm run payouts -- totp-code`.
 */
export const DEMO_TOTP_SECRET = 'PAYOUTSDEMOTOTPKEYLOCALONLY23456';

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
  input: {
    tenantId: string;
    email: string;
    name: string;
    roles: Role[];
    password: string;
    /** Enrols an authenticator with this base32 secret (two-step sign-in already set up, D53). */
    totpSecret?: string;
  },
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
  if (input.totpSecret) cognito.enrollTotp(input.email, input.totpSecret);
  const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: process.env.PAYOUTS_TABLE_NAME as string });
  const existing = await adapters.team.getMember(input.tenantId, userId);
  // Enrolled a second earlier: a sign-in right after seeding counts as signed in since enrolling.
  const enrolledAt = input.totpSecret ? new Date(Date.now() - 1000).toISOString() : undefined;
  if (!existing) {
    // A tenant's first members: no caller, no invitation.
    const { totpSecret: _, password: __, ...member } = input;
    await adapters.team.addMember({
      ...newMember({ ...member, id: userId, invitedBy: null, at: new Date().toISOString() }),
      ...(enrolledAt ? { mfaEnrolledAt: enrolledAt } : {}),
    });
  } else if (enrolledAt && !existing.mfaEnrolledAt) {
    await adapters.team.saveMember({
      current: existing,
      next: { ...existing, mfaEnrolledAt: enrolledAt, updatedAt: enrolledAt, version: existing.version + 1 },
    });
  }
  return { userId };
}

/** Seeds the demo users of a tenant. */
export async function seedDemoTeam(cognito: LocalCognito, tenantId: string): Promise<void> {
  for (const user of DEMO_USERS)
    await seedMember(cognito, {
      ...user,
      tenantId,
      password: DEMO_PASSWORD,
      ...(mfaRequiredFor(user.roles, false) ? { totpSecret: DEMO_TOTP_SECRET } : {}),
    });
}
