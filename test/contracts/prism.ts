import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The vendored provider documents (see test/contracts/README.md for origin and license). */
export const CONTRACTS_DIR = dirname(fileURLToPath(import.meta.url));
const PRISM_BIN = join(CONTRACTS_DIR, '..', '..', 'node_modules', '.bin', 'prism');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface PrismMock {
  /** `http://127.0.0.1:<port>`: send the provider's requests here. */
  url: string;
  /** Prism's own log (its validator names every violation). */
  log(): string;
  close(): Promise<void>;
}

/**
 * Runs `prism mock --errors` on one of the vendored OpenAPI documents: every request is checked
 * against the provider's document, and an invalid one is answered 422/400 (`--errors`) instead of an
 * example. Starting takes 5–10 s on this machine, so a test file starts one and shares it.
 */
export async function startPrism(document: string, options: { timeoutMs?: number } = {}): Promise<PrismMock> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    PRISM_BIN,
    ['mock', '--errors', '--host', '127.0.0.1', '--port', String(port), join(CONTRACTS_DIR, document)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!/Prism is listening/.test(output)) {
    if (child.exitCode !== null)
      throw new Error(`prism exited (${child.exitCode}) on ${document}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prism did not start on ${document} in time:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    log: () => output,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
