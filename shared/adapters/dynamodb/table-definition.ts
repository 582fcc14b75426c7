/**
 * The single table, declared once. The CDK stack (infra/constructs/payouts-table.ts) and the local
 * runtime (local/dynamodb-local.ts) both build the table from this object, so they cannot drift.
 * The key layout of every item lives in ./keys.ts.
 */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL may lag by days, so code checks expiry itself. */
  ttlAttribute: 'expires_at',
  globalSecondaryIndexes: [
    {
      /** Per-tenant listings, newest first: payouts, events, API keys. */
      indexName: 'gsi1',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      projection: 'ALL',
    },
    {
      /**
       * Payouts that are not final yet, across tenants, oldest first: what the outbox sweeper walks to
       * find a payout whose next step was lost. Sparse (final payouts drop out) and keys only, with
       * keys that do not change while a payout is open: status changes cost the index nothing.
       */
      indexName: 'gsi2',
      partitionKey: 'gsi2pk',
      sortKey: 'gsi2sk',
      projection: 'KEYS_ONLY',
    },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
} as const;

export type TableDefinition = typeof TABLE_DEFINITION;
