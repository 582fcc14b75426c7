import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BANK_FILES, SEPA_CUT_OFF_EVERY_MINUTES, SEPA_CUT_OFF_FUNCTION } from '../../shared/topology.js';
import { functionsWhere, type PayoutsFunction } from './payouts-function.js';
import { privateBucket } from './private-bucket.js';

export interface BankFilesProps {
  functions: ReadonlyMap<string, PayoutsFunction>;
  /** The topology's queues (the notification's destination is BANK_FILES.queue). */
  queues: ReadonlyMap<string, Queue>;
  accessLogs: IBucket;
}

/**
 * SEPA files (issue 21, D72): the private bank files bucket. The cut-off function writes pain.001
 * files under `tenants/*\/outbound/` only; new objects ending in `.xml` are announced to the
 * bank-files queue, whose reader reads `tenants/*\/inbound/` only (it ignores other keys). The tenant's
 * bank gateway gets an IAM principal of its own that may read its outbound prefix and write its
 * inbound prefix (docs/deploy.md), nothing else.
 */
export class BankFiles extends Construct {
  readonly bucket: Bucket;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: BankFilesProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucket(props.accessLogs, 'bank-files'),
      // Payment files are payment records: deleting the stack never deletes them.
      removalPolicy: RemovalPolicy.RETAIN,
      versioned: true,
    });
    const queue = props.queues.get(BANK_FILES.queue);
    if (!queue) throw new Error(`No queue ${BANK_FILES.queue}`);
    for (const suffix of [BANK_FILES.suffix, BANK_FILES.suffix.toUpperCase()])
      this.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(queue), {
        prefix: 'tenants/',
        suffix,
      });

    for (const { spec, fn } of functionsWhere(props.functions, (candidate) => candidate.bankFiles)) {
      fn.bindEnvironment({ PAYOUTS_BANK_FILES_BUCKET: this.bucket.bucketName });
      fn.addToRolePolicy(
        spec.bankFiles === 'write'
          ? new PolicyStatement({
              // A multipart upload: put, and abort what a dead run left.
              actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
              resources: [
                this.bucket.arnForObjects('tenants/*/outbound/*'),
                this.bucket.arnForObjects('tenants/*/outbound-test/*'),
              ],
            })
          : new PolicyStatement({
              actions: ['s3:GetObject'],
              resources: [this.bucket.arnForObjects('tenants/*/inbound/*')],
            }),
      );
    }

    const cutOff = props.functions.get(SEPA_CUT_OFF_FUNCTION);
    if (!cutOff) throw new Error(`No function ${SEPA_CUT_OFF_FUNCTION}`);
    this.schedule = new Schedule(this, 'CutOff', {
      description: "Cuts each tenant's SEPA file when its cut-off is due",
      schedule: ScheduleExpression.rate(Duration.minutes(SEPA_CUT_OFF_EVERY_MINUTES)),
      target: new LambdaInvoke(cutOff, { retryAttempts: 0 }),
    });
  }
}
