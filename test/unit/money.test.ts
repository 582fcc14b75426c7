import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyTableSource } from '../../scripts/currency-table.js';
import {
  CurrencyTotals,
  currencyExponent,
  exampleAmount,
  formatMinorUnits,
  formatMoney,
  isPayableCurrency,
  MAX_AMOUNT_MINOR,
  NON_PAYABLE_CURRENCIES,
  PAYABLE_CURRENCIES,
  parseAmount,
  safeTotal,
} from '../../shared/domain/money.js';
import { totalsCollector } from '../../shared/domain/reports.js';
import { parseBatchCsv } from '../../shared/schemas/batch-csv.js';
import { currencyCode } from '../../shared/schemas/currency.js';

/** ISO 4217 list one as shipped with `currency-codes`: the source the money table must agree with. */
function isoListOne() {
  const require = createRequire(import.meta.url);
  const xml = readFileSync(
    join(dirname(require.resolve('currency-codes/package.json')), 'iso-4217-list-one.xml'),
    'utf8',
  );
  const entries = [...xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)].map(([, body = '']) => ({
    code: /<Ccy>(\w+)<\/Ccy>/.exec(body)?.[1],
    units: /<CcyMnrUnts>([^<]+)<\/CcyMnrUnts>/.exec(body)?.[1],
    fund: /IsFund="true"/.test(body),
  }));
  return entries.filter((entry): entry is { code: string; units: string; fund: boolean } => !!entry.code);
}

const payable = fc.constantFrom(...PAYABLE_CURRENCIES);
const amount = fc.integer({ min: 1, max: MAX_AMOUNT_MINOR });

describe('the money table', () => {
  it('is what `npm run currency-table` generates from currency-codes (run it after updating the package)', () => {
    expect(readFileSync('shared/domain/currency-table.ts', 'utf8')).toBe(currencyTableSource());
  });

  it('has the exponent ISO 4217 gives every payable currency, including where browsers disagree', () => {
    const iso = new Map(isoListOne().map((entry) => [entry.code, entry.units]));
    expect(PAYABLE_CURRENCIES.length).toBeGreaterThan(140);
    for (const code of PAYABLE_CURRENCIES) expect(String(currencyExponent(code)), code).toBe(iso.get(code));
    // The codes a CLDR-based formatter gets wrong (the portal once paid 100× on them).
    expect(
      ['HUF', 'COP', 'IDR', 'PKR', 'AFN', 'IQD', 'JPY', 'KWD', 'EUR'].map((code) => currencyExponent(code)),
    ).toEqual([2, 2, 2, 2, 2, 3, 0, 3, 2]);
  });

  it('refuses funds codes, metals, IMF and testing units: exactly what ISO marks as funds or without minor units', () => {
    const iso = isoListOne();
    const notMoney = new Set(
      iso.filter((entry) => entry.fund || entry.units === 'N.A.').map((entry) => entry.code),
    );
    // Uruguay's Unidad Previsional is a wage index unit that ISO lists without the funds flag.
    notMoney.add('UYW');
    expect([...NON_PAYABLE_CURRENCIES].sort()).toEqual([...notMoney].sort());
    for (const code of [...notMoney, 'ABC', 'eur', 'EURO', '']) {
      expect(isPayableCurrency(code), code).toBe(false);
      const result = currencyCode.safeParse(code);
      expect(result.success, code).toBe(false);
    }
    expect(currencyCode.safeParse('XOF').success).toBe(true);
  });
});

describe('parsing what a person types', () => {
  it.each([
    ['10.50', 'EUR', 1050],
    ['10.5', 'EUR', 1050],
    ['100', 'HUF', 10_000],
    ['100', 'JPY', 100],
    ['100', 'KWD', 100_000],
    ['0.001', 'KWD', 1],
    ['100.00', 'JPY', 100],
    [' 25 ', 'EUR', 2500],
    ['10000000000.00', 'EUR', MAX_AMOUNT_MINOR],
  ])('%j %s is %i minor units', (text, currency, expected) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, amount: expected });
  });

  it.each([
    ['', 'EUR', 'enter an amount such as 25.00'],
    ['5.5', 'JPY', 'JPY amounts have no decimals (such as 25)'],
    ['1.234', 'EUR', 'EUR amounts have at most 2 decimals (such as 25.00)'],
    ['1,000.00', 'EUR', 'without thousands separators'],
    ['10,50', 'EUR', 'with a point for decimals'],
    ['1,000', 'KWD', 'without thousands separators'],
    ['-1', 'EUR', "must be a number such as 25.00, got '-1'"],
    ['1e3', 'EUR', 'must be a number'],
    ['0', 'EUR', 'must be more than zero'],
    ['0.00', 'EUR', 'must be more than zero'],
    ['10000000000.01', 'EUR', 'must be at most EUR 10,000,000,000.00'],
    ['99999999999999999999999', 'JPY', 'must be at most JPY 1,000,000,000,000'],
    ['100', 'XDR', 'needs a payable currency'],
  ])('%j %s is refused: %s', (text, currency, message) => {
    const result = parseAmount(text, currency);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });
});

describe('every payable currency, every amount', () => {
  it('a typed decimal, a CSV cell and API minor units are the same amount, shown the same way', () => {
    fc.assert(
      fc.property(payable, amount, (currency, minor) => {
        const exponent = currencyExponent(currency) ?? -1;
        const typed = formatMinorUnits(minor, currency);
        // The portal's amount fields call parseAmount; CSV files go through parseBatchCsv.
        expect(parseAmount(typed, currency)).toEqual({ ok: true, amount: minor });
        const csv = `reference,amount,currency,email\nr-1,${typed},${currency},a@example.com`;
        const row = parseBatchCsv(csv).items[0] as { amount: unknown };
        expect(row.amount).toBe(minor);
        // The display: the code, then the exact decimals, grouped by thousands.
        const shown = formatMoney(minor, currency);
        expect(shown.startsWith(`${currency} `)).toBe(true);
        expect(shown.slice(4).replaceAll(',', '')).toBe(typed);
        expect(typed.split('.')[1]?.length ?? 0).toBe(exponent);
      }),
      { numRuns: 2000 },
    );
  });

  it('a whole-number amount typed in any currency means that many major units', () => {
    fc.assert(
      fc.property(payable, fc.integer({ min: 1, max: 999_999 }), (currency, major) => {
        const parsed = parseAmount(String(major), currency);
        expect(parsed).toEqual({ ok: true, amount: major * 10 ** (currencyExponent(currency) ?? 0) });
      }),
    );
  });

  it('gives every currency an example its own parser accepts', () => {
    for (const currency of PAYABLE_CURRENCIES)
      expect(parseAmount(exampleAmount(currency), currency).ok, currency).toBe(true);
  });
});

describe('totals', () => {
  it('never overflow: 9,100 amounts of EUR 10,000,000,000.00 add up exactly', () => {
    const totals = new CurrencyTotals();
    const report = totalsCollector();
    for (let i = 0; i < 9_100; i++) {
      totals.add('EUR', MAX_AMOUNT_MINOR);
      report.add({ currency: 'EUR', status: 'paid', amount: MAX_AMOUNT_MINOR } as never);
    }
    const [total] = totals.entries();
    expect(total?.amount).toBe(9_100_000_000_000_000n);
    expect(total && total.amount > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(formatMoney(total?.amount ?? 0n, 'EUR')).toBe('EUR 91,000,000,000,000.00');
    expect(safeTotal(total?.amount ?? 0n)).toBeNull();
    expect(safeTotal(1050n)).toBe(1050);
    expect(report.result()).toEqual([
      { currency: 'EUR', status: 'paid', count: 9_100, amount: '9100000000000000' },
    ]);
  });
});

describe('one source of decimals', () => {
  it('no code outside shared/domain/money.ts computes a currency’s decimals or formats money on its own', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name === 'node_modules' || name === 'dist') continue;
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx)$/.test(name)) files.push(path);
      }
    };
    for (const dir of ['portal/src', 'shared', 'functions', 'cli', 'local']) walk(dir);
    // A browser's or a library's own idea of a currency's decimals, or a hard-coded exponent.
    const forbidden =
      /FractionDigits|style:\s*'currency'|currency-codes|\.digits\b|10\s*\*\*|\/\s*100\b(?!\s*%)|amount\s*\*\s*100\b|toMinorUnits|toDecimalText/;
    const offenders = files
      .filter(
        (file) =>
          !file.endsWith(join('shared', 'domain', 'money.ts')) &&
          !file.endsWith(join('shared', 'domain', 'currency-table.ts')),
      )
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => ({ file, line: index + 1, text: line }))
          .filter(
            ({ text }) =>
              forbidden.test(text) && !text.trim().startsWith('//') && !text.trim().startsWith('*'),
          ),
      );
    expect(offenders).toEqual([]);
  });
});
