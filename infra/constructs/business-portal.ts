import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  AccountRecovery,
  ClientAttributes,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket, HttpMethods, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { TENANT_CLAIM } from '../../shared/adapters/cognito-claims.js';
import { portalContentSecurityPolicy } from '../../shared/http/portal-csp.js';
import type { PayoutApi } from './payout-api.js';
import { functionsWhere, REPO_ROOT } from './payouts-function.js';
import { privateBucket } from './private-bucket.js';

/** The built SPA (`npm run build:portal`). */
export const PORTAL_DIST = `${REPO_ROOT}portal/dist`;

/**
 * The team's sign-in: a Cognito user pool (email as username, no self sign-up: admins invite) with
 * the tenant as an immutable custom attribute only the admin API writes, and a public app client
 * for the SPA: SRP (the password never leaves the browser), no secret in the bundle. Two-step sign-in
 * is TOTP only (no SMS: SIM swaps, and no SNS spend); `roles`: optional in the pool, required by the
 * portal API for admins and approvers (D53); `everyone`: the pool requires it of every user.
 */
export class PortalIdentity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: { mfa: 'roles' | 'everyone' }) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      // `custom:tenant_id`: set once by AdminCreateUser, immutable afterwards.
      customAttributes: {
        [TENANT_CLAIM.replace('custom:', '')]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: props.mfa === 'everyone' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      deletionProtection: true,
      // The team's sign-ins outlive a stack deletion, like the payment data.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('PortalClient', {
      // SRP for the SPA; USER_PASSWORD_AUTH stays off in AWS (the password would travel to Cognito).
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // The SPA may read the tenant claim but never write it: only AdminCreateUser sets it.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
  }

  /** The issuer of the pool's tokens (what API Gateway's JWT authorizer checks). */
  get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}

export interface BusinessPortalProps {
  api: PayoutApi;
  identity: PortalIdentity;
  /** Server access logs of the portal's buckets and CloudFront's standard logs. */
  accessLogs: IBucket;
}

/** A CloudFront function: paths without a file extension get index.html (client-side routing). */
const SPA_ROUTING = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The Business Portal in AWS: the SPA in a private bucket behind CloudFront (origin access control),
 * `/portal-api/*` forwarded to the HTTP API on the same origin (no CORS, bearer tokens, no cookies),
 * security headers on every answer, `config.json` written at deploy time, and the private bucket of
 * manual payout attachments that the portal API presigns uploads and downloads for.
 */
export class BusinessPortal extends Construct {
  readonly distribution: Distribution;
  readonly siteBucket: Bucket;
  readonly attachments: Bucket;

  constructor(scope: Construct, id: string, props: BusinessPortalProps) {
    super(scope, id);
    if (!existsSync(`${PORTAL_DIST}/index.html`)) {
      throw new Error(
        'The portal is not built: run `npm run build:portal` before `cdk synth` or `cdk deploy`.',
      );
    }
    const region = Stack.of(this).region;
    const cognitoEndpoint = `https://cognito-idp.${region}.amazonaws.com/`;

    this.siteBucket = new Bucket(this, 'Site', {
      ...privateBucket(props.accessLogs, 'portal-site'),
      // Only build output lives here: it is redeployed from the repository at will.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    this.attachments = new Bucket(this, 'Attachments', {
      ...privateBucket(props.accessLogs, 'attachments'),
      versioned: true,
      // Documentation of payments: kept when the stack is deleted.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Replaced versions are kept for a year (accidental overwrite), current ones indefinitely.
        { noncurrentVersionExpiration: Duration.days(365) },
      ],
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Business Portal security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          // Any bucket of the region, not the attachments bucket by name: naming it here would make
          // a cycle (its CORS rule names the distribution, whose policy this is).
          contentSecurityPolicy: portalContentSecurityPolicy([
            cognitoEndpoint,
            `https://*.s3.${region}.amazonaws.com`,
          ]),
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
    });

    const apiDomain = `${props.api.httpApi.apiId}.execute-api.${region}.amazonaws.com`;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Payouts Business Portal',
      defaultRootObject: 'index.html',
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/',
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'SpaRouting', {
              code: FunctionCode.fromInline(SPA_ROUTING),
            }),
          },
        ],
      },
      additionalBehaviors: {
        '/portal-api/*': {
          origin: new HttpOrigin(apiDomain),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Forwards Authorization and the query string; API Gateway needs its own Host header.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
        },
      },
    });

    // Browsers upload and download attachments straight from S3 with presigned URLs.
    this.attachments.addCorsRule({
      allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
      allowedOrigins: [`https://${this.distribution.distributionDomainName}`],
      allowedHeaders: ['content-type'],
      maxAge: 600,
    });

    new BucketDeployment(this, 'DeploySite', {
      destinationBucket: this.siteBucket,
      distribution: this.distribution,
      sources: [
        Source.asset(PORTAL_DIST),
        Source.jsonData('config.json', {
          stage: 'aws',
          apiBase: '',
          // The public API's address: the Payout rails page shows providers' webhook URLs under it.
          publicApiBase: props.api.url,
          cognito: {
            endpoint: cognitoEndpoint,
            userPoolId: props.identity.userPool.userPoolId,
            clientId: props.identity.client.userPoolClientId,
            region,
          },
        }),
      ],
      memoryLimit: 256,
    });

    // The portal API's own needs: team administration in the pool, attachments under tenants/.
    for (const { fn, spec } of functionsWhere(props.api.functions, (candidate) => candidate.portal)) {
      const portal = spec.portal as NonNullable<typeof spec.portal>;
      fn.bindEnvironment({ PAYOUTS_USER_POOL_ID: props.identity.userPool.userPoolId });
      fn.addToRolePolicy(
        new PolicyStatement({
          actions:
            portal.userPool === 'manage'
              ? [
                  'cognito-idp:AdminCreateUser',
                  'cognito-idp:AdminEnableUser',
                  'cognito-idp:AdminDisableUser',
                  // Two-step sign-in: whether a member has TOTP on, an admin's reset of a lost one, and
                  // ending the member's sessions with it.
                  'cognito-idp:AdminGetUser',
                  'cognito-idp:AdminSetUserMFAPreference',
                  'cognito-idp:AdminUserGlobalSignOut',
                ]
              : ['cognito-idp:AdminGetUser'],
          resources: [props.identity.userPool.userPoolArn],
        }),
      );
      if (!portal.attachments) continue;
      fn.bindEnvironment({ PAYOUTS_ATTACHMENTS_BUCKET: this.attachments.bucketName });
      // Presigned PUT and GET act with the function's permissions; HeadObject needs GetObject.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject', 's3:GetObject'],
          resources: [this.attachments.arnForObjects('tenants/*')],
        }),
      );
    }
  }

  /** The portal's URL. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
