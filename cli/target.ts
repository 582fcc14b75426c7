import { LOCAL_AWS_ENV } from '../local/dynamodb-local.js';
import { readRuntimeFile } from '../local/runtime-file.js';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Which platform the CLI talks to: AWS when a table is named (`--table` or PAYOUTS_TABLE_NAME, with
 * the usual AWS credentials), otherwise the `npm start` running on this machine.
 */
export function resolveTarget(table: string | undefined): {
  tableName: string;
  description: string;
  local: boolean;
} {
  const named = table ?? process.env.PAYOUTS_TABLE_NAME;
  if (named)
    return {
      tableName: named,
      description: `table ${named} in ${process.env.AWS_REGION ?? 'the default region'}`,
      local: false,
    };
  const runtime = readRuntimeFile();
  if (!runtime) {
    throw new CliError(
      'No local platform is running. Start it with `npm start` in another terminal, or target AWS with --table <name> (or PAYOUTS_TABLE_NAME).',
    );
  }
  Object.assign(process.env, {
    ...LOCAL_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamodbEndpoint,
    ...(runtime.awsEndpoint
      ? {
          AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: runtime.awsEndpoint,
          AWS_ENDPOINT_URL_KMS: runtime.awsEndpoint,
        }
      : {}),
  });
  return { tableName: runtime.tableName, description: `the local platform at ${runtime.url}`, local: true };
}
