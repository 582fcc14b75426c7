import { describe, expect, it } from 'vitest';
import { fieldName, messageInWords, problemText } from '../../portal/src/fields.js';
import { defaultCriteria, manualPayoutProblems } from '../../shared/domain/manual-payouts.js';
import { checkBatchCsv, detectSeparator } from '../../shared/schemas/batch-csv.js';
import { parseBatchItems } from '../../shared/schemas/batch-request.js';
import { manualPayoutBody } from '../../shared/schemas/manual-payout-request.js';

describe('the bulk upload file reports every problem in one round', () => {
  it('names a repeated reference by line beside another problem of the same rows', () => {
    const file = [
      'reference,amount,currency,iban,account_holder_name,email',
      'dup-1,10.00,EUR,DE00123,Ada,', // a bad IBAN: before, its reference was not remembered
      'ok-2,5.00,EUR,,,b@example.com',
      'dup-1,1.00,EUR,,,c@example.com',
      'bad-amount,ten,EUR,,,d@example.com',
    ].join('\n');

    const { problems } = checkBatchCsv(file);

    expect(problems.map(({ line, column }) => [line, column])).toEqual([
      [2, 'iban'],
      [4, 'reference'],
      [5, 'amount'],
    ]);
    expect(problems[1]?.message).toBe(
      'repeats the reference of line 2; references must be unique within a batch',
    );
  });

  it('still names the other item in the API’s own terms', () => {
    const item = {
      reference: 'r',
      amount: 1,
      currency: 'EUR',
      destination: { type: 'email', email: 'a@b.co' },
    };
    expect(() => parseBatchItems({ items: [item, { ...item, amount: 'x' }] })).toThrow(
      expect.objectContaining({
        details: expect.arrayContaining([
          { param: 'items.1.reference', message: expect.stringContaining('of items.0;') },
          expect.objectContaining({ param: 'items.1.amount' }),
        ]),
      }),
    );
  });
});

describe('files with semicolons, as spreadsheets write them in many locales', () => {
  it('reads a semicolon-separated file and says so', () => {
    const file = [
      'reference;amount;currency;description;email',
      'semi-1;10.50;EUR;"Refund; late delivery";a@example.com',
      'semi-2;500;JPY;plain;b@example.com',
    ].join('\r\n');

    const { items, problems, separator } = checkBatchCsv(file);

    expect(separator).toBe(';');
    expect(problems).toEqual([]);
    expect(items.map((item) => [item.reference, item.amount, item.currency, item.description])).toEqual([
      ['semi-1', 1050, 'EUR', 'Refund; late delivery'],
      ['semi-2', 500, 'JPY', 'plain'],
    ]);
  });

  it('follows an Excel sep= line and counts lines from it', () => {
    const file = ['sep=;', 'reference;amount;currency;email', 'x;10,50;EUR;a@example.com'].join('\n');

    const { problems, separator, lines } = checkBatchCsv(file);

    expect(separator).toBe(';');
    expect(lines).toEqual([3]);
    // The money rule holds whatever the separator: a decimal comma is refused in words.
    expect(problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'amount',
        message: expect.stringContaining('with a point for decimals'),
      }),
    ]);
  });

  it('keeps commas when the header has them, even beside a quoted semicolon', () => {
    expect(detectSeparator('reference,amount,"a;b",currency\n').separator).toBe(',');
    expect(detectSeparator('reference\tamount\tcurrency').separator).toBe('\t');
    expect(detectSeparator('reference').separator).toBe(',');
  });
});

describe('the manual payout form’s rules, shared by the portal and the server', () => {
  it('reports every problem of an empty form at once', () => {
    const result = manualPayoutBody.safeParse({
      category: 'support_credit',
      currency: 'EUR',
      destination: { type: 'bank_account', account_holder_name: '', iban: '' },
      customer_reference: '',
      reason_code: '',
      rationale: '',
      ticket_url: '',
    });
    expect(result.success).toBe(false);
    const params = new Set(result.error?.issues.map((issue) => issue.path.join('.')));
    expect([...params].sort()).toEqual([
      'amount',
      'customer_reference',
      'destination.account_holder_name',
      'destination.iban',
      'rationale',
      'reason_code',
      'ticket_url',
    ]);
  });

  it('checks the criteria in words, without category or reason codes', () => {
    const problems = manualPayoutProblems(defaultCriteria('t', '2026-12-01T00:00:00.000Z'), {
      category: 'support_credit',
      amount: 60_000,
      currency: 'EUR',
      reasonCode: 'service_disruption',
      rationale: 'too short',
    });
    expect(problems).toEqual([
      {
        param: 'rationale',
        message: 'must be at least 20 characters (9 so far): explain why this payout is due',
      },
      { param: 'amount', message: 'must be at most EUR 500.00 for a support credit' },
    ]);
    expect(
      manualPayoutProblems(defaultCriteria('t', '2026-12-01T00:00:00.000Z'), {
        category: 'one_time_refund',
        amount: 1,
        currency: 'JPY',
        reasonCode: 'nope',
        rationale: 'x'.repeat(30),
      }).map((problem) => problem.message),
    ).toEqual([
      'must be one of the reasons listed (Service disruption, Account error, Customer satisfaction, Billing mistake, Special request)',
      'has no limit set for a one time refund: ask an admin to add one for JPY',
    ]);
  });
});

describe('field names in words (portal/src/fields.ts)', () => {
  it('names every field a person can be told about without a code name', () => {
    expect(
      [
        'destination.iban',
        'ticket_url',
        'created_lt',
        'items.3.amount',
        'file.colour',
        'rules.0.min_amount',
      ].map(fieldName),
    ).toEqual([
      'IBAN',
      'Ticket link',
      'Created before',
      'Item 4: Amount',
      'Column “colour”',
      'Rule 1: Minimum amount',
    ]);
    expect(fieldName('destination.routing_number')).toBe('Pay to: Routing number');
  });

  it('puts the API’s messages in words', () => {
    expect(problemText('destination.iban', 'must be a valid IBAN')).toBe('IBAN must be a valid IBAN');
    expect(problemText('amount', 'enter an amount such as 25.00')).toBe(
      'Amount: enter an amount such as 25.00',
    );
    expect(messageInWords('ticket_url: must be an http(s) URL')).toBe('Ticket link must be an http(s) URL');
    expect(messageInWords('Your session has ended: sign in again.')).toBe(
      'Your session has ended: sign in again.',
    );
  });
});
