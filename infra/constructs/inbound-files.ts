import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INBOUND_FILES } from '../../shared/topology.js';
import { functionsWhere, type PayoutsFunction } from './payouts-function.js';
import { privateBucket } from './private-bucket.js';

export interface InboundFilesProps {
  functions: ReadonlyMap<string, PayoutsFunction>;
  /** The topology's queues (the notification's destination is INBOUND_FILES.queue). */
  queues: ReadonlyMap<string, Queue>;
  accessLogs: IBucket;
}

/**
 * Payroll files (issue 9): the private inbound bucket, whose new `.csv` objects S3 announces to the
 * inbound-files queue. The worker may read every file and write only result files; who may drop
 * files under which tenant's prefix is the integrators' IAM policies (docs/deploy.md).
 */
export class InboundFiles extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: InboundFilesProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucket(props.accessLogs, 'inbound'),
      // Payroll files are payment records: deleting the stack never deletes them.
      removalPolicy: RemovalPolicy.RETAIN,
      versioned: true,
    });
    const queue = props.queues.get(INBOUND_FILES.queue);
    if (!queue) throw new Error(`No queue ${INBOUND_FILES.queue}`);
    // S3 matches suffixes case-sensitively: `.csv` and `.CSV` are both payroll files.
    for (const suffix of [INBOUND_FILES.suffix, INBOUND_FILES.suffix.toUpperCase()])
      this.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(queue), { suffix });

    for (const { fn } of functionsWhere(props.functions, (candidate) => candidate.inboundFiles)) {
      fn.bindEnvironment({ PAYOUTS_INBOUND_BUCKET: this.bucket.bucketName });
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('*')] }),
      );
      // So that a file deleted before it is read answers 404 (gone: skip it), not 403 (retry, DLQ).
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects(`*${INBOUND_FILES.resultSuffix}`)],
        }),
      );
    }
  }
}
