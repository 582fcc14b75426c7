import type { CognitoUser, CognitoUserSession } from 'amazon-cognito-identity-js';

/** Runtime settings served beside the SPA (`/config.json`): no secrets, one build for every deployment. */
export interface PortalConfig {
  stage: 'local' | 'aws';
  apiBase: string;
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

async function cognitoUser(email: string, settings: PortalConfig['cognito']): Promise<CognitoUser> {
  const { CognitoUser, CognitoUserPool } = await cognitoLibrary();
  const pool = new CognitoUserPool({
    UserPoolId: settings.userPoolId,
    ClientId: settings.clientId,
    endpoint: settings.endpoint,
    // The library keeps its own copy of the tokens: per tab, gone when it closes.
    Storage: window.sessionStorage,
  });
  return new CognitoUser({ Username: email, Pool: pool, Storage: window.sessionStorage });
}

export type SignInResult = { done: true } | { done: false; challenge: 'NEW_PASSWORD_REQUIRED' };

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
  };
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
  const user = pending;
  if (!user) throw new ApiError(400, 'no_challenge', 'Sign in with your temporary password first.');
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
