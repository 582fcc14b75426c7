/** Runtime settings served beside the SPA (`/config.json`): no secrets, one build for every deployment. */
export interface PortalConfig {
  stage: 'local' | 'aws';
  apiBase: string;
  cognito: { endpoint: string; clientId: string; region: string };
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
  refreshToken?: string;
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

/** Calls Cognito's JSON API (the local identity provider speaks the same). */
async function cognito<T>(operation: string, input: Record<string, unknown>): Promise<T> {
  const { cognito: settings } = await loadConfig();
  const response = await fetch(settings.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify({ ClientId: settings.clientId, ...input }),
  });
  const body = (await response.json()) as T & { __type?: string; message?: string };
  if (!response.ok) {
    throw new ApiError(
      response.status,
      String(body.__type ?? 'sign_in_failed')
        .split('#')
        .pop() ?? '',
      body.message ?? 'Sign-in failed.',
    );
  }
  return body;
}

interface AuthAnswer {
  AuthenticationResult?: { IdToken: string; RefreshToken?: string; ExpiresIn: number };
  ChallengeName?: string;
  Session?: string;
}

export type SignInResult =
  | { done: true }
  | { done: false; challenge: 'NEW_PASSWORD_REQUIRED'; session: string };

function finish(email: string, answer: AuthAnswer): SignInResult {
  const result = answer.AuthenticationResult;
  if (result) {
    saveSession({
      idToken: result.IdToken,
      refreshToken: result.RefreshToken,
      expiresAt: Date.now() + (result.ExpiresIn - 60) * 1000,
      email,
    });
    return { done: true };
  }
  if (answer.ChallengeName === 'NEW_PASSWORD_REQUIRED' && answer.Session) {
    return { done: false, challenge: 'NEW_PASSWORD_REQUIRED', session: answer.Session };
  }
  throw new ApiError(
    400,
    'unsupported_challenge',
    `Sign-in asked for ${answer.ChallengeName}, which the portal does not support.`,
  );
}

export async function signIn(email: string, password: string): Promise<SignInResult> {
  const answer = await cognito<AuthAnswer>('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  return finish(email, answer);
}

export async function setNewPassword(
  email: string,
  session: string,
  password: string,
): Promise<SignInResult> {
  const answer = await cognito<AuthAnswer>('RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: session,
    ChallengeResponses: { USERNAME: email, NEW_PASSWORD: password },
  });
  return finish(email, answer);
}

export function signOut(): void {
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
