import type { CognitoUser, CognitoUserSession } from 'amazon-cognito-identity-js';

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

const SESSION_KEY = 'payouts.session';

export interface Session {
  idToken: string;
  expiresAt: number;
  email: string;
}

/**
 * The session lives in sessionStorage (one tab, gone when it closes) and travels as a bearer header:
 * no cookies, so no CSRF. The SPA holds no secret: the app client is public.
 */
export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  return session.expiresAt > Date.now() ? session : undefined;
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
  window.dispatchEvent(new Event('payouts-session'));
}

let pending: CognitoUser | undefined;

/** Cognito's client library, loaded with the sign-in form only (a separate chunk). */
const cognitoLibrary = () => import('amazon-cognito-identity-js');

async function userPool(settings: PortalConfig['cognito']) {
  const { CognitoUserPool } = await cognitoLibrary();
  return new CognitoUserPool({
    UserPoolId: settings.userPoolId,
    ClientId: settings.clientId,
    endpoint: settings.endpoint,
    // The library keeps its own copy of the tokens: per tab, gone when it closes.
    Storage: window.sessionStorage,
  });
}

async function cognitoUser(email: string, settings: PortalConfig['cognito']): Promise<CognitoUser> {
  const { CognitoUser } = await cognitoLibrary();
  return new CognitoUser({ Username: email, Pool: await userPool(settings), Storage: window.sessionStorage });
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
      const idToken = session.getIdToken();
      saveSession({
        idToken: idToken.getJwtToken(),
        expiresAt: idToken.getExpiration() * 1000 - 60_000,
        email,
      });
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

/** The signed-in member as Cognito's library knows them (its tokens are in this tab's storage). */
async function signedInUser(): Promise<CognitoUser> {
  const { cognito } = await loadConfig();
  // The library files its tokens under the user's id (SRP's USER_ID_FOR_SRP), not the email.
  const user = (await userPool(cognito)).getCurrentUser();
  if (!currentSession() || !user)
    throw new ApiError(401, 'signed_out', 'Your session has ended: sign in again.');
  await new Promise<void>((resolve, reject) =>
    user.getSession((error: Error | null) => (error ? reject(error) : resolve())),
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

export function signOut(): void {
  pending = undefined;
  sessionStorage.clear();
  saveSession(undefined);
}

/** Calls the portal API with the session's token; a 401 ends the session. */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<T> {
  const { apiBase } = await loadConfig();
  const session = currentSession();
  if (!session) {
    saveSession(undefined);
    throw new ApiError(401, 'signed_out', 'Your session has ended: sign in again.');
  }
  const headers: Record<string, string> = { authorization: `Bearer ${session.idToken}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(`${apiBase}/portal-api/v1${path}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) {
    saveSession(undefined);
    throw new ApiError(401, 'signed_out', 'Your session has ended: sign in again.');
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string; param?: string; details?: { param: string; message: string }[] };
  };
  if (!response.ok) {
    const error = body.error;
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

/** Uploads a file to a presigned PUT URL (straight to S3; the API never sees the bytes). */
export async function uploadFile(url: string, headers: Record<string, string>, file: File): Promise<void> {
  const response = await fetch(url, { method: 'PUT', headers, body: file });
  if (!response.ok)
    throw new ApiError(response.status, 'upload_failed', 'The attachment could not be uploaded: try again.');
}
