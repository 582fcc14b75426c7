import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  endToEndIdOf,
  Pain001Error,
  type Pain001Input,
  remittanceOf,
  type SepaTransfer,
  sepaTextProblem,
  writePain001,
} from '../../shared/connectors/sepa/index.js';
import { payoutIdFor } from '../../shared/domain/ids.js';
import { collect, streamOf, validatePain001 } from '../helpers/sepa-files.js';

const transfer = (n: number, overrides: Partial<SepaTransfer> = {}): SepaTransfer => ({
  endToEndId: endToEndIdOf(payoutIdFor('ten_1', `INV-${n}`)),
  amountMinor: 1000 + n,
  currency: 'EUR',
  creditor: { name: `Creditor ${n}`, iban: 'FR1420041010050500013M02606', bic: null },
  remittance: `INV-${n} - Payout`,
  executionDate: '2026-12-03',
  ...overrides,
});

function fileOf(transfers: SepaTransfer[], overrides: Partial<Pain001Input> = {}): Pain001Input {
  return {
    messageId: 'SF-01JEXAMPLE0000000000000',
    createdAt: new Date('2026-12-02T14:00:00.123Z'),
    initiatingPartyName: 'ACME Payroll GmbH',
    debtor: { name: 'ACME Payroll GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    numberOfTransactions: transfers.length,
    controlSumMinor: transfers.reduce((sum, t) => sum + BigInt(t.amountMinor), 0n),
    transactions: streamOf(transfers),
    ...overrides,
  };
}

async function writeValid(input: Pain001Input): Promise<string> {
  const xml = await collect(writePain001(input));
  const result = await validatePain001(xml);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  return xml;
}

const count = (xml: string, tag: string) => xml.split(`<${tag}>`).length - 1;

describe('writePain001: files that validate against pain.001.001.03', () => {
  it('writes one transfer with the header, its amount and the control sum', async () => {
    const xml = await writeValid(fileOf([transfer(1, { amountMinor: 1234 })]));

    expect(xml).toContain('<NbOfTxs>1</NbOfTxs><CtrlSum>12.34</CtrlSum>');
    expect(xml).toContain('<InstdAmt Ccy="EUR">12.34</InstdAmt>');
    expect(xml).toContain('<CreDtTm>2026-12-02T14:00:00Z</CreDtTm>');
    expect(xml).toContain('<PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg>');
    expect(xml).toContain('<SvcLvl><Cd>SEPA</Cd></SvcLvl>');
    expect(xml).toContain('<ChrgBr>SLEV</ChrgBr>');
    expect(xml).toContain(`<EndToEndId>${transfer(1).endToEndId}</EndToEndId>`);
  });

  it('opens one payment information block per execution date', async () => {
    const transfers = [
      transfer(1, { executionDate: '2026-12-03' }),
      transfer(2, { executionDate: '2026-12-03' }),
      transfer(3, { executionDate: '2026-12-04' }),
      transfer(4, { executionDate: '2026-12-07' }),
    ];

    const xml = await writeValid(fileOf(transfers));

    expect(count(xml, 'PmtInf')).toBe(3);
    expect(count(xml, 'CdtTrfTxInf')).toBe(4);
    expect(xml.match(/<ReqdExctnDt>[^<]+/g)).toEqual([
      '<ReqdExctnDt>2026-12-03',
      '<ReqdExctnDt>2026-12-04',
      '<ReqdExctnDt>2026-12-07',
    ]);
    expect(xml.match(/<PmtInfId>[^<]+/g)).toEqual([
      '<PmtInfId>SF-01JEXAMPLE0000000000000-1',
      '<PmtInfId>SF-01JEXAMPLE0000000000000-2',
      '<PmtInfId>SF-01JEXAMPLE0000000000000-3',
    ]);
  });

  it('names the creditor agent only when a BIC is given, and NOTPROVIDED for a debtor without one', async () => {
    const xml = await writeValid(
      fileOf(
        [
          transfer(1, { creditor: { name: 'A', iban: 'de89 3704 0044 0532 0130 00', bic: 'deutdeff' } }),
          transfer(2),
        ],
        {
          debtor: { name: 'ACME', iban: 'NL91ABNA0417164300' },
        },
      ),
    );

    expect(count(xml, 'CdtrAgt')).toBe(1);
    expect(xml).toContain('<CdtrAgt><FinInstnId><BIC>DEUTDEFF</BIC></FinInstnId></CdtrAgt>');
    expect(xml).toContain('<IBAN>DE89370400440532013000</IBAN>');
    expect(xml).toContain('<DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>');
  });

  it('transliterates names and remittance and never lets markup through', async () => {
    const xml = await writeValid(
      fileOf([
        transfer(1, {
          creditor: { name: 'Jürgen Groß & <Söhne> "GmbH" 😀', iban: 'AT611904300234573201' },
          remittance: 'Gehalt für Dezember & Bonus <b>',
        }),
      ]),
    );

    expect(xml).toContain("<Nm>Jurgen Gross + Sohne 'GmbH'</Nm>");
    expect(xml).toContain('<Ustrd>Gehalt fur Dezember + Bonus b</Ustrd>');
  });

  it('carries 70-character names and 140-character remittance whole', async () => {
    const name = 'N'.repeat(70);
    const remittance = 'R'.repeat(140);

    const xml = await writeValid(
      fileOf([transfer(1, { creditor: { name, iban: 'DE89370400440532013000' }, remittance })]),
    );

    expect(xml).toContain(`<Nm>${name}</Nm>`);
    expect(xml).toContain(`<Ustrd>${remittance}</Ustrd>`);
  });

  it('streams a file of 2,000 transfers in chunks of a few KB', async () => {
    const transfers = Array.from({ length: 2000 }, (_, n) => transfer(n));
    const chunks: string[] = [];

    for await (const chunk of writePain001(fileOf(transfers))) chunks.push(chunk);

    expect(chunks.length).toBeGreaterThan(50);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(16_384);
    expect((await validatePain001(chunks.join(''))).valid).toBe(true);
  });

  it('writes a valid file whatever people typed as names and references', async () => {
    const character = fc.oneof(
      fc.constantFrom(...'abcdefxyzABCXYZ0189 -/().,'),
      fc.constantFrom(...'äöüÄÖÜßÆØøåéèçñŁżΔЖ&<>"\'_;!…“”„«»'),
      fc.constantFrom('😀', '中', '\t', '\n', '½', '@', '#', '\u00a0', '\u0000'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const typed = fc.string({ unit: character, minLength: 1, maxLength: 90 });
    const inputs = fc.sample(fc.record({ name: typed, reference: typed, description: typed }), {
      numRuns: 300,
      seed: 21,
    });
    const transfers = inputs
      // What creation would have refused (nothing SEPA can carry, too long) never reaches a file.
      .filter(
        ({ name, reference }) =>
          !sepaTextProblem(name, 70, 'name') && !sepaTextProblem(reference, 140, 'ref'),
      )
      .map(({ name, reference, description }, n) =>
        transfer(n, {
          creditor: { name, iban: 'DE89370400440532013000' },
          remittance: remittanceOf(reference, description),
        }),
      );

    expect(transfers.length).toBeGreaterThan(100);
    await writeValid(fileOf(transfers));
  });

  it('fails validation of a file the writer did not write (the oracle is real)', async () => {
    const xml = await collect(writePain001(fileOf([transfer(1)])));

    const withoutMethod = await validatePain001(xml.replace('<PmtMtd>TRF</PmtMtd>', ''));
    const wordCount = await validatePain001(xml.replace('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>one</NbOfTxs>'));

    expect(withoutMethod.valid).toBe(false);
    expect(withoutMethod.errors.join('\n')).toMatch(/PmtMtd/);
    expect(wordCount.valid).toBe(false);
    expect(wordCount.errors.join('\n')).toMatch(/NbOfTxs/);
  });
});

describe('writePain001: refusals', () => {
  it('throws at the end when fewer transfers came than the header announced', async () => {
    const input = fileOf([transfer(1), transfer(2)], { numberOfTransactions: 3 });

    await expect(collect(writePain001(input))).rejects.toThrow(
      new Pain001Error(
        "The file's header announces 3 transfers for 20.03 EUR, but 2 transfers for 20.03 EUR were written",
      ),
    );
  });

  it('throws at the end when the amounts do not add up to the control sum', async () => {
    const input = fileOf([transfer(1), transfer(2)], { controlSumMinor: 2004n });

    await expect(collect(writePain001(input))).rejects.toThrow(/announces 2 transfers for 20.04 EUR/);
  });

  it('never yields the end of a file whose header is wrong', async () => {
    const chunks: string[] = [];
    const input = fileOf([transfer(1)], { controlSumMinor: 1n });

    await expect(
      (async () => {
        for await (const chunk of writePain001(input)) chunks.push(chunk);
      })(),
    ).rejects.toThrow(Pain001Error);
    expect(chunks.join('')).not.toContain('</Document>');
  });

  it('refuses transfers out of execution date order', async () => {
    const input = fileOf([
      transfer(1, { executionDate: '2026-12-04' }),
      transfer(2, { executionDate: '2026-12-03' }),
    ]);

    await expect(collect(writePain001(input))).rejects.toThrow(/not sorted by execution date/);
  });

  it.each([
    [
      'an EndToEndId with an underscore',
      { endToEndId: 'po_01JEXAMPLE' },
      /EndToEndId 'po_01JEXAMPLE' has characters outside/,
    ],
    ['a non-SEPA IBAN', { creditor: { name: 'A', iban: 'BR1800360305000010009795493C1' } }, /creditor IBAN/],
    [
      'a bad BIC',
      { creditor: { name: 'A', iban: 'DE89370400440532013000', bic: 'DEUTDE1F' } },
      /creditor BIC/,
    ],
    ['a zero amount', { amountMinor: 0 }, /amount 0 is not between/],
    [
      'an empty name',
      { creditor: { name: '😀', iban: 'DE89370400440532013000' } },
      /creditor name has no letters/,
    ],
    ['a bad date', { executionDate: '03.12.2026' }, /execution date/],
    [
      'a day that does not exist',
      { executionDate: '2026-02-30' },
      /execution date '2026-02-30' is not a date/,
    ],
  ])('refuses %s', async (_, overrides, message) => {
    const input = fileOf([transfer(1, overrides as Partial<SepaTransfer>)]);

    await expect(collect(writePain001(input))).rejects.toThrow(message);
  });

  it('refuses a header it cannot write before yielding anything', async () => {
    const input = fileOf([transfer(1)], { messageId: 'file_1', debtor: { name: 'A', iban: 'GB00' } });

    await expect(collect(writePain001(input))).rejects.toThrow(/Message id 'file_1'.*; Debtor IBAN 'GB00'/);
  });
});
