import { describe, expect, it } from 'vitest';
import { chunkItems, countDelta, mayBeComplete, recount } from '../../shared/domain/batches.js';
import { parseMajorUnits } from '../../shared/domain/money.js';
import { BATCH_CSV_EXAMPLE, checkBatchCsv } from '../../shared/schemas/batch-csv.js';

describe('the bulk upload file', () => {
  it('turns the documented example into valid payout requests', () => {
    const { items, problems } = checkBatchCsv(`\uFEFF${BATCH_CSV_EXAMPLE}`);
    expect(problems).toEqual([]);
    expect(items).toEqual([
      {
        reference: 'payroll-2026-11-ada',
        amount: 250000,
        currency: 'EUR',
        purpose: 'payroll',
        description: 'November salary',
        destination: {
          type: 'bank_account',
          account_holder_name: 'Ada Lovelace',
          iban: 'DE89370400440532013000',
          bic: 'COBADEFFXXX',
        },
        metadata: { employee_id: 'e-1001' },
      },
      {
        reference: 'payroll-2026-11-grace',
        amount: 180050,
        currency: 'EUR',
        purpose: 'payroll',
        description: 'November salary',
        destination: { type: 'email', email: 'grace@example.com' },
        metadata: { employee_id: 'e-1002' },
      },
    ]);
  });

  it('names the line and column of every problem, and returns no items then', () => {
    const file = [
      'reference,amount,currency,iban,account_holder_name,email',
      'ok-1,10.00,EUR,,,a@example.com',
      'bad-amount,10.005,EUR,,,a@example.com',
      'bad-iban,5,EUR,DE00123,Ada,',
      'ok-1,1,JPY,,,b@example.com',
      'bad-currency,1,XYZ,,,c@example.com',
    ].join('\n');
    const { items, problems } = checkBatchCsv(file);
    expect(items).toEqual([]);
    expect(problems.map(({ line, column }) => [line, column])).toEqual([
      [3, 'amount'],
      [4, 'iban'],
      [5, 'reference'],
      [6, 'currency'],
    ]);
    expect(problems[0]?.message).toBe('EUR amounts have at most 2 decimals (such as 25.00)');
  });

  it('names the line a row is on in the file, past blank lines and line breaks inside quoted cells', () => {
    const file = [
      'reference,amount,currency,description,email',
      'line-2,1.00,EUR,plain,a@example.com',
      '',
      'line-4,1.00,EUR,"two',
      'lines",a@example.com',
      'line-6,ten,EUR,after the quoted break,a@example.com',
    ].join('\n');
    const { problems, lines } = checkBatchCsv(file);
    expect(lines).toEqual([2, 4, 6]);
    expect(problems).toEqual([expect.objectContaining({ line: 6, column: 'amount' })]);
  });

  it('refuses unknown or missing columns and files without rows', () => {
    expect(checkBatchCsv('reference,amount,colour\nx,1,red').problems.map((p) => p.param)).toEqual([
      'file.currency',
      'file.colour',
    ]);
    expect(checkBatchCsv('reference,amount,currency\n').problems[0]?.message).toContain('no rows');
    expect(checkBatchCsv('reference,amount,currency\n"unclosed,1,EUR').problems[0]?.param).toBe('file');
  });

  it('reads amounts with the currency’s decimals only', () => {
    expect(parseMajorUnits('10.5', 'EUR')).toBe(1050);
    expect(parseMajorUnits('500', 'JPY')).toBe(500);
    expect(parseMajorUnits('5.5', 'JPY')).toBeUndefined();
    expect(parseMajorUnits('0.001', 'KWD')).toBe(1);
    expect(parseMajorUnits('-1', 'EUR')).toBeUndefined();
    expect(parseMajorUnits('1e3', 'EUR')).toBeUndefined();
    expect(parseMajorUnits('1,000.00', 'EUR')).toBeUndefined();
  });
});

describe('batch bookkeeping', () => {
  const item = (reference: string, description = '') => ({
    reference,
    amount: 1,
    currency: 'EUR',
    purpose: 'other' as const,
    description,
    destination: { type: 'email' as const, email: 'a@example.com' },
  });

  it('chunks by count and by size, keeping every item once and in order', () => {
    const small = Array.from({ length: 250 }, (_, index) => item(`r${index}`));
    expect(chunkItems(small).map((chunk) => [chunk.offset, chunk.items.length])).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
    ]);
    const large = Array.from({ length: 30 }, (_, index) => item(`r${index}`, 'x'.repeat(20_000)));
    const chunks = chunkItems(large);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks)
      expect(Buffer.byteLength(JSON.stringify(chunk.items))).toBeLessThan(300 * 1024);
    expect(chunks.flatMap((chunk) => chunk.items.map((entry) => entry.reference))).toEqual(
      large.map((entry) => entry.reference),
    );
  });

  it('counts status changes as deltas and recounts exactly', () => {
    expect(countDelta(undefined, 'queued')).toEqual({ queued: 1 });
    expect(countDelta('queued', 'processing')).toEqual({ queued: -1, processing: 1 });
    expect(countDelta('paid', 'paid')).toEqual({});
    expect(recount(['paid', 'paid', 'failed'], 2)).toEqual({
      counts: expect.objectContaining({ paid: 2, failed: 1, duplicate: 2, queued: 0 }),
      complete: true,
    });
    expect(recount(['paid', 'processing'], 0).complete).toBe(false);
  });

  it('asks for the exact recount only when the counters say every payout may be final', () => {
    const batch = {
      status: 'processing',
      chunks: 2,
      expandedChunks: 2,
      created: 3,
      live: { paid: 2, failed: 0, queued: 1 },
    } as never;
    expect(mayBeComplete(batch)).toBe(false);
    expect(mayBeComplete({ ...(batch as object), live: { paid: 2, failed: 1 } } as never)).toBe(true);
    expect(mayBeComplete({ ...(batch as object), live: { paid: 3 }, expandedChunks: 1 } as never)).toBe(
      false,
    );
  });
});
