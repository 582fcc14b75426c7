import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { TENANT_CLAIM } from '../adapters/cognito-claims.js';
import { type Caller, SYSTEM, stamp, standaloneEntry } from '../domain/audit.js';
import {
  AppError,
  AuthenticationError,
  ConcurrentModificationError,
  ForbiddenError,
} from '../domain/errors.js';
import type { RateLimitedAction } from '../domain/rate-limits.js';
import { ACTIONS, type Action, activeRoles, can, type Member, mfaRequiredFor } from '../domain/team.js';
import type { Directory } from '../ports/portal.js';
import type { AuditLog, TeamStore } from '../ports/team-store.js';
import type { RateLimits } from '../use-cases/rate-limits.js';
import { type ApiEvent, type ApiResult, apiErrors, readJsonBody } from './api-handler.js';
import { logger } from './logger.js';

/** Where the portal's API lives on the HTTP API (its own prefix, its own JWT authorizer). */
export const PORTAL_API_PREFIX = '/portal-api/v1';

/** Two-step sign-in as it stands for this request (D53). */
export interface MfaState {
  /** The member's roles or the tenant's policy ask for it. */
  required: boolean;
  /** The member confirmed an authenticator. */
  enrolled: boolean;
  /** This session was signed in with a code (after enrolling), and the directory still has TOTP on. */
  satisfied: boolean;
}

/** What a portal route handler gets: the signed-in member, as a caller for the audit log. */
export interface PortalRequest {
  member: Member;
  caller: Caller;
  mfa: MfaState;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** The JSON body, parsed once the caller is known (undefined when empty; 413 above `maxBytes`). */
  json: (maxBytes?: number) => unknown;
}

export interface PortalRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the prefix: `/payouts/{id}`. */
  path: string;
  /** The permission this route needs; `null`: any active member (their own profile, the matrix). */
  action: Action | null;
  /** Open to a member who must set up two-step sign-in and has not yet (their profile, the setup). */
  beforeMfa?: true;
  /** A limit of its own beside the portal's (report creation). */
  rateLimit?: RateLimitedAction;
  handler: (request: PortalRequest) => Promise<ApiResult>;
}

/** JWT claims as API Gateway's JWT authorizer (or the local gateway) passes them. */
type JwtEvent = ApiEvent & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, string | number | boolean> } } };
};

/** Headers every portal API answer carries: nothing cached, nothing sniffed, never framed. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

function securityHeaders(): MiddlewareObj<ApiEvent, ApiResult> {
  const add = async (request: { response: ApiResult | null }) => {
    if (request.response) request.response.headers = { ...request.response.headers, ...SECURITY_HEADERS };
  };
  return { after: add, onError: add };
}

function compile(route: PortalRoute) {
  const source = `${PORTAL_API_PREFIX}${route.path}`.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return { ...route, pattern: new RegExp(`^${source}$`) };
}

/**
 * The portal API: one function behind `ANY /portal-api/{proxy+}` with a route table. API Gateway has
 * verified the JWT (signature, issuer, audience, expiry); here the member is read from the table on
 * every request (roles and deactivation apply at once) and the route's action is checked against the
 * permission matrix before its handler runs, so no route can forget it.
 */
export function portalApi(
  routes: readonly PortalRoute[],
  deps: {
    team: TeamStore;
    directory: Pick<Directory, 'mfaEnabled'>;
    /** Where refused actions are recorded (D55). */
    audit: Pick<AuditLog, 'append'>;
    /** The tenant's portal request limit, and the routes' own (D56). */
    rateLimits: Pick<RateLimits, 'take'>;
    now?: () => number;
  },
) {
  const compiled = routes.map(compile);
  const now = deps.now ?? Date.now;
  /** Users the directory said have TOTP on, until when (a positive answer is kept for 5 minutes). */
  const totpOn = new Map<string, number>();

  async function directoryHasTotp(member: Member): Promise<boolean> {
    if ((totpOn.get(member.id) ?? 0) > now()) return true;
    const on = await deps.directory.mfaEnabled(member.email);
    if (on) totpOn.set(member.id, now() + 5 * 60_000);
    else totpOn.delete(member.id);
    return on;
  }

  /**
   * Two-step sign-in for this request: required by the member's roles in effect, or by the tenant's
   * policy; satisfied by a session signed in after the member enrolled (so with a code: `auth_time`
   * survives refreshes) while the directory still has their TOTP on.
   */
  async function mfaState(stored: Member, member: Member, authTime: number): Promise<MfaState> {
    const required =
      mfaRequiredFor(member.roles, false) ||
      Boolean((await deps.team.getApprovalPolicy(member.tenantId))?.mfaRequiredForAll);
    let enrolled = Boolean(member.mfaEnrolledAt);
    // `auth_time` is whole seconds: a sign-in in the same second as the enrolment does not count.
    const signedInSince = enrolled && authTime * 1000 > Date.parse(member.mfaEnrolledAt as string);
    if (!signedInSince || !required) return { required, enrolled, satisfied: signedInSince };
    if (await directoryHasTotp(member)) return { required, enrolled, satisfied: true };
    // Enrolled here but off in Cognito (they turned it off, or a reset half done): the enrolment lapses,
    // so whatever sign-in follows counts only after they set it up and confirm it again (D53).
    enrolled = false;
    await lapseEnrolment(stored);
    return { required, enrolled, satisfied: false };
  }

  async function lapseEnrolment(stored: Member): Promise<void> {
    const at = new Date(now()).toISOString();
    try {
      await deps.team.saveMember({
        current: stored,
        next: {
          ...stored,
          mfaEnrolledAt: undefined,
          updatedAt: at,
          version: stored.version + 1,
          lastAction: stamp('member.mfa_lapsed', SYSTEM, {}, now()),
        },
      });
    } catch (error) {
      // Changed meanwhile: the next request judges it again.
      if (!(error instanceof ConcurrentModificationError)) throw error;
    }
  }

  async function handle(event: JwtEvent): Promise<ApiResult> {
    const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
    const method = event.requestContext?.http?.method ?? 'GET';
    let params: Record<string, string> | undefined;
    let route: (typeof compiled)[number] | undefined;
    let pathMatched = false;
    for (const candidate of compiled) {
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (candidate.method !== method) continue;
      route = candidate;
      params = { ...match.groups };
      break;
    }
    if (!route) {
      throw new AppError(
        'not_found_error',
        pathMatched ? 'method_not_allowed' : 'route_not_found',
        `${method} ${path} is not a portal API route.`,
        { statusCode: pathMatched ? 405 : 404 },
      );
    }

    const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
    const userId = typeof claims.sub === 'string' ? claims.sub : undefined;
    const tenantId = typeof claims[TENANT_CLAIM] === 'string' ? (claims[TENANT_CLAIM] as string) : undefined;
    if (!userId || !tenantId) throw new AuthenticationError('Sign in to use the portal.');
    // Per member: one member's flood (a script, a stuck tab) cannot lock the rest of the team out.
    await deps.rateLimits.take(tenantId, 'portal', userId);
    const stored = await deps.team.getMember(tenantId, userId);
    // Guarded roles granted and past their cooling-off are in effect from now on, confirmed or not.
    const member = stored && { ...stored, roles: activeRoles(stored, new Date().toISOString()) };
    const caller: Caller = {
      tenantId,
      actor: member
        ? { type: 'member', id: member.id, name: member.name, email: member.email }
        : {
            type: 'member',
            id: userId,
            name: '',
            email: typeof claims.email === 'string' ? claims.email : '',
          },
      sourceIp: viewerAddress(event),
      requestId: event.requestContext?.requestId ?? null,
    };
    const routeName = `${route.method} ${route.path}`;
    if (member?.status !== 'active') {
      throw await denied(
        caller,
        routeName,
        new ForbiddenError(
          'Your portal access is deactivated. Ask an admin of your team.',
          'member_inactive',
        ),
      );
    }
    const mfa = await mfaState(stored as Member, member, Number(claims.auth_time ?? 0));
    if (mfa.required && !mfa.satisfied && !route.beforeMfa) {
      throw await denied(
        caller,
        routeName,
        new ForbiddenError(
          mfa.enrolled
            ? 'Sign in again with a code from your authenticator app: your role needs two-step verification.'
            : 'Your role needs two-step verification: set up an authenticator app first.',
          'mfa_required',
        ),
      );
    }
    if (route.action && !can(member.roles, route.action)) {
      throw await denied(
        caller,
        routeName,
        new ForbiddenError(
          `Your roles (${member.roles.join(', ')}) do not allow this: ${ACTIONS[route.action].toLowerCase()}.`,
        ),
      );
    }
    if (route.rateLimit) await deps.rateLimits.take(tenantId, route.rateLimit);
    return route.handler({
      member,
      mfa,
      caller,
      params: params ?? {},
      query: { ...(event.queryStringParameters as Record<string, string> | undefined) },
      headers: event.headers ?? {},
      json: (maxBytes) => readJsonBody(event, maxBytes),
    });
  }

  /**
   * Records a refused request in the audit log (who, which route, why, from where) and returns the
   * error to throw. A failure to record is logged, never turned into a 5xx: the refusal stands.
   */
  async function denied(caller: Caller, routeName: string, error: ForbiddenError): Promise<ForbiddenError> {
    try {
      await deps.audit.append([
        standaloneEntry(
          caller,
          'access.denied',
          { type: 'route', id: routeName },
          {
            reason: { before: null, after: error.code },
          },
        ),
      ]);
    } catch (failure) {
      logger.error('Could not record a refused portal request in the audit log', { routeName, failure });
    }
    return error;
  }

  /**
   * The person's address. Portal requests come through CloudFront, so API Gateway sees CloudFront's
   * address; CloudFront reports the viewer's in `CloudFront-Viewer-Address` (`ip:port`, IPv6 too).
   * A member calling the API origin directly could set that header: the connecting address is kept
   * beside it then, so the audit shows both (`203.0.113.7 via 198.51.100.2`).
   */
  function viewerAddress(event: ApiEvent): string | null {
    const connecting = event.requestContext?.http?.sourceIp ?? null;
    const reported = event.headers?.['cloudfront-viewer-address'];
    const viewer = reported ? reported.replace(/:\d+$/, '') : null;
    if (!viewer || viewer === connecting) return connecting;
    return /^[0-9a-fA-F:.]{2,45}$/.test(viewer) ? `${viewer} via ${connecting}` : connecting;
  }

  return (
    middy<ApiEvent, ApiResult>()
      .use(injectLambdaContext(logger))
      // Registered before the error mapper so that its onError runs after it (middy runs them in reverse).
      .use(securityHeaders())
      .use(apiErrors())
      .handler((event: ApiEvent, _context: Context) => handle(event as JwtEvent))
  );
}
