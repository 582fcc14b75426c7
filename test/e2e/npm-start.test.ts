import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../local/ports.js';
import { apiClient, eventually, payoutBody } from '../helpers/platform.js';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const running: ChildProcess[] = [];

// Each start runs in its own process group, so a failed test can kill tsx, node and Java together.
afterEach(() => {
  for (const child of running.splice(0)) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A webhook receiver on loopback that answers 200 and keeps every body. */
async function startReceiver(): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(body);
      response.writeHead(200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/hooks`, received, server };
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Runs `npm start`'s entry point and resolves once it prints its banner. */
async function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(tsx, ['local/start.ts'], {
    env: { ...process.env, PAYOUTS_QUIET: '1', ...env },
    detached: true,
  });
  running.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 45 s:\n${output}`)), 45_000);
    child.stdout?.on('data', () => {
      if (output.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

/**
 * Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group (tsx and the Node
 * process it runs). Signalling tsx alone made tsx relay it and, on a loaded machine, sometimes exit
 * 130 before its child answered.
 */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    process.kill(-(child.pid as number), 'SIGINT');
  });
}

async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('serves the API with a demo key, works with the CLI, persists data and stops everything on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payouts-start-'));
    const port = await findFreePort();
    const env = { PORT: String(port), PAYOUTS_DATA_DIR: dataDir };

    const first = await start(env);
    const apiKey = /API key\s+(sk_test_\S+)/.exec(first.output())?.[1] as string;
    expect(apiKey).toBeTruthy();
    const url = `http://127.0.0.1:${port}`;
    const runtime = JSON.parse(readFileSync(join(dataDir, 'local-runtime.json'), 'utf8'));
    const demo = apiClient(url, 'demo', 'demo', apiKey);
    const payout = await demo.createPayout(payoutBody());
    expect(payout.status).toBe(201);

    const { stdout } = await promisify(execFile)(
      tsx,
      ['cli/payouts.ts', 'tenants', 'create', '--name', 'Acme', '--json'],
      {
        env: { ...process.env, PAYOUTS_DATA_DIR: dataDir },
      },
    );
    const created = JSON.parse(stdout);
    expect(created.tenant).toMatchObject({ id: expect.stringMatching(/^ten_/), name: 'Acme' });
    const acme = apiClient(url, created.tenant.id, '', created.api_key);
    expect((await acme.request('GET', '/v1/payouts')).body.data).toEqual([]);
    expect((await acme.request('GET', `/v1/payouts/${payout.body.id}`)).status).toBe(404);

    // A payroll file dropped under the demo prefix of the local inbound bucket becomes a demo batch.
    const s3 = new S3Client({
      endpoint: runtime.s3Endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const reference = `start-${Date.now()}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: 'payouts-inbound',
        Key: 'demo/payroll.csv',
        Body: `reference,amount,currency,email\n${reference},10.00,EUR,ada@example.com\n`,
      }),
    );
    const result = await eventually(
      () =>
        s3
          .send(new GetObjectCommand({ Bucket: 'payouts-inbound', Key: 'demo/payroll.result.csv' }))
          .then((object) => object.Body?.transformToString() ?? '')
          .catch(() => ''),
      (text) => text !== '',
    );
    expect(result).toContain(`2,${reference},accepted,pb_`);

    expect(await stop(first.child)).toBe(0);
    expect(await isListening(url)).toBe(false);
    expect(await isListening(runtime.dynamodbEndpoint)).toBe(false);

    const second = await start(env);
    expect(second.output()).toContain(apiKey);
    // Created before the restart, executed by the pipeline, still there after it.
    const after = await demo.request('GET', `/v1/payouts/${payout.body.id}`);
    expect(after.body).toMatchObject({ id: payout.body.id, amount: payout.body.amount });
    expect(['queued', 'processing', 'paid']).toContain(after.body.status);
    expect(await stop(second.child)).toBe(0);
  }, 120_000);

  it('writes no destination, API key or signing secret to its logs, even with every event logged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payouts-logs-'));
    const port = await findFreePort();
    // The worst case: every log level, and Powertools logging each function's whole incoming event
    // (headers with the API key, bodies with IBANs and names).
    const run = await start({
      PORT: String(port),
      PAYOUTS_DATA_DIR: dataDir,
      PAYOUTS_IN_MEMORY: '1',
      PAYOUTS_QUIET: '0',
      PAYOUTS_DEBUG: '1',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    });
    const bannerEnd = run.output().length;
    const apiKey = /API key\s+(sk_test_\S+)/.exec(run.output())?.[1] as string;
    const runtime = JSON.parse(readFileSync(join(dataDir, 'local-runtime.json'), 'utf8'));
    const url = `http://127.0.0.1:${port}`;
    const demo = apiClient(url, 'demo', 'demo', apiKey);
    const IBAN = 'GB29NWBK60161331926819';
    const HOLDER = 'Zelda Quartermain';
    const destination = { type: 'bank_account', account_holder_name: HOLDER, iban: IBAN };

    const receiver = await startReceiver();
    const endpoint = await demo.request('POST', '/v1/webhook-endpoints', {
      body: { url: receiver.url, enabled_events: ['*'] },
    });
    expect(endpoint.status).toBe(201);
    const created = await demo.createPayout(payoutBody({ destination }));
    expect(created.status).toBe(201);
    expect((await demo.createPayout(payoutBody({ destination, amount: -1 }))).status).toBe(400);
    const stranger = await apiClient(url, 'x', 'x', 'sk_test_NotARealKeyButShapedLikeOne123').request(
      'GET',
      '/v1/payouts',
    );
    expect(stranger.status).toBe(401);
    const sqs = new SQSClient({
      endpoint: runtime.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const queued = payoutBody({ destination });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: `${runtime.awsEndpoint}/000000000000/inbound-requests`,
        MessageBody: JSON.stringify({ ...queued, idempotency_key: `q-${queued.reference}` }),
      }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: `${runtime.awsEndpoint}/000000000000/inbound-requests`,
        MessageBody: JSON.stringify({ ...payoutBody({ destination, amount: 0 }), idempotency_key: 'q-bad' }),
      }),
    );
    await eventually(
      async () => receiver.received.filter((body) => body.includes('payout.paid')).length,
      (count) => count >= 2,
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await stop(run.child)).toBe(0);
    receiver.server.close();

    const logs = run.output().slice(bannerEnd);
    // Logging was on: every function's incoming event, and the inbound and webhook paths.
    expect(logs).toContain('"message":"Lambda invocation event"');
    expect(logs).toContain('"outcome":"rejected"');
    expect(logs).toContain('Webhook delivery');
    for (const secret of [
      IBAN,
      'GB29 NWBK 6016 1331 9268 19',
      HOLDER,
      apiKey,
      'sk_test_NotARealKey',
      endpoint.body.secret,
    ])
      expect(logs.includes(secret), secret).toBe(false);
    // …because they were redacted where they appeared, not because they never came by.
    expect(logs).toContain('\\"destination\\":\\"[redacted]\\"');
    expect(logs).toContain('"authorization":"[redacted]"');
  }, 120_000);

  it('explains a busy port in one line and starts nothing', async () => {
    const blocker = createServer();
    const port = await findFreePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const child = spawn(tsx, ['local/start.ts'], {
        detached: true,
        env: {
          ...process.env,
          PORT: String(port),
          PAYOUTS_IN_MEMORY: '1',
          PAYOUTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'p-')),
        },
      });
      running.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        `npm start: Port ${port} is already in use: stop what runs there or start with PORT=${port + 1} npm start.`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('tells the CLI user to start the platform when none is running', async () => {
    const result = await promisify(execFile)(tsx, ['cli/payouts.ts', 'tenants', 'create', '--name', 'X'], {
      env: { ...process.env, PAYOUTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'p-')), PAYOUTS_TABLE_NAME: '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No local platform is running'),
    });
  });
});
