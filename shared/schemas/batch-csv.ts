import { parse } from 'csv-parse/sync';
import { type FieldProblem, ValidationError } from '../domain/errors.js';
import { isPayableCurrency, parseAmount } from '../domain/money.js';
import { hiddenCharacterAt } from '../domain/text.js';
import { parseBatchItems } from './batch-request.js';
import type { CreatePayoutBody } from './payout-request.js';

/**
 * The bulk upload file (portal, CLI, and the S3 drop of issue 9): one payout per row, UTF-8 CSV with
 * a header. Amounts are decimals in major units, as finance writes them (`10.50` EUR), unlike the
 * API's minor units. The destination is a bank account when `iban` is given, an email otherwise.
 */
export const BATCH_CSV_COLUMNS = [
  'reference',
  'amount',
  'currency',
  'purpose',
  'description',
  'account_holder_name',
  'iban',
  'bic',
  'email',
] as const;
/** Further columns named `metadata.<key>` become metadata. */
const METADATA_PREFIX = 'metadata.';

export const BATCH_CSV_EXAMPLE = [
  'reference,amount,currency,purpose,description,account_holder_name,iban,bic,email,metadata.employee_id',
  'payroll-2026-11-ada,2500.00,EUR,payroll,November salary,Ada Lovelace,DE89370400440532013000,COBADEFFXXX,,e-1001',
  'payroll-2026-11-grace,1800.50,EUR,payroll,November salary,,,,grace@example.com,e-1002',
].join('\r\n');

/** What separates a file's cells: commas, or semicolons as spreadsheets write CSV where the decimal mark is a comma. */
export type CsvSeparator = ',' | ';' | '\t';

/** The separators as people call them, for the portal and the CLI ("Read as semicolon-separated"). */
export const SEPARATOR_NAMES: Record<CsvSeparator, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
};

export interface CsvRows {
  /** Each data row as a payout create body (not yet validated), in file order. */
  items: unknown[];
  /** The file line each row starts on (1 is the header; blank lines and quoted line breaks count). */
  lines: number[];
  /** Problems the file itself has (header, amounts); per-item problems come from validation. */
  problems: FieldProblem[];
  /** The separator the file was read with. */
  separator: CsvSeparator;
}

/**
 * The separator of a file, from its header line: the most frequent of comma, semicolon and tab
 * outside quotes (a comma on a tie). Spreadsheets in locales with a decimal comma (German, French,
 * Spanish, Dutch…) save "CSV" with semicolons; Excel may put a `sep=;` line first, which decides.
 */
export function detectSeparator(text: string): { separator: CsvSeparator; sepLine: boolean } {
  const firstLine = /^[^\r\n]*/.exec(text)?.[0] ?? '';
  const declared = /^sep=(.) *$/i.exec(firstLine)?.[1];
  if (declared === ',' || declared === ';' || declared === '\t')
    return { separator: declared, sepLine: true };
  const counts: Record<CsvSeparator, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const character of firstLine) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && character in counts) counts[character as CsvSeparator] += 1;
  }
  const separator = (Object.keys(counts) as CsvSeparator[]).reduce((best, candidate) =>
    counts[candidate] > counts[best] ? candidate : best,
  );
  return { separator, sepLine: false };
}

/**
 * Rows → payout create bodies. Item `i` of the result is line `i + 2` of the file; problems name the
 * item the way the API does (`items.3.amount`) so one validation path serves the file and the API.
 */
export function parseBatchCsv(text: string): CsvRows {
  let records: Record<string, string>[];
  let lines: number[];
  const content = text.replace(/^\uFEFF/, '');
  const { separator, sepLine } = detectSeparator(content);
  // Excel's `sep=;` line is not the header: lines are still counted from the file's first.
  const offset = sepLine ? 1 : 0;
  try {
    const parsed = parse(sepLine ? content.replace(/^[^\r\n]*(\r\n|\n|\r)?/, '') : content, {
      delimiter: separator,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
      info: true,
    }) as { info: { lines: number }; record: Record<string, string> }[];
    records = parsed.map((entry) => entry.record);
    // csv-parse reports the line a record ends on; a quoted cell's line breaks move its start up.
    lines = parsed.map(
      (entry) =>
        offset +
        entry.info.lines -
        Object.values(entry.record).reduce((sum, value) => sum + (value.match(/\n/g)?.length ?? 0), 0),
    );
  } catch (error) {
    return {
      items: [],
      lines: [],
      problems: [{ param: 'file', message: `is not valid CSV: ${(error as Error).message}` }],
      separator,
    };
  }
  const header = Object.keys(records[0] ?? {});
  const unknown = header.filter(
    (name) => !(BATCH_CSV_COLUMNS as readonly string[]).includes(name) && !name.startsWith(METADATA_PREFIX),
  );
  const missing = ['reference', 'amount', 'currency'].filter(
    (name) => records.length > 0 && !header.includes(name),
  );
  if (unknown.length > 0 || missing.length > 0) {
    return {
      items: [],
      lines: [],
      problems: [
        ...missing.map((name) => ({ param: `file.${name}`, message: 'is a required column' })),
        ...unknown.map((name) => ({
          param: `file.${name}`,
          message: `is not a known column (known: ${BATCH_CSV_COLUMNS.join(', ')}, metadata.<key>)`,
        })),
      ],
      separator,
    };
  }
  const problems: FieldProblem[] = [];
  const items = records.map((row, index) => {
    const currency = (row.currency ?? '').toUpperCase();
    // With a currency that is not payable the currency is the problem: the amount is not judged too.
    const parsed = isPayableCurrency(currency) ? parseAmount(row.amount ?? '', currency) : undefined;
    const amount = parsed?.ok ? parsed.amount : undefined;
    if (parsed && !parsed.ok) problems.push({ param: `items.${index}.amount`, message: parsed.message });
    const metadata = Object.fromEntries(
      Object.entries(row)
        .filter(([name, value]) => name.startsWith(METADATA_PREFIX) && value !== '')
        .map(([name, value]) => [name.slice(METADATA_PREFIX.length), value]),
    );
    const optional = (value: string | undefined) => (value ? value : undefined);
    return {
      reference: row.reference,
      amount: amount ?? row.amount,
      currency,
      ...(row.purpose ? { purpose: row.purpose } : {}),
      ...(row.description ? { description: row.description } : {}),
      destination: row.iban
        ? {
            type: 'bank_account',
            account_holder_name: row.account_holder_name,
            iban: row.iban,
            ...(optional(row.bic) ? { bic: row.bic } : {}),
          }
        : { type: 'email', email: row.email },
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    };
  });
  if (items.length === 0) problems.push({ param: 'file', message: 'has no rows below the header' });
  return { items, lines, problems, separator };
}

export interface FileProblem extends FieldProblem {
  /** The file's line (1 is the header), when the problem is in a row. */
  line: number | null;
  /** The column, when the problem is in a cell. */
  column: string | null;
}

/**
 * A whole file checked as `POST /v1/payout-batches` would check its items: either every item, valid,
 * or every problem with its line and column (what the portal's preview and the CLI show).
 */
export function checkBatchCsv(text: string): {
  items: CreatePayoutBody[];
  problems: FileProblem[];
  /** Each data row's reference as written (null where the cell is missing), valid or not. */
  references: (string | null)[];
  /** The file line each data row starts on (what results and previews name). */
  lines: number[];
  /** The separator the file was read with (a semicolon when a spreadsheet wrote it so). */
  separator: CsvSeparator;
} {
  const rows = parseBatchCsv(text);
  // A file dropped in S3 is read here without a JSON body's check: its cells get the same one (D56).
  const hidden = rows.items.flatMap((row, index) => {
    const found = hiddenCharacterAt(row);
    return found
      ? [{ param: `items.${index}${found.path ? `.${found.path}` : ''}`, message: found.message }]
      : [];
  });
  let problems: FieldProblem[] = [...rows.problems, ...hidden];
  let items: CreatePayoutBody[] = [];
  if (!problems.some((problem) => problem.param.startsWith('file'))) {
    try {
      items = parseBatchItems(
        { items: rows.items },
        { itemName: (index) => `line ${rows.lines[index] ?? index + 2}` },
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // The file's own message about an amount beats the API's "must be an integer"; a row whose
      // currency is refused is not told about its amount as well (it cannot be read without one).
      const own = new Set(problems.map((problem) => problem.param));
      const details = error.details ?? [];
      for (const problem of details)
        if (problem.param.endsWith('.currency')) own.add(problem.param.replace(/currency$/, 'amount'));
      problems = [...problems, ...details.filter((problem) => !own.has(problem.param))];
    }
  }
  const located = problems.map((problem) => {
    const match = /^items\.(\d+)\.?(.*)$/.exec(problem.param);
    if (!match) return { ...problem, line: null, column: null };
    const field = match[2] ?? '';
    const index = Number(match[1]);
    return { ...problem, line: rows.lines[index] ?? index + 2, column: columnOf(field) };
  });
  located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const references = rows.items.map((row) => {
    const reference = (row as { reference?: unknown }).reference;
    return typeof reference === 'string' && reference !== '' ? reference : null;
  });
  return {
    items: located.length > 0 ? [] : items,
    problems: located,
    references,
    lines: rows.lines,
    separator: rows.separator,
  };
}

/** The CSV column an item field comes from (`destination.iban` → `iban`). */
function columnOf(field: string): string | null {
  if (field === '') return null;
  if (field.startsWith('destination.')) return field.slice('destination.'.length);
  if (field === 'destination') return 'iban/email';
  if (field.startsWith('metadata.')) return field;
  return field.split('.')[0] ?? null;
}
