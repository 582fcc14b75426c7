import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpJwtAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import {
  API_KEY_IDENTITY_SOURCE,
  API_THROTTLE,
  AUTHORIZER_FUNCTION,
  FUNCTIONS,
  type FunctionName,
  NOT_FOUND_FUNCTION,
  ROUTES,
  type RouteAuth,
} from '../../shared/topology.js';
import { PayoutsFunction } from './payouts-function.js';
import type { PayoutsTable } from './payouts-table.js';

export interface PayoutApiProps {
  table: PayoutsTable;
  /** The team's identity provider: routes with `auth: 'jwt'` verify its tokens. */
  jwt: { issuer: string; audience: string[] };
  /** The stage's throttle (deploy settings); routes may have their own, lower ones (topology). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Reserve the topology's concurrency (deploy setting `reserveConcurrency`). */
  reserveConcurrency?: boolean;
}

/** `create-payout` → `CreatePayout`, for readable logical IDs. */
const pascalCase = (name: string) =>
  name.replace(/(^|-)([a-z0-9])/g, (_match, _dash, letter: string) => letter.toUpperCase());

/**
 * One access log line per request, as JSON. HTTP APIs substitute `-` for missing values, so every
 * value is quoted to keep each line valid JSON.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    tenantId: '$context.authorizer.tenantId',
    // The key of the call: with the request id, IP and time, the trail of a payout an API key
    // created (its history names the key; D78).
    apiKeyId: '$context.authorizer.apiKeyId',
  }),
);

/**
 * The payouts HTTP API: one Lambda function per topology entry, one route per topology route, and
 * the `$default` route answering everything else in the API's error format.
 */
export class PayoutApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** Every topology function, by its topology name. */
  readonly functions: ReadonlyMap<string, PayoutsFunction>;

  constructor(scope: Construct, id: string, props: PayoutApiProps) {
    super(scope, id);

    const functions = new Map<string, PayoutsFunction>();
    for (const spec of FUNCTIONS) {
      const fn = new PayoutsFunction(this, pascalCase(spec.name), {
        spec,
        reserveConcurrency: props.reserveConcurrency ?? true,
      });
      if (spec.rateLimited) props.table.grantRequestCounters(fn);
      if (spec.table) {
        props.table.grantFor(fn, spec.table);
        fn.bindEnvironment({ PAYOUTS_TABLE_NAME: props.table.tableName });
      }
      functions.set(spec.name, fn);
    }
    this.functions = functions;
    const fn = (name: FunctionName) => {
      const found = functions.get(name);
      if (!found) throw new Error(`Route target '${name}' is not a topology function`);
      return found;
    };
    const integration = (name: FunctionName) =>
      new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn(name));

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Payouts API',
      defaultIntegration: integration(NOT_FOUND_FUNCTION),
      // The stage is created below, because only an explicit stage takes access log settings.
      createDefaultStage: false,
    });

    // A request without credentials is refused by API Gateway itself (401, nothing invoked: the
    // identity source). One with a key is authorized with its principal, or none: the handlers then
    // answer 401 in the contract's format (D46). No cache: a cached decision would outlive a revoked key.
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', fn(AUTHORIZER_FUNCTION), {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [API_KEY_IDENTITY_SOURCE],
      resultsCacheTtl: Duration.seconds(0),
    });
    const noAuthorizer = new HttpNoneAuthorizer();
    // API Gateway checks signature (JWKS), issuer, audience and expiry before the function runs.
    const jwtAuthorizer = new HttpJwtAuthorizer('PortalJwtAuthorizer', props.jwt.issuer, {
      jwtAudience: props.jwt.audience,
    });
    const authorizers: Record<RouteAuth, IHttpRouteAuthorizer> = {
      api_key: authorizer,
      jwt: jwtAuthorizer,
      none: noAuthorizer,
    };

    const integrations = new Map<string, HttpLambdaIntegration>();
    const throttledRoutes: IConstruct[] = [];
    for (const route of ROUTES) {
      let target = integrations.get(route.function);
      if (!target) {
        target = integration(route.function);
        integrations.set(route.function, target);
      }
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: target,
        authorizer: authorizers[route.auth],
      });
      if (route.throttle) throttledRoutes.push(...added);
    }

    const throttle = props.throttle ?? API_THROTTLE;
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Every route, every caller: a flood is turned away (429) before it costs a function invocation.
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR }),
        ),
        format: ACCESS_LOG_FORMAT,
      },
    });
    this.throttleRoutes(this.stage, throttle);
    // RouteSettings name routes by key: CloudFormation must create them before the stage.
    this.stage.node.addDependency(...throttledRoutes);
  }

  /** Routes with a throttle of their own (topology), below the stage's. */
  private throttleRoutes(stage: HttpStage, throttle: { rateLimit: number; burstLimit: number }): void {
    const routeSettings = Object.fromEntries(
      ROUTES.filter((route) => route.throttle).map((route) => [
        `${route.method} ${route.path}`,
        {
          ThrottlingRateLimit: Math.min(route.throttle?.rateLimit ?? 0, throttle.rateLimit),
          ThrottlingBurstLimit: Math.min(route.throttle?.burstLimit ?? 0, throttle.burstLimit),
        },
      ]),
    );
    // RouteSettings is raw JSON in CloudFormation: its keys are written as CloudFormation spells them.
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }

  /** The API's base URL, ending with `/`. */
  get url(): string {
    return this.stage.url;
  }
}
