import { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { functionsWhere, type PayoutsFunction } from './payouts-function.js';

export interface WebhookSecretsProps {
  functions: ReadonlyMap<string, PayoutsFunction>;
}

/**
 * The customer managed key that seals webhook signing secrets (shared/adapters/kms-secret-sealer.ts):
 * the functions that create or rotate endpoints may only encrypt, the delivery function may only
 * decrypt, and nothing else may use it. Retained: without it, stored secrets cannot be opened.
 */
export class WebhookSecrets extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: WebhookSecretsProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Seals the payouts platform webhook signing secrets',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const { spec, fn } of functionsWhere(props.functions, (candidate) => candidate.webhookSecrets)) {
      fn.bindEnvironment({ PAYOUTS_SECRETS_KEY_ID: this.key.keyArn });
      // One action each (grantEncrypt would add ReEncrypt* and GenerateDataKey*, which nothing uses).
      this.key.grant(fn, spec.webhookSecrets === 'seal' ? 'kms:Encrypt' : 'kms:Decrypt');
    }
  }
}

/**
 * The customer managed key that seals tenants' connector credentials (provider API keys, signing
 * secrets): apart from the webhook secrets' key, so that a function that signs webhooks can never
 * read a provider key. The executor and the provider webhooks only decrypt; the payout rails page
 * (and the operators' CLI, with their own credentials) encrypts and decrypts. Retained like the other.
 */
export class ConnectorSecrets extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: WebhookSecretsProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Seals the payouts platform tenants connector credentials',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const { spec, fn } of functionsWhere(props.functions, (candidate) => candidate.connectorSecrets)) {
      fn.bindEnvironment({ PAYOUTS_CONNECTOR_KEY_ID: this.key.keyArn });
      if (spec.connectorSecrets === 'manage') this.key.grant(fn, 'kms:Encrypt', 'kms:Decrypt');
      else this.key.grant(fn, 'kms:Decrypt');
    }
  }
}
