import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DAILY_REPORTS_FUNCTION, DAILY_REPORTS_SCHEDULE } from '../../shared/topology.js';
import { functionsWhere, type PayoutsFunction } from './payouts-function.js';
import { privateBucket } from './private-bucket.js';

export interface PayoutReportsProps {
  functions: ReadonlyMap<string, PayoutsFunction>;
  accessLogs: IBucket;
}

/** How long report files are kept: long enough for a month-end close, then regenerated on demand. */
const REPORT_RETENTION = Duration.days(90);

/**
 * Payout reports: the private bucket of CSV exports (encrypted, TLS-only, expiring) and the daily
 * schedule. The worker, its queue and the rule that feeds it come from the topology like every other.
 */
export class PayoutReports extends Construct {
  readonly bucket: Bucket;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: PayoutReportsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      ...privateBucket(props.accessLogs, 'reports'),
      // Derived data: every file can be generated again from the table.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      lifecycleRules: [
        { expiration: REPORT_RETENTION },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    for (const { spec, fn } of functionsWhere(props.functions, (candidate) => candidate.reports)) {
      fn.bindEnvironment({ PAYOUTS_REPORTS_BUCKET: this.bucket.bucketName });
      // Presigning a GET needs s3:GetObject; the worker also writes (PutObject covers the parts of a
      // multipart upload, AbortMultipartUpload its clean-up). Nothing lists, deletes or reads the bucket.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions:
            spec.reports === 'write'
              ? ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']
              : ['s3:GetObject'],
          resources: [this.bucket.arnForObjects('tenants/*')],
        }),
      );
    }

    const daily = props.functions.get(DAILY_REPORTS_FUNCTION);
    if (!daily) throw new Error(`No function ${DAILY_REPORTS_FUNCTION}`);
    this.schedule = new Schedule(this, 'Daily', {
      description: "The previous day's payout report for every tenant",
      schedule: ScheduleExpression.cron({
        hour: String(DAILY_REPORTS_SCHEDULE.hourUtc),
        minute: String(DAILY_REPORTS_SCHEDULE.minuteUtc),
      }),
      target: new LambdaInvoke(daily, { retryAttempts: 3 }),
    });
  }
}
