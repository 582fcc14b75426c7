import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPortalIfStale } from '../local/build-portal.js';
import { PayoutsStack } from './payouts-stack.js';

// The stack deploys the built portal: build it first when its sources changed.
await buildPortalIfStale((line) => console.error(line));

const app = new App();
const stackName: unknown = app.node.tryGetContext('stackName') ?? 'Payouts';
if (typeof stackName !== 'string' || stackName.length === 0) {
  throw new Error(`Context 'stackName' must be a non-empty string, got ${JSON.stringify(stackName)}`);
}

// Environment-agnostic: the account and region come from the deploying credentials.
new PayoutsStack(app, stackName, {
  description: 'Serverless payouts platform: payouts API, executors, webhooks, approvals, portal, reports',
});

// cdk-nag's AwsSolutions checks on every synth and deploy: a finding that is not acknowledged (with
// its reason, in infra/nag-suppressions.ts) fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
