import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a running `npm start` says how to reach it (read by the CLI). */
export interface RuntimeFile {
  url: string;
  dynamodbEndpoint: string;
  tableName: string;
  /** The local AWS JSON endpoint (SQS, EventBridge, the identity provider's Cognito API). */
  awsEndpoint?: string;
  /** The local S3 server (attachments, reports, the inbound bucket of payroll files). */
  s3Endpoint?: string;
  /** The environment of its functions (local endpoints and names), for the CLI to act as one. */
  environment?: Record<string, string>;
  pid: number;
}

export function runtimeFilePath(dataDir = process.env.PAYOUTS_DATA_DIR ?? '.data'): string {
  return join(dataDir, 'local-runtime.json');
}

/** The running local platform, or undefined if none is running. */
export function readRuntimeFile(dataDir?: string): RuntimeFile | undefined {
  const file = runtimeFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  const runtime = JSON.parse(readFileSync(file, 'utf8')) as RuntimeFile;
  try {
    process.kill(runtime.pid, 0);
    return runtime;
  } catch {
    return undefined; // stale file from a platform that was killed
  }
}
