import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { nagAcknowledgements } from '../../infra/nag-suppressions.js';
import { PayoutsStack } from '../../infra/payouts-stack.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PayoutsStack(app, 'Payouts');

describe('cdk-nag AwsSolutions checks', () => {
  it('find nothing in the stack beyond the acknowledged findings', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map(
      (violation) =>
        `${violation.severity} ${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledge each finding with a written reason', () => {
    const acknowledgements = nagAcknowledgements(stack);
    expect(acknowledgements.length).toBeGreaterThan(10);
    for (const { id, reason } of acknowledgements) {
      expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(reason.length, id).toBeGreaterThan(60);
    }
  });

  it('do report a finding where one exists (the checks are live)', () => {
    const scratch = new App();
    const other = new Stack(scratch, 'Scratch');
    new Queue(other, 'Plain'); // no DLQ, no TLS-only policy
    const report = new AwsSolutionsChecks(scratch).validateScope(scratch);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });
});
