import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { portalContentSecurityPolicy } from '../shared/http/portal-csp.js';
import { callCognito, refuseCognitoOperation } from './aws/aws-json-endpoint.js';
import type { LocalCognito } from './aws/local-cognito.js';
import { readBody } from './read-body.js';

/** Where the local identity provider answers (the SPA's Cognito endpoint, and the JWKS). */
export const LOCAL_IDP_PATH = '/local-idp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The portal's runtime configuration: what `config.json` carries in AWS too (no secrets). */
export interface PortalConfig {
  stage: 'local' | 'aws';
  /** Base of the portal API; '' when same-origin (CloudFront in AWS, this server locally). */
  apiBase: string;
  cognito: { endpoint: string; userPoolId: string; clientId: string; region: string };
}

/**
 * The security headers the portal is served with (the same policy CloudFront's response headers
 * policy sets in AWS): scripts and styles from the portal's origin only, API calls to it, the
 * identity provider and the attachments bucket, never framed.
 */
export function portalSecurityHeaders(connectSources: readonly string[]): Record<string, string> {
  return {
    'content-security-policy': portalContentSecurityPolicy(connectSources),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=63072000; includeSubDomains',
  };
}

/** The Cognito operations a signed-out or signed-in user makes from the SPA: the only ones /local-idp answers. */
const SPA_OPERATIONS = new Set([
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetUser',
  'ChangePassword',
  'GlobalSignOut',
  'RevokeToken',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
  'SetUserMFAPreference',
]);

/**
 * What the local gateway serves besides the API: the local identity provider (Cognito's JSON API
 * for the SPA's sign-in, and the JWKS), the portal's `config.json`, and the built SPA with its
 * security headers (any unknown path gets `index.html`: client-side routing).
 */
export function createPortalServer(options: {
  cognito: LocalCognito;
  poolId: string;
  portalDir: string;
  config: () => PortalConfig;
  connectSources: () => string[];
}) {
  const root = normalize(options.portalDir);
  const jwksPath = `${LOCAL_IDP_PATH}/${options.poolId}/.well-known/jwks.json`;

  return async function serve(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/v1/') || path.startsWith('/portal-api/')) return false;

    if (path === LOCAL_IDP_PATH || path === `${LOCAL_IDP_PATH}/`) {
      // Same origin as the portal: no CORS at all, so no other page can call it from a browser. And
      // only what the SPA does as a user: the admin operations need the local AWS credentials, on
      // the local AWS endpoint (as Cognito's admin API needs IAM credentials).
      if (request.method !== 'POST') {
        response.writeHead(405, { allow: 'POST' });
        response.end();
        return true;
      }
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.split('.').pop() ?? '';
      if (!SPA_OPERATIONS.has(operation)) {
        refuseCognitoOperation(
          response,
          `${operation || 'This operation'} is not open to browsers: admin operations need the local AWS credentials.`,
        );
        return true;
      }
      const answer = await callCognito(options.cognito, target, (await readBody(request)).toString('utf8'));
      response.writeHead(answer.status, { ...answer.headers, 'cache-control': 'no-store' });
      response.end(answer.body);
      return true;
    }
    if (path === jwksPath) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(options.cognito.jwks()));
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;

    const headers = portalSecurityHeaders(options.connectSources());
    if (path === '/config.json') {
      response.writeHead(200, {
        ...headers,
        'content-type': 'application/json',
        'cache-control': 'no-store',
      });
      response.end(JSON.stringify(options.config()));
      return true;
    }
    const candidate = normalize(join(root, decodeURIComponent(path)));
    const file =
      candidate.startsWith(root) && existsSync(candidate) && statSync(candidate).isFile()
        ? candidate
        : join(root, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('The portal is not built yet: run `npm run build:portal` (npm start does it for you).');
      return true;
    }
    const hashed = file.includes(`${join(root, 'assets')}`);
    response.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      // Vite puts a content hash in asset names: those are immutable; index.html never is.
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    response.end(request.method === 'HEAD' ? undefined : readFileSync(file));
    return true;
  };
}
