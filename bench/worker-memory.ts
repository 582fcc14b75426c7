/**
 * Memory figures a benchmark's worker reports about itself (bench/lambda-worker.ts runs it). Kept
 * apart from the runner, which imports esbuild and the CDK construct: a worker that imported those
 * would bundle them, and measure them.
 */
import { readFileSync } from 'node:fs';

/** What the worker still holds after a full collection, in MB (the worker runs with --expose-gc). */
export function liveHeapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * Samples the worker's memory every 100 ms; `peak()` answers the sample with the highest RSS,
 * split into V8 heap and what lives outside it (Buffers, the SDK's sockets).
 */
export function sampleMemory() {
  let peak = process.memoryUsage();
  let peakStatus = '';
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) {
      peak = now;
      // Linux: where the resident pages are (anonymous memory, mapped files such as the Node binary).
      peakStatus = readFileSync('/proc/self/status', 'utf8');
    }
  }, 100);
  timer.unref();
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  return {
    peak: () => {
      clearInterval(timer);
      return {
        rssMb: mb(peak.rss),
        heapUsedMb: mb(peak.heapUsed),
        heapTotalMb: mb(peak.heapTotal),
        externalMb: mb(peak.external),
        arrayBuffersMb: mb(peak.arrayBuffers),
        ...Object.fromEntries(
          [...peakStatus.matchAll(/^(RssAnon|RssFile):\s+(\d+) kB$/gm)].map(([, name, kb]) => [
            `${name}Mb`,
            Math.round(Number(kb) / 1024),
          ]),
        ),
      };
    },
  };
}
