import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const portalRoot = fileURLToPath(new URL('../portal', import.meta.url));
/** The shared modules the portal imports (its vocabulary, money rules and the server's request schemas). */
const sharedRoots = ['../shared/domain', '../shared/schemas'].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);

function newestChange(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the portal (Vite) when portal/dist is missing or older than its sources. */
export async function buildPortalIfStale(log: (line: string) => void = console.log): Promise<void> {
  const built = join(portalRoot, 'dist', 'index.html');
  const sourcesChanged = Math.max(newestChange(portalRoot), ...sharedRoots.map(newestChange));
  if (existsSync(built) && statSync(built).mtimeMs >= sourcesChanged) return;
  log('Building the Business Portal…');
  const started = performance.now();
  const { build } = await import('vite');
  // Vite follows NODE_ENV: under a test runner ('test') it would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(portalRoot, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  log(`Portal built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}
