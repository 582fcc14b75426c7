import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** Every bucket of the platform: no public access, encrypted at rest, TLS only, no ACLs. */
export const PRIVATE_BUCKET: BucketProps = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
};

/** How long access logs are kept: a year covers an audit period. */
const ACCESS_LOG_RETENTION = Duration.days(365);

/**
 * The bucket of access logs: S3 server access logs of every other bucket and CloudFront's standard
 * logs. CloudFront writes its logs with an ACL, so this one bucket keeps ACLs enabled (owner
 * preferred); it is private, encrypted and TLS-only like the others, and retained.
 */
export function accessLogsBucket(scope: Construct, id: string): Bucket {
  return new Bucket(scope, id, {
    ...PRIVATE_BUCKET,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{ expiration: ACCESS_LOG_RETENTION }],
  });
}

/** A private bucket's props with its server access logs going to `logs` under `<prefix>/`. */
export function privateBucket(logs: IBucket, prefix: string): BucketProps {
  return { ...PRIVATE_BUCKET, serverAccessLogsBucket: logs, serverAccessLogsPrefix: `${prefix}/` };
}
