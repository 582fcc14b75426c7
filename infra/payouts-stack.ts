import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PayoutApi } from './constructs/payout-api.js';
import { PayoutExecution } from './constructs/payout-execution.js';
import { PayoutsTable } from './constructs/payouts-table.js';

/** The payouts platform: its table, the HTTP API in front of it, and payout execution. */
export class PayoutsStack extends Stack {
  readonly table: PayoutsTable;
  readonly api: PayoutApi;
  readonly execution: PayoutExecution;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new PayoutsTable(this, 'Payouts');
    this.api = new PayoutApi(this, 'Api', { table: this.table });
    this.execution = new PayoutExecution(this, 'Execution', {
      table: this.table,
      functions: this.api.functions,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the payouts API' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The single table' });
  }
}
