import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  LAMBDA_BUNDLE_TARGET,
  LAMBDA_RUNTIME,
  PayoutsFunction,
} from '../../infra/constructs/payouts-function.js';
import { PayoutsStack } from '../../infra/payouts-stack.js';
import { TABLE_DEFINITION } from '../../shared/adapters/dynamodb/table-definition.js';
import {
  API_THROTTLE,
  APPROVAL_TASK_FUNCTION,
  AUTHORIZER_FUNCTION,
  DAILY_REPORTS_FUNCTION,
  FUNCTIONS,
  functionSpec,
  LAMBDA_NODE_MAJOR,
  NOT_FOUND_FUNCTION,
  OUTBOX_RECOVERY_FUNCTION,
  QUEUES,
  ROUTES,
  SEPA_CUT_OFF_FUNCTION,
  STREAM_CONSUMER,
} from '../../shared/topology.js';
import { approvalStateMachine } from '../../shared/workflows/approval.js';

// Skipping bundling keeps these template tests fast; bundling.test.ts covers the bundles.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PayoutsStack(app, 'Payouts');
const template = Template.fromStack(stack);
const resources: Record<string, any> = template.toJSON().Resources;

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
/** The one resource of a type, as `[logicalId, resource]`. */
function single(type: string): [string, any] {
  const matches = ofType(type);
  if (matches.length !== 1) throw new Error(`Expected one ${type}, found ${matches.length}`);
  return matches[0]!;
}
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Logical ID of a topology function's AWS::Lambda::Function. */
function functionId(name: string): string {
  const fn = stack.api.functions.get(name);
  if (!fn) throw new Error(`No function for ${name}`);
  return stack.getLogicalId(fn.node.defaultChild as CfnFunction);
}

function lambdaOf(name: string): any {
  return resources[functionId(name)];
}

/** Every IAM statement granted to a function's execution role. */
function statementsOf(name: string): any[] {
  const roleId = lambdaOf(name).Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

/** A statement limited to the rate limit's request counters (their partition keys). */
const onRequestCounters = (statement: any) =>
  statement.Effect === 'Allow' && JSON.stringify(statement.Condition ?? {}).includes('#RATE#');
/** The deny that keeps audit entries append-only (D55; least-privilege.test.ts checks it). */
const auditDeny = (statement: any) => statement.Effect === 'Deny';

/** Every IAM action granted to a function's execution role (without the request counters' grant). */
function actionsOf(name: string): string[] {
  return statementsOf(name)
    .filter((statement) => !onRequestCounters(statement) && !auditDeny(statement))
    .flatMap((statement: any) => asArray(statement.Action));
}

/** The one EventBridge Scheduler schedule that invokes a function. */
function scheduleOf(name: string): any {
  const matches = ofType('AWS::Scheduler::Schedule').filter(([, schedule]) =>
    JSON.stringify(schedule.Properties.Target.Arn).includes(functionId(name)),
  );
  expect(matches, `schedules of ${name}`).toHaveLength(1);
  return matches[0]![1];
}

const dynamoActions = (name: string) => actionsOf(name).filter((action) => action.startsWith('dynamodb:'));

/** The function an API Gateway integration or authorizer URI invokes. */
function invokedFunctionId(uri: any): string {
  const getAtt = JSON.stringify(uri).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/);
  if (!getAtt?.[1]) throw new Error(`No function ARN in ${JSON.stringify(uri)}`);
  return getAtt[1];
}

function routeNamed(routeKey: string): any {
  const matches = ofType('AWS::ApiGatewayV2::Route').filter(
    ([, route]) => route.Properties.RouteKey === routeKey,
  );
  expect(matches, `routes with key ${routeKey}`).toHaveLength(1);
  return matches[0]![1].Properties;
}

function functionBehindRoute(route: any): string {
  const integrationId = route.Target['Fn::Join'][1][1].Ref;
  return invokedFunctionId(resources[integrationId].Properties.IntegrationUri);
}

const STREAM_ACTIONS = [
  'dynamodb:ListStreams',
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
];

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];
const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
];

describe('payouts table', () => {
  const [tableId, table] = single('AWS::DynamoDB::GlobalTable');
  const props = table.Properties;

  it('is the only table, with the keys and index of TABLE_DEFINITION', () => {
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(0);
    expect(props.KeySchema).toEqual([
      { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
    ]);
    expect(props.GlobalSecondaryIndexes).toEqual(
      TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    );
    // The outbox sweeper's index holds keys only: a payout's status changes cost it nothing.
    expect(
      TABLE_DEFINITION.globalSecondaryIndexes.find((index) => index.indexName === 'gsi2')?.projection,
    ).toBe('KEYS_ONLY');
  });

  it('streams both images, expires items on the TTL attribute and bills on demand', () => {
    expect(props.StreamSpecification).toEqual({ StreamViewType: TABLE_DEFINITION.stream });
    expect(props.TimeToLiveSpecification).toEqual({
      AttributeName: TABLE_DEFINITION.ttlAttribute,
      Enabled: true,
    });
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('survives stack deletion and accidents: retained, deletion-protected, point-in-time recoverable', () => {
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(props.Replicas).toHaveLength(1);
    expect(props.Replicas[0]).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('is encrypted with the AWS managed KMS key', () => {
    expect(props.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
  });

  it('has its name in the TableName output', () => {
    template.hasOutput('TableName', { Value: { Ref: tableId } });
  });
});

describe('functions', () => {
  it("creates exactly one Lambda function per topology entry, besides CDK's own deployment helpers", () => {
    const ours = new Set(FUNCTIONS.map((spec) => functionId(spec.name)));
    const others = ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => !ours.has(id));

    expect(ours.size).toBe(FUNCTIONS.length);
    // The portal's site deployment (BucketDeployment), the site bucket's auto-delete provider, and
    // the inbound bucket's event notification handler.
    expect(others.map((id) => id.replace(/[0-9A-F]{8,}.*$/, '')).sort()).toEqual([
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db',
      'CustomCDKBucketDeployment',
      'CustomS3AutoDeleteObjectsCustomResourceProviderHandler',
    ]);
  });

  it('runs and bundles every function for one Node.js version (LAMBDA_NODE_MAJOR): a one-line upgrade', () => {
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
    expect(LAMBDA_BUNDLE_TARGET).toBe(`node${LAMBDA_NODE_MAJOR}`);
    for (const spec of FUNCTIONS)
      expect(lambdaOf(spec.name).Properties.Runtime, spec.name).toBe(LAMBDA_RUNTIME.name);
  });

  it.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))(
    '%s runs on Node.js 22 / arm64 with tracing, its topology settings and a log group that expires',
    (name, spec) => {
      const props = lambdaOf(name).Properties;

      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Description: spec.description,
        MemorySize: spec.memoryMb ?? 256,
        Timeout: spec.timeoutSeconds ?? 10,
      });
      const logGroup = resources[props.LoggingConfig.LogGroup.Ref];
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    },
  );

  it.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))(
    '%s gets the stage, and the table name only if it uses the table',
    (name, spec) => {
      const variables = lambdaOf(name).Properties.Environment.Variables;
      const [tableId] = single('AWS::DynamoDB::GlobalTable');

      expect(variables).toMatchObject({ PAYOUTS_STAGE: 'aws', POWERTOOLS_SERVICE_NAME: 'payouts' });
      if (spec.table) expect(variables.PAYOUTS_TABLE_NAME).toEqual({ Ref: tableId });
      else expect(variables).not.toHaveProperty('PAYOUTS_TABLE_NAME');
    },
  );
});

describe('permissions', () => {
  it('grants no wildcard action anywhere', () => {
    const statements = [
      ...ofType('AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement),
      ...ofType('AWS::IAM::Role').flatMap(([, role]) =>
        (role.Properties.Policies ?? []).flatMap((policy: any) => policy.PolicyDocument.Statement),
      ),
    ];
    const actions = statements.flatMap((statement: any) => asArray(statement.Action));

    expect(statements.length).toBeGreaterThan(0);
    expect(actions).not.toContain('*');
    expect(actions.filter((action) => /^dynamodb:\*|:\*$/.test(action))).toEqual([]);
  });

  it.each(FUNCTIONS.filter((spec) => !spec.table).map((spec) => [spec.name]))(
    '%s, which declares no table access, gets no DynamoDB permission at all',
    (name) => {
      expect(dynamoActions(name)).toEqual([]);
    },
  );

  it.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))(
    '%s may update the rate limit counters, and only them, exactly when it is rate limited',
    (name, spec) => {
      const [tableId] = single('AWS::DynamoDB::GlobalTable');
      const counters = statementsOf(name).filter(onRequestCounters);
      if (!spec.rateLimited) {
        expect(counters).toEqual([]);
        return;
      }
      expect(counters).toHaveLength(1);
      expect(counters[0]).toMatchObject({
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#RATE#*#*'] } },
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
      });
    },
  );

  it('rate limits every creating and listing API function, report creation and the portal (D56)', () => {
    expect(
      FUNCTIONS.filter((spec) => spec.rateLimited)
        .map((spec) => spec.name)
        .sort(),
    ).toEqual([
      'create-payout',
      'create-payout-batch',
      'create-report',
      'list-events',
      'list-payout-batches',
      'list-payouts',
      'portal-api',
      'portal-batches',
      'portal-reconciliation',
      'reconciliation-runs',
    ]);
  });

  it.each(FUNCTIONS.filter((spec) => spec.table === 'read').map((spec) => [spec.name]))(
    '%s, a reader, can read the table and its index but write nothing',
    (name) => {
      const actions = dynamoActions(name);

      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(actions.filter((action) => !READ_ACTIONS.includes(action))).toEqual([]);
      expect(actions.filter((action) => WRITE_ACTIONS.includes(action))).toEqual([]);
    },
  );

  it.each(FUNCTIONS.filter((spec) => spec.table === 'read-write').map((spec) => [spec.name]))(
    '%s, a writer, can read and write items but not manage the table',
    (name) => {
      const actions = dynamoActions(name);

      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
      );
      // Only the stream's consumer and the outbox recovery (its replay) may also read the table's stream.
      const allowed =
        name === STREAM_CONSUMER.function || name === OUTBOX_RECOVERY_FUNCTION
          ? [...READ_ACTIONS, ...WRITE_ACTIONS, ...STREAM_ACTIONS]
          : [...READ_ACTIONS, ...WRITE_ACTIONS];
      expect(actions.filter((action) => !allowed.includes(action))).toEqual([]);
    },
  );
});

describe('HTTP API', () => {
  const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
  const [authorizerId, authorizer] = authorizers.find(
    ([, candidate]) => candidate.Properties.AuthorizerType === 'REQUEST',
  )!;
  const [jwtAuthorizerId, jwtAuthorizer] = authorizers.find(
    ([, candidate]) => candidate.Properties.AuthorizerType === 'JWT',
  )!;

  it('verifies portal tokens against the user pool: its issuer, its app client as audience', () => {
    const [poolId] = single('AWS::Cognito::UserPool');
    const [clientId] = single('AWS::Cognito::UserPoolClient');

    expect(authorizers).toHaveLength(2);
    expect(JSON.stringify(jwtAuthorizer.Properties.JwtConfiguration.Issuer)).toContain(poolId);
    expect(jwtAuthorizer.Properties.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);
    expect(jwtAuthorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
  });

  it('has one route per topology route plus $default, and no others', () => {
    const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);

    expect(routeKeys.sort()).toEqual(
      [...ROUTES.map((route) => `${route.method} ${route.path}`), '$default'].sort(),
    );
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s invokes its function, behind the authorizer the topology names',
    (routeKey, spec) => {
      const route = routeNamed(routeKey);

      expect(functionBehindRoute(route)).toBe(functionId(spec.function));
      if (spec.auth === 'api_key') {
        expect(route.AuthorizationType).toBe('CUSTOM');
        expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      } else if (spec.auth === 'jwt') {
        expect(route.AuthorizationType).toBe('JWT');
        expect(route.AuthorizerId).toEqual({ Ref: jwtAuthorizerId });
      } else {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route).not.toHaveProperty('AuthorizerId');
      }
    },
  );

  it('answers unknown routes with the not-found function, without authorization', () => {
    const route = routeNamed('$default');

    expect(functionBehindRoute(route)).toBe(functionId(NOT_FOUND_FUNCTION));
    expect(route.AuthorizationType).toBe('NONE');
  });

  it('reaches every function: through a route, as the authorizer, as $default, from the stream, a queue or the approval workflow', () => {
    const reachable = new Set([
      APPROVAL_TASK_FUNCTION,
      DAILY_REPORTS_FUNCTION,
      OUTBOX_RECOVERY_FUNCTION,
      SEPA_CUT_OFF_FUNCTION,
      AUTHORIZER_FUNCTION,
      NOT_FOUND_FUNCTION,
      ...ROUTES.map((r) => r.function),
      STREAM_CONSUMER.function,
      ...QUEUES.map((queue) => queue.consumer.function),
    ]);

    expect(FUNCTIONS.map((spec) => spec.name).filter((name) => !reachable.has(name))).toEqual([]);
    for (const route of ROUTES) expect(() => functionSpec(route.function)).not.toThrow();
  });

  it('refuses requests without credentials at the gateway (identity source), invoking nothing; no cache', () => {
    expect(invokedFunctionId(authorizer.Properties.AuthorizerUri)).toBe(functionId(AUTHORIZER_FUNCTION));
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      // API Gateway answers 401 itself when the header is missing: a flood without keys costs nothing.
      IdentitySource: ['$request.header.Authorization'],
      // A cached decision would outlive a revoked key.
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it('throttles the stage, and the expensive routes below it', () => {
    const [, stage] = single('AWS::ApiGatewayV2::Stage');
    // RouteSettings name routes by key: the stage is created after them (else a first deploy fails).
    const routeIds = ofType('AWS::ApiGatewayV2::Route')
      .filter(([, route]) =>
        ['POST /v1/payout-batches', 'POST /v1/reports'].includes(route.Properties.RouteKey),
      )
      .map(([id]) => id);
    expect(routeIds).toHaveLength(2);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: API_THROTTLE.rateLimit,
      ThrottlingBurstLimit: API_THROTTLE.burstLimit,
    });
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /v1/payout-batches': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      'POST /v1/reports': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      'POST /v1/provider-webhooks/{connector}/{tenant_id}': {
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
      },
    });
  });

  it('reserves concurrency for the relay, the executor and the outbox recovery: a flood cannot stall them', () => {
    const reserved = (name: string) => lambdaOf(name).Properties.ReservedConcurrentExecutions;
    expect(reserved(STREAM_CONSUMER.function)).toBe(20);
    expect(reserved('execute-payout')).toBe(10);
    expect(reserved(OUTBOX_RECOVERY_FUNCTION)).toBe(1);
    // Reserved above the execution queue's own cap, so the cap (not throttling) governs.
    const execution = QUEUES.find((queue) => queue.name === 'execution');
    expect(reserved('execute-payout')).toBeGreaterThan(execution?.consumer.maxConcurrency ?? 0);
    // API handlers are not reserved: they share what is left.
    expect(reserved('create-payout')).toBeUndefined();
  });

  it('lets API Gateway invoke the authorizer and every routed function', () => {
    const invokable = ofType('AWS::Lambda::Permission')
      .filter(([, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com')
      .map(([, permission]) => permission.Properties.FunctionName['Fn::GetAtt'][0]);
    const expected = [AUTHORIZER_FUNCTION, NOT_FOUND_FUNCTION, ...ROUTES.map((r) => r.function)].map(
      functionId,
    );

    expect(new Set(invokable)).toEqual(new Set(expected));
  });

  it('writes one JSON access log line per request to a log group that expires', () => {
    const [, stage] = single('AWS::ApiGatewayV2::Stage');
    const settings = stage.Properties.AccessLogSettings;

    expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      routeKey: '$context.routeKey',
      latency: '$context.responseLatency',
    });
    const logGroup = resources[settings.DestinationArn['Fn::GetAtt'][0]];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('publishes its URL in the ApiUrl output', () => {
    const [apiId] = single('AWS::ApiGatewayV2::Api');

    expect(JSON.stringify(template.toJSON().Outputs.ApiUrl.Value)).toContain(`{"Ref":"${apiId}"}`);
  });
});

describe('PayoutsFunction.bindEnvironment', () => {
  const makeFunction = () => {
    const scratch = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Scratch');
    return { scratch, fn: new PayoutsFunction(scratch, 'Fn', { spec: functionSpec('get-health') }) };
  };

  it('adds variables to those already bound instead of replacing them', () => {
    const { scratch, fn } = makeFunction();

    fn.bindEnvironment({ FIRST: '1' }).bindEnvironment({ SECOND: '2' });

    const [lambda] = Object.values(Template.fromStack(scratch).findResources('AWS::Lambda::Function'));
    expect(lambda?.Properties.Environment.Variables).toMatchObject({
      PAYOUTS_STAGE: 'aws',
      FIRST: '1',
      SECOND: '2',
    });
  });

  it('refuses to rebind a variable to a different value, and accepts the same value again', () => {
    const { fn } = makeFunction();

    fn.bindEnvironment({ FIRST: '1' });

    expect(() => fn.bindEnvironment({ FIRST: '1' })).not.toThrow();
    expect(() => fn.bindEnvironment({ FIRST: '2' })).toThrow(/FIRST is already bound/);
  });
});

describe('Business Portal', () => {
  const [, pool] = single('AWS::Cognito::UserPool');
  const [, client] = single('AWS::Cognito::UserPoolClient');
  const [, distribution] = single('AWS::CloudFront::Distribution');
  const buckets = ofType('AWS::S3::Bucket');

  it('signs the team in with a user pool that only admins add to, the tenant an immutable attribute', () => {
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties.Schema).toContainEqual(
      expect.objectContaining({ Name: 'tenant_id', Mutable: false, AttributeDataType: 'String' }),
    );
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    expect(client.Properties.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(client.Properties.WriteAttributes ?? []).not.toContain('custom:tenant_id');
  });

  it('serves the SPA from a private bucket over HTTPS and the portal API on the same origin', () => {
    const config = distribution.Properties.DistributionConfig;
    const api = config.CacheBehaviors.find((behavior: any) => behavior.PathPattern === '/portal-api/*');

    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
    expect(config.Origins.some((origin: any) => origin.OriginAccessControlId)).toBe(true);
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'PUT', 'PATCH', 'DELETE']));
  });

  it('sends security headers: a strict CSP, no framing, no sniffing, HSTS', () => {
    const [, policy] = single('AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;

    expect(JSON.stringify(headers.ContentSecurityPolicy)).toContain("frame-ancestors 'none'");
    expect(JSON.stringify(headers.ContentSecurityPolicy)).toContain("script-src 'self'");
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ContentTypeOptions.Override).toBe(true);
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
  });

  it('keeps attachments private, encrypted, TLS-only and retained, with CORS for the portal only', () => {
    const [attachmentsId, attachments] = buckets.find(([, bucket]) => bucket.Properties.CorsConfiguration)!;
    const policies = ofType('AWS::S3::BucketPolicy').filter(
      ([, policy]) => policy.Properties.Bucket.Ref === attachmentsId,
    );

    expect(attachments.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(attachments.Properties.BucketEncryption).toBeDefined();
    expect(attachments.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
    const [rule] = attachments.Properties.CorsConfiguration.CorsRules;
    expect(JSON.stringify(rule.AllowedOrigins)).toContain('DomainName');
    expect(rule.AllowedOrigins).not.toContain('*');
  });

  it('lets the CSV upload read two-step sign-in from the pool, and nothing else of it (D53)', () => {
    const actions = actionsOf('portal-batches');
    expect(actions.filter((action) => action.startsWith('cognito-idp:'))).toEqual([
      'cognito-idp:AdminGetUser',
    ]);
    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(lambdaOf('portal-batches').Properties.Environment.Variables).toMatchObject({
      PAYOUTS_USER_POOL_ID: { Ref: expect.any(String) },
    });
    expect(
      lambdaOf('portal-batches').Properties.Environment.Variables.PAYOUTS_ATTACHMENTS_BUCKET,
    ).toBeUndefined();
  });

  it('grants the portal API only its pool and the attachments under tenants/', () => {
    const actions = actionsOf('portal-api');
    const roleId = lambdaOf('portal-api').Properties.Role['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
    const s3 = statements.find((statement: any) => asArray(statement.Action).includes('s3:PutObject'));

    expect(actions.filter((action) => action.startsWith('cognito-idp:')).sort()).toEqual([
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminSetUserMFAPreference',
      'cognito-idp:AdminUserGlobalSignOut',
    ]);
    expect(JSON.stringify(s3.Resource)).toContain('/tenants/*');
    expect(actions).not.toContain('s3:*');
    expect(actions).not.toContain('s3:DeleteObject');
    expect(lambdaOf('portal-api').Properties.Environment.Variables).toMatchObject({
      PAYOUTS_USER_POOL_ID: { Ref: expect.any(String) },
      PAYOUTS_ATTACHMENTS_BUCKET: { Ref: expect.any(String) },
    });
  });
});

describe('approval workflow', () => {
  const [, machine] = single('AWS::StepFunctions::StateMachine');

  it('deploys the same ASL the local runtime runs (shared/workflows/approval.ts), calling the task function', () => {
    // The definition is a Fn::Join around the task function's ARN: put a marker in its place.
    const [separator, parts] = machine.Properties.DefinitionString['Fn::Join'];
    const text = parts
      .map((part: any) => {
        if (typeof part === 'string') return part;
        expect(part).toEqual({ 'Fn::GetAtt': [functionId(APPROVAL_TASK_FUNCTION), 'Arn'] });
        return 'TASK_FUNCTION_ARN';
      })
      .join(separator);

    expect(JSON.parse(text)).toEqual(approvalStateMachine('TASK_FUNCTION_ARN'));
  });

  it('is a Standard workflow with an explicit timeout on the waiting task, tracing and logs', () => {
    const definition = approvalStateMachine('x');

    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration.Level).toBe('ALL');
    // Without execution data: a payout's details never reach the workflow's logs.
    expect(machine.Properties.LoggingConfiguration.IncludeExecutionData).toBe(false);
    expect(definition.States.AwaitDecision.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(definition.States.AwaitDecision.TimeoutSecondsPath).toBe('$.Payload.timeout_seconds');
    expect(definition.States.AwaitDecision.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'Expire' }),
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Remaining' }),
    ]);
    // The waiting task's own failure is never retried (a retry restarts the full wait): it goes to
    // Remaining, which waits only what is left until the payout's expiry.
    expect(JSON.stringify(definition.States.AwaitDecision.Retry)).not.toContain('States.TaskFailed');
    expect(definition.States.Remaining.Next).toBe('Overdue');
    expect(definition.States.Pause.Next).toBe('AwaitDecision');
    // Step Functions' vended logs prefix.
    expect(
      JSON.stringify(
        resources[
          machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn[
            'Fn::GetAtt'
          ][0]
        ].Properties.LogGroupName,
      ),
    ).toContain('/aws/vendedlogs/states/');
  });

  it('lets only the starter start executions and only the deciders send task results', () => {
    for (const spec of FUNCTIONS) {
      const actions = actionsOf(spec.name).filter((action) => action.startsWith('states:'));
      // The starter also reads a run's state: a run that ended undecided is started again under a new name.
      if (spec.approvals === 'start')
        expect(actions.sort()).toEqual(['states:DescribeExecution', 'states:StartExecution']);
      else if (spec.approvals === 'resume')
        expect(actions.sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
      else expect(actions).toEqual([]);
    }
  });
});

describe('payout reports', () => {
  const reportsBucketId = stack.getLogicalId(stack.reports.bucket.node.defaultChild as any);
  const bucket = resources[reportsBucketId];

  it('keeps report files private, encrypted, TLS-only, and expires them', () => {
    const policy = ofType('AWS::S3::BucketPolicy').find(
      ([, candidate]) => candidate.Properties.Bucket.Ref === reportsBucketId,
    );

    expect(bucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    expect(JSON.stringify(policy)).toContain('aws:SecureTransport');
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 90, Status: 'Enabled' }),
    );
  });

  it('lets only the worker write report files, and the readers only read them', () => {
    for (const spec of FUNCTIONS) {
      const s3 = actionsOf(spec.name).filter(
        (action) => action.startsWith('s3:') && action !== 's3:GetObject' && !action.startsWith('s3:List'),
      );
      const writes = s3.filter((action) => /Put|Delete|Abort/.test(action));
      if (spec.reports === 'write') expect(writes).toContain('s3:PutObject');
      // The inbound files worker writes result files only (test/infra/inbound.test.ts); SEPA below.
      else if (!spec.portal && !spec.inboundFiles && spec.bankFiles !== 'write') expect(writes).toEqual([]);
    }
  });

  it('exports the previous day daily at 00:15 UTC through EventBridge Scheduler', () => {
    const schedule = scheduleOf(DAILY_REPORTS_FUNCTION);

    expect(schedule.Properties.ScheduleExpression).toBe('cron(15 0 * * ? *)');
  });
});

describe('SEPA bank files (issue 21)', () => {
  it('cuts files every 5 minutes through EventBridge Scheduler', () => {
    expect(scheduleOf(SEPA_CUT_OFF_FUNCTION).Properties.ScheduleExpression).toBe('rate(5 minutes)');
  });

  it('lets the cut-off write only outbound prefixes and the reader read only inbound ones', () => {
    const bucket = Object.keys(template.findResources('AWS::S3::Bucket')).find((id) =>
      id.startsWith('BankFilesBucket'),
    );
    expect(bucket).toBeDefined();
    for (const spec of FUNCTIONS) {
      const onBankFiles = statementsOf(spec.name).filter((statement) =>
        JSON.stringify(statement.Resource).includes(bucket as string),
      );
      if (!spec.bankFiles) {
        expect(onBankFiles, spec.name).toEqual([]);
        continue;
      }
      const expected =
        spec.bankFiles === 'write'
          ? { actions: ['s3:AbortMultipartUpload', 's3:PutObject'], prefix: '/tenants/*/outbound' }
          : { actions: ['s3:GetObject'], prefix: '/tenants/*/inbound/*' };
      for (const statement of onBankFiles) {
        expect([statement.Action].flat().sort(), spec.name).toEqual(expected.actions);
        expect(JSON.stringify(statement.Resource), spec.name).toContain(expected.prefix);
      }
      expect(onBankFiles.length, spec.name).toBeGreaterThan(0);
    }
  });

  it('announces new XML files under tenants/ to the bank-files queue', () => {
    const notifications = template.findResources('Custom::S3BucketNotifications');
    const bank = Object.values(notifications).find((resource) =>
      JSON.stringify(resource.Properties.BucketName).includes('BankFilesBucket'),
    );
    const filters = JSON.stringify(bank?.Properties.NotificationConfiguration);
    expect(filters).toContain('"Name":"prefix","Value":"tenants/"');
    expect(filters).toContain('"Name":"suffix","Value":".xml"');
  });
});

describe('outbox recovery', () => {
  it('runs every 5 minutes through EventBridge Scheduler', () => {
    expect(scheduleOf(OUTBOX_RECOVERY_FUNCTION).Properties.ScheduleExpression).toBe('rate(5 minutes)');
  });

  it('may read the stream DLQ and replay the table stream, and knows the queue', () => {
    const statements = statementsOf(OUTBOX_RECOVERY_FUNCTION);
    const actions = statements.flatMap((statement) => asArray(statement.Action));
    expect(actions).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']),
    );
    // On this table's stream (no ListStreams, whose resource would be `*`).
    const onStream = statements.filter((each) => JSON.stringify(each.Resource).includes('StreamArn'));
    expect(onStream.flatMap((each) => asArray(each.Action))).toEqual(
      expect.arrayContaining(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']),
    );
    expect(actions).not.toContain('dynamodb:ListStreams');
    const variables = lambdaOf(OUTBOX_RECOVERY_FUNCTION).Properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['PAYOUTS_STREAM_DLQ_URL', 'PAYOUTS_EVENT_BUS_NAME']),
    );
  });
});
