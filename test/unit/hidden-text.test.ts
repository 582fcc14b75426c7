import { describe, expect, it } from 'vitest';
import { hasHiddenCharacter, hiddenCharacterAt } from '../../shared/domain/text.js';
import { checkBatchCsv } from '../../shared/schemas/batch-csv.js';

describe('text that hides what it says (D56)', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control', 'a\u001Bb'],
    ['DEL', 'a\u007Fb'],
    ['a C1 control (NEL)', 'a\u0085b'],
    ['a right-to-left override', 'invoice\u202Efdp.exe'],
    ['a left-to-right isolate', 'a\u2066b'],
    ['a right-to-left mark', 'a\u200Fb'],
    ['the Arabic letter mark', 'a\u061Cb'],
    ['a line separator', 'a\u2028b'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00b'],
  ])('finds %s', (_, text) => {
    expect(hasHiddenCharacter(text)).toBe(true);
  });

  it.each([
    ['tabs and line breaks', 'a\tb\r\nc\n'],
    ['other scripts', 'Łukasz Żółć 张伟 Ζωή مرحبا'],
    ['emoji (a surrogate pair)', 'thanks 🎉'],
    ['a byte order mark', '\uFEFFreference'],
  ])('lets %s through', (_, text) => {
    expect(hasHiddenCharacter(text)).toBe(false);
  });

  it('names the field by its path, keys included, and the line of a multi-line string', () => {
    expect(hiddenCharacterAt({ metadata: { note: 'x\u202E' } })?.path).toBe('metadata.note');
    expect(hiddenCharacterAt({ items: [{}, { reference: '\u0000' }] })?.path).toBe('items.1.reference');
    expect(hiddenCharacterAt({ metadata: { 'k\u2066': 'v' } })?.path).toBe('metadata.k\u2066');
    expect(hiddenCharacterAt({ csv: 'header\nrow one\nrow\u202E two\n' })?.message).toMatch(/^line 3 /);
    expect(hiddenCharacterAt({ fine: ['a', { b: 'c' }] })).toBeUndefined();
  });

  it('walks a body nested 10,000 levels deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}"\u202E"${']'.repeat(10_000)}`);
    expect(hiddenCharacterAt(deep)?.path).toBe(Array.from({ length: 10_000 }, () => '0').join('.'));
  });

  it('refuses a payroll file cell holding one, by line and column, and creates nothing', () => {
    const header = 'reference,amount,currency,purpose,account_holder_name,iban,email';
    const { items, problems } = checkBatchCsv(
      `${header}\nr-1,10.00,EUR,refund,Ada Lovelace,DE89370400440532013000,\nr-2,1.00,EUR,refund,Zoë\u202E,DE89370400440532013000,\n`,
    );
    expect(items).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'account_holder_name',
        message: expect.stringMatching(/bidirectional/),
      }),
    ]);
  });
});
