import type { CognitoUser, CognitoUserSession } from 'amazon-cognito-identity-js';
import { dropDrafts } from './drafts';
import {
  type EndReason,
  endSession,
  type Session,
  saveSession,
  storedSession,
  withRefreshLock,
} from './session';

export { currentSession } from './session';

/** Runtime settings served beside the SPA (`/config.json`): no secrets, one build for every deployment. */
export interface PortalConfig {
  stage: 'local' | 'aws';
  apiBase: string;
  /**
   * The payouts API's public address (`https://api.example.com`), where providers send webhooks.
   * Optional: without it the portal shows provider webhook URLs as paths (or, locally, on its own origin).
   */
  publicApiBase?: string;
  cognito: { endpoint: string; userPoolId: string; clientId: string; region: string };
}

let config: PortalConfig | undefined;

export async function loadConfig(): Promise<PortalConfig> {
  if (!config) {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error('The portal configuration (/config.json) could not be loaded.');
    config = (await response.json()) as PortalConfig;
  }
  return config;
}

/** An error as the API answers it: `{ error: { type, code, message, param } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly details: { param: string; message: string }[] = [],
  ) {
    super(message);
  }
}

// ---- Session (issue 19): refreshed silently, shared by the tabs, ended everywhere (see session.ts) ----

const signedOutError = () => new ApiError(401, 'signed_out', 'Your session has ended: sign in again.');

/** One call to Cognito's JSON API, as its client library makes it (public operations: no signature). */
async function cognitoRequest<T>(operation: string, input: unknown): Promise<T> {
  const { cognito } = await loadConfig();
  const response = await fetch(cognito.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(input),
  });
  const body = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string };
  if (!response.ok) {
    const code = (body.__type ?? 'error').split('#').pop() ?? 'error';
    throw new ApiError(response.status, code, body.message ?? 'The sign-in service did not answer.');
  }
  return body;
}

/**
 * The session with an ID token good to send: refreshed with the refresh token when it is about to
 * run out (or `force`, after the API refused it), once for all tabs. A refused refresh token (revoked
 * by a sign-out elsewhere, by an admin, or expired) ends the session; a network failure does not.
 */
export async function freshSession(options: { force?: boolean } = {}): Promise<Session> {
  const seen = storedSession();
  if (!seen) throw signedOutError();
  if (!options.force && seen.expiresAt > Date.now()) return seen;
  return withRefreshLock(async () => {
    const latest = storedSession();
    if (!latest) throw signedOutError();
    // Another tab refreshed while this one waited for the lock.
    if (latest.idToken !== seen.idToken && latest.expiresAt > Date.now()) return latest;
    if (!options.force && latest.expiresAt > Date.now()) return latest;
    const { cognito } = await loadConfig();
    let result: { AuthenticationResult?: { IdToken?: string; AccessToken?: string } };
    try {
      result = await cognitoRequest('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: cognito.clientId,
        AuthParameters: { REFRESH_TOKEN: latest.refreshToken },
      });
    } catch (error) {
      // Cognito answers 400 for throttling too: only a refused token ends the session.
      if (error instanceof ApiError && REFUSED.has(error.code)) {
        endSession('expired');
        throw signedOutError();
      }
      throw new ApiError(503, 'refresh_failed', 'The sign-in service could not be reached: try again.');
    }
    const { IdToken, AccessToken } = result.AuthenticationResult ?? {};
    if (!IdToken || !AccessToken) throw signedOutError();
    const next = { ...latest, idToken: IdToken, accessToken: AccessToken, expiresAt: expiryOf(IdToken) };
    saveSession(next);
    return next;
  });
}

/** Cognito's answers to a refresh token that no longer works (revoked, expired, user disabled or gone). */
const REFUSED = new Set(['NotAuthorizedException', 'UserNotFoundException']);

/** When to refresh an ID token: a minute before its `exp`. */
function expiryOf(idToken: string): number {
  const payload = JSON.parse(atob((idToken.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as {
    exp: number;
  };
  return payload.exp * 1000 - 60_000;
}

/**
 * Cognito's client library keeps its tokens here, in memory only: the one stored copy is the
 * portal's session record (session.ts), so there is one thing to share between tabs and to clear.
 */
class MemoryStorage {
  private items = new Map<string, string>();
  setItem(key: string, value: string) {
    this.items.set(key, value);
    return value;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  removeItem(key: string) {
    return this.items.delete(key);
  }
  clear() {
    this.items.clear();
    return {};
  }
}
const libraryStorage = new MemoryStorage();

let pending: CognitoUser | undefined;

/** Cognito's client library, loaded with the sign-in form only (a separate chunk). */
const cognitoLibrary = () => import('amazon-cognito-identity-js');

async function userPool(settings: PortalConfig['cognito']) {
  const { CognitoUserPool } = await cognitoLibrary();
  return new CognitoUserPool({
    UserPoolId: settings.userPoolId,
    ClientId: settings.clientId,
    endpoint: settings.endpoint,
    Storage: libraryStorage,
  });
}

async function cognitoUser(email: string, settings: PortalConfig['cognito']): Promise<CognitoUser> {
  const { CognitoUser } = await cognitoLibrary();
  return new CognitoUser({ Username: email, Pool: await userPool(settings), Storage: libraryStorage });
}

/** Where a sign-in stands: done, or waiting for a new password, a code, or an authenticator's setup. */
export type SignInResult =
  | { done: true }
  | { done: false; challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP' };

/** Callbacks of Cognito's client library, turned into a promise that saves the session. */
function outcome(
  email: string,
  user: CognitoUser,
  resolve: (result: SignInResult) => void,
  reject: (error: unknown) => void,
) {
  return {
    onSuccess(session: CognitoUserSession) {
      pending = undefined;
      const idToken = session.getIdToken().getJwtToken();
      saveSession(
        {
          idToken,
          accessToken: session.getAccessToken().getJwtToken(),
          refreshToken: session.getRefreshToken().getToken(),
          expiresAt: expiryOf(idToken),
          email,
        },
        { signedIn: true },
      );
      resolve({ done: true });
    },
    onFailure(error: { code?: string; message?: string }) {
      reject(new ApiError(400, error.code ?? 'sign_in_failed', error.message ?? 'Sign-in failed.'));
    },
    newPasswordRequired() {
      pending = user;
      resolve({ done: false, challenge: 'NEW_PASSWORD_REQUIRED' });
    },
    totpRequired() {
      pending = user;
      resolve({ done: false, challenge: 'SOFTWARE_TOKEN_MFA' });
    },
    mfaSetup() {
      pending = user;
      resolve({ done: false, challenge: 'MFA_SETUP' });
    },
  };
}

/** The user a sign-in challenge is waiting on. */
function pendingUser(): CognitoUser {
  if (!pending) throw new ApiError(400, 'no_challenge', 'Sign in with your email and password first.');
  return pending;
}

/** Answers the sign-in's code challenge with a code from the member's authenticator app. */
export async function sendCode(email: string, code: string): Promise<SignInResult> {
  const user = pendingUser();
  return new Promise((resolve, reject) => {
    user.sendMFACode(code.trim(), outcome(email, user, resolve, reject), 'SOFTWARE_TOKEN_MFA');
  });
}

/** The signed-in member for Cognito's library, holding the session's (fresh) tokens. */
async function signedInUser(): Promise<CognitoUser> {
  const session = await freshSession();
  const { cognito } = await loadConfig();
  const { CognitoAccessToken, CognitoIdToken, CognitoRefreshToken, CognitoUserSession } =
    await cognitoLibrary();
  const user = await cognitoUser(session.email, cognito);
  user.setSignInUserSession(
    new CognitoUserSession({
      IdToken: new CognitoIdToken({ IdToken: session.idToken }),
      AccessToken: new CognitoAccessToken({ AccessToken: session.accessToken }),
      RefreshToken: new CognitoRefreshToken({ RefreshToken: session.refreshToken }),
    }),
  );
  return user;
}

/** Cognito's errors as the portal shows them: a wrong code says so in words. */
function cognitoError(error: { code?: string; message?: string }): ApiError {
  const wrongCode =
    error.code === 'CodeMismatchException' || error.code === 'EnableSoftwareTokenMFAException';
  return new ApiError(
    400,
    error.code ?? 'mfa_failed',
    wrongCode
      ? 'That code is not right: enter the 6 digits your authenticator app shows now.'
      : (error.message ?? 'Two-step verification failed.'),
    'code',
  );
}

/**
 * Starts an authenticator's setup: the secret key to add to the app. During a sign-in that asks for
 * the setup (the pool requires MFA) it answers the challenge; otherwise it is the signed-in member's.
 */
export async function startTotpSetup(): Promise<string> {
  const user = pending ?? (await signedInUser());
  return new Promise((resolve, reject) => {
    user.associateSoftwareToken({
      associateSecretCode: (secret: string) => resolve(secret),
      onFailure: (error: { code?: string; message?: string }) => reject(cognitoError(error)),
    });
  });
}

/**
 * Finishes the setup with a code the app shows and switches TOTP on: during a sign-in, this
 * completes it (a session); for a signed-in member, every later sign-in asks a code.
 */
export async function finishTotpSetup(email: string, code: string): Promise<void> {
  const during = pending;
  const user = during ?? (await signedInUser());
  await new Promise<void>((resolve, reject) => {
    user.verifySoftwareToken(code.trim(), 'Authenticator app', {
      onSuccess: (session: CognitoUserSession) => {
        if (during) outcome(email, during, () => resolve(), reject).onSuccess(session);
        else resolve();
      },
      onFailure: (error: { code?: string; message?: string }) => reject(cognitoError(error)),
    });
  });
  if (during) return;
  await new Promise<void>((resolve, reject) =>
    user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, (error) =>
      error ? reject(cognitoError(error as { code?: string; message?: string })) : resolve(),
    ),
  );
}

/**
 * Signs in with SRP through Cognito's own client library (the password never leaves the browser);
 * the local identity provider speaks the same protocol.
 */
export async function signIn(email: string, password: string): Promise<SignInResult> {
  const { cognito } = await loadConfig();
  const user = await cognitoUser(email, cognito);
  const { AuthenticationDetails } = await cognitoLibrary();
  return new Promise((resolve, reject) => {
    user.authenticateUser(
      new AuthenticationDetails({ Username: email, Password: password }),
      outcome(email, user, resolve, reject),
    );
  });
}

/** Completes the first sign-in of an invited member: they replace the temporary password. */
export async function setNewPassword(email: string, password: string): Promise<SignInResult> {
  const user = pendingUser();
  return new Promise((resolve, reject) => {
    user.completeNewPasswordChallenge(password, {}, outcome(email, user, resolve, reject));
  });
}

/**
 * Signs out on purpose: the session ends in every tab of this browser, its refresh token is revoked
 * (the ID and access tokens it issued end with it), and unsaved drafts are dropped.
 */
export function signOut(): void {
  dropDrafts();
  endSessionBecause(undefined);
}

/**
 * Ends the session without the member asking (idle, access removed): like a sign-out, but the
 * sign-in page says why, and drafts are kept for the next sign-in.
 */
export function endSessionBecause(reason: EndReason | undefined): void {
  pending = undefined;
  libraryStorage.clear();
  const session = storedSession();
  endSession(reason);
  if (session)
    void loadConfig()
      .then(({ cognito }) =>
        cognitoRequest('RevokeToken', { Token: session.refreshToken, ClientId: cognito.clientId }),
      )
      .catch(() => undefined);
}

/**
 * Calls the portal API with the session's ID token, refreshed first when due; a 401 after a refresh ends
 * the session, a 403 may end it too (see `forbidden`).
 */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<T> {
  const { apiBase } = await loadConfig();
  const send = (session: Session) => {
    const headers: Record<string, string> = { authorization: `Bearer ${session.idToken}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return fetch(`${apiBase}/portal-api/v1${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  };
  let response = await send(await freshSession());
  // Refused although not expired here (a clock ahead, a rotated key): one refresh, then the session ends.
  if (response.status === 401) response = await send(await freshSession({ force: true }));
  if (response.status === 401) {
    endSession('expired');
    throw signedOutError();
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string; param?: string; details?: { param: string; message: string }[] };
  };
  if (!response.ok) {
    const error = body.error;
    if (response.status === 403) forbidden(error?.code, path);
    throw new ApiError(
      response.status,
      error?.code ?? 'error',
      error?.message ?? `The portal API answered ${response.status}.`,
      error?.param,
      error?.details,
    );
  }
  return body as T;
}

/**
 * After a 403: a deactivated member is signed out in every tab ("Your access was removed"); any other
 * refusal may mean the member's roles changed, so the menu (`/me`) is read again.
 */
function forbidden(code: string | undefined, path: string): void {
  if (code === 'member_inactive') {
    endSessionBecause('removed');
    return;
  }
  if (path !== '/me') window.dispatchEvent(new Event(FORBIDDEN_EVENT));
}

/** Sent on `window` after the API refused an action (403): main.tsx reads `/me` again. */
export const FORBIDDEN_EVENT = 'payouts-forbidden';

/** Uploads a file to a presigned PUT URL (straight to S3; the API never sees the bytes). */
export async function uploadFile(url: string, headers: Record<string, string>, file: File): Promise<void> {
  const response = await fetch(url, { method: 'PUT', headers, body: file });
  if (!response.ok)
    throw new ApiError(response.status, 'upload_failed', 'The attachment could not be uploaded: try again.');
}

/**
 * Downloads a CSV the portal API builds (`format=csv` on a listing): the server reads every page of
 * the filter (up to its bound) and answers one file; the browser saves it as `fileName`.
 */
export async function downloadCsv(path: string, filters: Record<string, string>, fileName: string) {
  const { apiBase } = await loadConfig();
  const session = await freshSession();
  const query = new URLSearchParams({ ...filters, format: 'csv' });
  const response = await fetch(`${apiBase}/portal-api/v1${path}?${query}`, {
    headers: { authorization: `Bearer ${session.idToken}` },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    throw new ApiError(
      response.status,
      body.error?.code ?? 'error',
      body.error?.message ?? `The export failed (${response.status}): try again.`,
    );
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
