import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readRuntimeFile } from '../local/runtime-file.js';
import { BATCH_MAX_ITEMS } from '../shared/domain/batches.js';
import { CurrencyTotals, formatMoney } from '../shared/domain/money.js';
import { checkBatchCsv } from '../shared/schemas/batch-csv.js';
import { CliError } from './target.js';

interface BatchOptions {
  file: string;
  apiUrl?: string;
  apiKey?: string;
  wait: boolean;
  json?: boolean;
}

interface BatchResource {
  id: string;
  status: string;
  total: number;
  expanded: number;
  counts: Record<string, number>;
}

/** Where the API is: --api-url, PAYOUTS_API_URL, or the `npm start` running here. */
function apiUrl(option: string | undefined): string {
  const url = option ?? process.env.PAYOUTS_API_URL ?? readRuntimeFile()?.url;
  if (!url)
    throw new CliError(
      'No API to send the batch to: start the local platform with `npm start`, or pass --api-url (or PAYOUTS_API_URL).',
    );
  return url.replace(/\/$/, '');
}

const FINAL = ['paid', 'failed', 'rejected', 'expired', 'canceled', 'duplicate'];

/** `[██████░░░░]  62% 6,210/10,000 · paid 6,100 · failed 10 · queued 90 …` on one line. */
export function progressLine(batch: BatchResource, width = 30): string {
  const done = FINAL.reduce((sum, key) => sum + (batch.counts[key] ?? 0), 0);
  const share = batch.total === 0 ? 1 : Math.min(1, done / batch.total);
  const filled = Math.round(share * width);
  const counts = Object.entries(batch.counts)
    .filter(([, value]) => value > 0)
    .map(([key, value]) => `${key.replace('_', ' ')} ${value.toLocaleString('en')}`)
    .join(' · ');
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${done.toLocaleString('en')}/${batch.total.toLocaleString('en')} · ${batch.status}${counts ? ` · ${counts}` : ''}`;
}

/**
 * `payouts batch create --file payouts.csv`: checks the whole file first (every bad line listed,
 * nothing sent), sends it as one batch whose Idempotency-Key is the file's hash (running the same
 * file again never pays twice), then follows the batch with a progress bar until it completes.
 */
export async function createBatchFromFile(options: BatchOptions): Promise<void> {
  const apiKey = options.apiKey ?? process.env.PAYOUTS_API_KEY;
  if (!apiKey)
    throw new CliError('--api-key (or PAYOUTS_API_KEY) is required: the tenant’s sk_test_… or sk_live_… key');
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${options.file}: ${(error as Error).message}`);
  }
  const { items, problems } = checkBatchCsv(text);
  if (problems.length > 0) {
    const lines = problems
      .slice(0, 50)
      .map((problem) =>
        problem.line === null
          ? `  ${problem.param}: ${problem.message}`
          : `  line ${problem.line}${problem.column ? `, ${problem.column}` : ''}: ${problem.message}`,
      );
    const more = problems.length > 50 ? `\n  … and ${problems.length - 50} more` : '';
    throw new CliError(
      `${options.file} has ${problems.length} problem(s); nothing was sent:\n${lines.join('\n')}${more}`,
    );
  }
  if (items.length > BATCH_MAX_ITEMS)
    throw new CliError(
      `${options.file} has ${items.length} rows; a batch takes at most ${BATCH_MAX_ITEMS}: split the file.`,
    );

  const base = apiUrl(options.apiUrl);
  const key = `csv-${createHash('sha256').update(text).digest('hex')}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const response = await fetch(`${base}/v1/payout-batches`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': key },
    body: JSON.stringify({ items }),
  });
  const body = (await response.json()) as BatchResource & { error?: { message: string } };
  if (!response.ok)
    throw new CliError(`The API refused the batch (${response.status}): ${body.error?.message}`);
  const replayed = response.headers.get('idempotent-replayed') === 'true';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    replayed
      ? `This file was sent before as ${body.id}: following that batch (nothing is created twice).`
      : `Batch ${body.id} accepted: ${body.total.toLocaleString('en')} payouts, ${totalsText(items)}.`,
  );
  let batch: BatchResource = body;
  if (options.wait) {
    const tty = process.stderr.isTTY;
    let last = '';
    for (;;) {
      const current = await fetch(`${base}/v1/payout-batches/${body.id}`, { headers });
      if (current.ok) batch = (await current.json()) as BatchResource;
      const line = progressLine(batch);
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (line !== last) log(line);
      last = line;
      if (batch.status === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (tty) process.stderr.write('\n');
  }
  console.log(options.json ? JSON.stringify(batch, null, 2) : `${batch.id} ${batch.status}`);
}

/** "EUR 4,300.50 and JPY 12,000": what the file pays, summed exactly, as the portal shows it. */
function totalsText(items: readonly { amount: number; currency: string }[]): string {
  const totals = new CurrencyTotals();
  for (const item of items) totals.add(item.currency, item.amount);
  return totals
    .entries()
    .map(({ currency, amount }) => formatMoney(amount, currency))
    .join(' and ');
}
