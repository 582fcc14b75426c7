import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, summaryCsv } from '../../shared/domain/reports.js';

describe('report CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it.each(['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'neutralises a cell a spreadsheet would run as a formula: %j',
    (value) => {
      const rows = parse(csvLine([value]), { relax_quotes: false }) as string[][];
      expect(rows).toEqual([[`'${value}`]]);
    },
  );

  it('round-trips any text (names and rationale with commas, quotes, newlines, unicode)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        (values) => {
          const safe = values.map((value) => (/^[=+\-@\t\r]/.test(value) ? `x${value}` : value));
          const [row] = parse(csvLine(safe)) as string[][];
          expect(row).toEqual(safe);
        },
      ),
    );
  });

  it('writes totals per currency and status with the currency exponent', () => {
    const text = summaryCsv([
      { currency: 'EUR', status: 'paid', count: 2, amount: '105000' },
      { currency: 'JPY', status: 'failed', count: 1, amount: '500' },
    ]);
    expect(parse(text)).toEqual([
      ['currency', 'status', 'count', 'amount'],
      ['EUR', 'paid', '2', '1050.00'],
      ['JPY', 'failed', '1', '500'],
    ]);
  });
});
