import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  endToEndIdOf,
  failureFromReason,
  isSepaText,
  paymentInformationIdOf,
  payoutIdOf,
  remittanceOf,
  SEPA_NAME_MAX,
  SEPA_REMITTANCE_MAX,
  sepaIdentifierProblem,
  sepaPayoutProblems,
  sepaTextProblem,
  toSepaText,
} from '../../shared/connectors/sepa/index.js';
import { payoutIdFor } from '../../shared/domain/ids.js';

const valid = {
  currency: 'EUR',
  iban: 'DE89 3704 0044 0532 0130 00',
  bic: 'COBADEFFXXX',
  accountHolderName: 'Jürgen Groß',
  remittance: 'INV-2026-001 - December salary',
};

describe('toSepaText', () => {
  it.each([
    ['Müller', 'Muller'],
    ['Jürgen Groß', 'Jurgen Gross'],
    ['Søren Ørsted', 'Soren Orsted'],
    ['Ærø', 'AEro'],
    ['François Lefèvre', 'Francois Lefevre'],
    ['Łukasz Żółć', 'Lukasz Zolc'],
    ['Güneş', 'Gunes'],
    ['Ελλάδα', 'Ellada'],
    ['Smith & Sons', 'Smith + Sons'],
    ['Tom "T" <Co>', "Tom 'T' Co"],
    ['„Zitat“ «quote»', "'Zitat' 'quote'"],
    ['a_b;c!', 'a-b,c.'],
    ['Anna 😀 Berg', 'Anna Berg'],
    ['  tab\tand\nnew line  ', 'tab and new line'],
    ["O'Brien (Ltd.) / ref: 12-3? +", "O'Brien (Ltd.) / ref: 12-3? +"],
  ])('writes %j as %j', (input, expected) => {
    const text = toSepaText(input);

    expect(text).toBe(expected);
    expect(isSepaText(text)).toBe(true);
  });

  it('leaves nothing of text SEPA cannot carry', () => {
    expect(toSepaText('😀 中文')).toBe('');
    // What decomposes into SEPA characters is kept: ½ is 1⁄2.
    expect(toSepaText('½')).toBe('1/2');
  });

  it('gives SEPA text for any string, unchanged when written again', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (value) => {
        const text = toSepaText(value);

        expect(isSepaText(text)).toBe(true);
        expect(text).toBe(text.trim());
        expect(text).not.toContain('  ');
        expect(toSepaText(text)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    const once = toSepaText('Ætna & Søn – “Straße” 😀');

    expect(toSepaText(once)).toBe(once);
  });
});

describe('sepaTextProblem', () => {
  it('accepts a name of exactly 70 characters after transliteration', () => {
    expect(
      sepaTextProblem(`${'ä'.repeat(SEPA_NAME_MAX - 1)}b`, SEPA_NAME_MAX, 'Account holder name'),
    ).toBeNull();
  });

  it('measures after transliteration: ß becomes two characters', () => {
    expect(sepaTextProblem('ß'.repeat(36), SEPA_NAME_MAX, 'Account holder name')).toBe(
      'Account holder name must be at most 70 characters in SEPA (after transliteration)',
    );
  });

  it('refuses text that has nothing left', () => {
    expect(sepaTextProblem('😀😀', SEPA_NAME_MAX, 'Account holder name')).toBe(
      'Account holder name has no letters SEPA can carry',
    );
  });
});

describe('remittanceOf', () => {
  it('joins reference and description', () => {
    expect(remittanceOf('INV-1', 'Gehalt Dezember')).toBe('INV-1 - Gehalt Dezember');
  });

  it('is the reference alone without a description', () => {
    expect(remittanceOf('INV-1', null)).toBe('INV-1');
    expect(remittanceOf('INV-1', '😀')).toBe('INV-1');
  });

  it('cuts the description, never the reference, to fit 140 characters', () => {
    const reference = 'R'.repeat(100);

    const text = remittanceOf(reference, 'description '.repeat(20));

    expect(text.length).toBeLessThanOrEqual(SEPA_REMITTANCE_MAX);
    expect(text.startsWith(`${reference} - description`)).toBe(true);
  });

  it('is longer than 140 only when the reference is, which the checks refuse', () => {
    const text = remittanceOf('R'.repeat(141), 'anything');

    expect(text).toBe('R'.repeat(141));
    expect(sepaPayoutProblems({ ...valid, remittance: text })).toEqual([
      {
        param: 'reference',
        message: 'Reference must be at most 140 characters in SEPA (after transliteration)',
      },
    ]);
  });
});

describe('sepaPayoutProblems', () => {
  it('has none for a EUR payout to a German IBAN with umlauts in the name', () => {
    expect(sepaPayoutProblems(valid)).toEqual([]);
    expect(sepaPayoutProblems({ ...valid, bic: null, iban: 'FR1420041010050500013M02606' })).toEqual([]);
  });

  it('refuses another currency', () => {
    expect(sepaPayoutProblems({ ...valid, currency: 'USD' })).toEqual([
      { param: 'currency', message: 'SEPA credit transfers are in EUR, not USD' },
    ]);
  });

  it('refuses a valid IBAN of a country outside SEPA', () => {
    expect(sepaPayoutProblems({ ...valid, iban: 'BR1800360305000010009795493C1' })).toEqual([
      { param: 'destination.iban', message: 'IBAN is of BR, which is not in the SEPA scheme' },
    ]);
  });

  it('refuses a US-style account number and a broken check digit', () => {
    for (const iban of ['US64SVBKUS6S3300958879', 'DE88370400440532013000'])
      expect(sepaPayoutProblems({ ...valid, iban })).toEqual([
        { param: 'destination.iban', message: 'IBAN is not valid (check digits or length)' },
      ]);
  });

  it('refuses a BIC the schema would refuse', () => {
    for (const bic of ['DEUTDE1F', 'XYZ', 'COBADEFFXX'])
      expect(sepaPayoutProblems({ ...valid, bic })).toEqual([
        { param: 'destination.bic', message: 'BIC must be 8 or 11 letters and digits (e.g. DEUTDEFF)' },
      ]);
  });

  it('refuses a name too long after transliteration and an empty one', () => {
    expect(sepaPayoutProblems({ ...valid, accountHolderName: 'ß'.repeat(36) })).toEqual([
      {
        param: 'destination.account_holder_name',
        message: 'Account holder name must be at most 70 characters in SEPA (after transliteration)',
      },
    ]);
    expect(sepaPayoutProblems({ ...valid, accountHolderName: '🙂' })).toEqual([
      {
        param: 'destination.account_holder_name',
        message: 'Account holder name has no letters SEPA can carry',
      },
    ]);
  });

  it('refuses an amount above the SEPA maximum', () => {
    expect(sepaPayoutProblems({ ...valid, amountMinor: 100_000_000_000 })).toEqual([
      { param: 'amount', message: 'A SEPA credit transfer carries at most EUR 999,999,999.99' },
    ]);
  });

  it('reports every problem at once', () => {
    const problems = sepaPayoutProblems({
      currency: 'GBP',
      iban: 'nope',
      bic: 'bad',
      accountHolderName: '',
      remittance: '',
    });

    expect(problems.map((problem) => problem.param)).toEqual([
      'currency',
      'destination.iban',
      'destination.bic',
      'destination.account_holder_name',
      'reference',
    ]);
  });
});

describe('identifiers', () => {
  it('sends a payout id under an EndToEndId in the SEPA set and reads it back', () => {
    const payoutId = payoutIdFor('ten_1', 'INV-1');

    const endToEndId = endToEndIdOf(payoutId);

    expect(sepaIdentifierProblem(payoutId, 'EndToEndId')).toMatch(/outside the SEPA set/);
    expect(sepaIdentifierProblem(endToEndId, 'EndToEndId')).toBeNull();
    expect(payoutIdOf(endToEndId)).toBe(payoutId);
  });

  it('reads an EndToEndId of another system as no payout', () => {
    expect(payoutIdOf('NOTPROVIDED')).toBeNull();
    expect(payoutIdOf('INVOICE-4711')).toBeNull();
  });

  it('refuses identifiers the EPC forbids', () => {
    expect(sepaIdentifierProblem('/A', 'Message id')).toMatch(/starts or ends with/);
    expect(sepaIdentifierProblem('A//B', 'Message id')).toMatch(/contains '\/\/'/);
    expect(sepaIdentifierProblem('A B', 'Message id')).toMatch(/outside the SEPA set/);
    expect(sepaIdentifierProblem('A'.repeat(36), 'Message id')).toMatch(/longer than 35/);
  });

  it('keeps payment information ids within 35 characters', () => {
    expect(paymentInformationIdOf('MSG-1', 2)).toBe('MSG-1-2');
    expect(paymentInformationIdOf('M'.repeat(35), 12)).toBe(`${'M'.repeat(32)}-12`);
  });
});

describe('failureFromReason', () => {
  it.each([
    ['AC01', 'invalid_account'],
    ['AC04', 'account_closed'],
    ['AM04', 'insufficient_funds'],
    ['MS03', 'provider_rejected'],
    ['XX99', 'provider_rejected'],
  ])('maps %s to %s', (code, failure) => {
    expect(failureFromReason(code).failure_code).toBe(failure);
  });

  it('keeps the ISO code and its meaning in the message', () => {
    expect(failureFromReason('MS03').failure_message).toBe(
      'The bank rejected the transfer (ISO 20022 reason MS03: reason not specified)',
    );
    expect(failureFromReason('XX99').failure_message).toContain('reason XX99');
    expect(failureFromReason(null)).toEqual({
      failure_code: 'provider_rejected',
      failure_message: 'The bank rejected the transfer (no reason given)',
    });
  });
});
