import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { API_KEY_IDENTITY_SOURCE, type RouteSpec } from '../shared/topology.js';

// biome-ignore lint/suspicious/noExplicitAny: a Lambda handler's event type depends on its trigger.
export type LambdaHandler = (event: any, context: Context) => Promise<any>;

/** API Gateway HTTP APIs refuse bodies above 10 MB before any function runs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

interface CompiledRoute extends RouteSpec {
  pattern: RegExp;
  routeKey: string;
}

function compile(route: RouteSpec): CompiledRoute {
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    // `{proxy+}` is greedy (the rest of the path); `{id}` is one segment.
    .replace(/\\?\{(\w+)\\\+\\?\}/g, '(?<$1>.+)')
    .replace(/\\?\{(\w+)\\?\}/g, '(?<$1>[^/]+)');
  return { ...route, pattern: new RegExp(`^${source}$`), routeKey: `${route.method} ${route.path}` };
}

/**
 * A Lambda context good enough for handlers and Powertools. Its 30 s deadline is a placeholder: the
 * local runtime runs every handler under its function's own timeout (function-timeout.ts), which
 * replaces `getRemainingTimeInMillis`.
 */
export function lambdaContext(functionName: string, requestId: string = randomUUID()): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? 'too_large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body ?? '';
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

export interface LocalApiGatewayOptions {
  routes: readonly RouteSpec[];
  /** The handler of a topology function, by name. */
  handlerOf: (functionName: string) => LambdaHandler;
  authorizer: string;
  /** Verifies a bearer JWT for `jwt` routes (issuer, audience, signature, expiry) and returns its claims. */
  verifyJwt?: (token: string) => Promise<Record<string, unknown> | undefined>;
  /** Answers what is not an API route (the portal's files, the local identity provider); true if it did. */
  serve?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** Function answering requests that match no route (the HTTP API's `$default` route). */
  fallback?: string;
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
}

/**
 * A local stand-in for API Gateway HTTP APIs (payload format 2.0): it turns HTTP requests into the
 * same events Lambda receives, runs the same authorizer (simple responses) and the same handlers.
 */
export function createLocalApiGateway(options: LocalApiGatewayOptions): Server {
  const identityHeader = API_KEY_IDENTITY_SOURCE.replace('$request.header.', '').toLowerCase();
  // API Gateway picks the most specific route: a greedy `{proxy+}` or an ANY route only when no
  // other matches (`POST /portal-api/v1/payout-batches` before `ANY /portal-api/{proxy+}`).
  const generality = (route: RouteSpec) =>
    (route.path.includes('+}') ? 2 : 0) + (route.method === 'ANY' ? 1 : 0);
  // Among greedy routes, the longer literal prefix is the more specific (`/portal-api/v1/payout-rails/{proxy+}`
  // before `/portal-api/{proxy+}`), as API Gateway matches them.
  const routes = [...options.routes]
    .sort((a, b) => generality(a) - generality(b) || b.path.length - a.path.length)
    .map(compile);

  async function handle(request: IncomingMessage): Promise<APIGatewayProxyStructuredResultV2> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const requestId = randomUUID();
    let route: CompiledRoute | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of routes) {
      if (candidate.method !== method && candidate.method !== 'ANY') continue;
      match = candidate.pattern.exec(url.pathname);
      if (match) {
        route = candidate;
        break;
      }
    }
    const body = await readBody(request);
    if (body === 'too_large') return { statusCode: 413, body: '{"message":"Request Entity Too Large"}' };
    if (!route && !options.fallback) return { statusCode: 404, body: '{"message":"Not Found"}' };

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams)
      query[name] = name in query ? `${query[name]},${value}` : value;
    const now = new Date();
    const routeKey = route?.routeKey ?? '$default';
    const requestContext = {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    };
    const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(match?.groups ? { pathParameters: { ...match.groups } } : {}),
      requestContext,
      body: body.toString('utf8'),
      isBase64Encoded: false,
    };

    if (route?.auth === 'jwt') {
      // What API Gateway's JWT authorizer does: a bearer token, verified, or 401 before any function runs.
      const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
      const claims = token && options.verifyJwt ? await options.verifyJwt(token) : undefined;
      if (!claims) return { statusCode: 401, body: '{"message":"Unauthorized"}' };
      const asStrings = Object.fromEntries(
        Object.entries(claims).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      );
      event.requestContext.authorizer = { jwt: { claims: asStrings, scopes: null } };
    }
    if (route?.auth === 'api_key') {
      // The authorizer's identity source: without it API Gateway answers 401 and invokes nothing.
      const identity = headers[identityHeader];
      if (!identity) return { statusCode: 401, body: '{"message":"Unauthorized"}' };
      const authorizerEvent: APIGatewayRequestAuthorizerEventV2 = {
        version: '2.0',
        type: 'REQUEST',
        routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${url.pathname}`,
        identitySource: [identity],
        routeKey,
        rawPath: url.pathname,
        rawQueryString: event.rawQueryString,
        cookies: [],
        headers,
        queryStringParameters: query,
        requestContext,
        pathParameters: event.pathParameters ?? {},
        stageVariables: {},
      };
      const decision = (await options.handlerOf(options.authorizer)(
        authorizerEvent,
        lambdaContext(options.authorizer),
      )) as APIGatewaySimpleAuthorizerWithContextResult<Record<string, unknown>>;
      if (!decision.isAuthorized) return { statusCode: 403, body: '{"message":"Forbidden"}' };
      event.requestContext.authorizer = { lambda: decision.context };
    }
    const functionName = route?.function ?? (options.fallback as string);
    return options.handlerOf(functionName)(event, lambdaContext(functionName, requestId));
  }

  return createServer(async (request, response) => {
    const started = performance.now();
    if (options.serve && (await options.serve(request, response).catch(() => false))) return;
    handle(request)
      .catch((error: unknown): APIGatewayProxyStructuredResultV2 => {
        // What API Gateway answers when a function throws instead of returning a response.
        console.error('[local api] function error:', error);
        return { statusCode: 500, body: '{"message":"Internal Server Error"}' };
      })
      .then((result) => {
        send(response, { ...result, headers: { 'content-type': 'application/json', ...result.headers } });
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: request.url ?? '/',
          status: result.statusCode ?? 200,
          ms: performance.now() - started,
        });
      });
  });
}
