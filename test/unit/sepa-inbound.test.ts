import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  BankFileError,
  type BankFileEvent,
  failureFromReason,
  readBankFile,
} from '../../shared/connectors/sepa/index.js';
import { type CamtEntry, camt053, camt054, camt054Parts, pain002, streamOf } from '../helpers/sepa-files.js';

/** Feeds `xml` in small chunks, cut anywhere (inside tags, inside multi-byte characters). */
async function read(xml: string, chunkSize = 97): Promise<BankFileEvent[]> {
  const bytes = new TextEncoder().encode(xml);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  const events: BankFileEvent[] = [];
  for await (const event of readBankFile(streamOf(chunks))) events.push(event);
  return events;
}

describe('readBankFile: pain.002 status reports', () => {
  it('reads accepted and rejected transactions with their reason codes', async () => {
    const xml = pain002({
      originalMessageId: 'SF-1',
      groupStatus: 'PART',
      transactions: [
        { endToEndId: 'po-A', status: 'ACCP' },
        { endToEndId: 'po-B', status: 'ACSC' },
        { endToEndId: 'po-C', status: 'RJCT', reasonCode: 'AC01' },
        { endToEndId: 'po-D', status: 'RJCT', reasonCode: 'AC04', amountMinor: 1050 },
        { endToEndId: 'po-E', status: 'RJCT', reasonCode: 'AM04' },
        { endToEndId: 'po-F', status: 'RJCT', reasonCode: 'MS03' },
        { endToEndId: 'po-G', status: 'RJCT' },
        { endToEndId: 'po-H', status: 'PDNG' },
      ],
    });

    const events = await read(xml);

    expect(events).toEqual([
      { kind: 'file', type: 'pain.002', messageId: 'STS-SF-1', originalMessageId: 'SF-1' },
      { kind: 'accepted', endToEndId: 'po-A', status: 'ACCP' },
      { kind: 'accepted', endToEndId: 'po-B', status: 'ACSC' },
      { kind: 'rejected', endToEndId: 'po-C', reasonCode: 'AC01' },
      { kind: 'rejected', endToEndId: 'po-D', reasonCode: 'AC04' },
      { kind: 'rejected', endToEndId: 'po-E', reasonCode: 'AM04' },
      { kind: 'rejected', endToEndId: 'po-F', reasonCode: 'MS03' },
      { kind: 'rejected', endToEndId: 'po-G', reasonCode: null },
    ]);
  });

  it('maps the reasons of rejected transactions to failures', async () => {
    const codes = ['AC01', 'AC04', 'AM04', 'RR04'];
    const xml = pain002({
      originalMessageId: 'SF-1',
      transactions: codes.map((reasonCode, n) => ({ endToEndId: `po-${n}`, status: 'RJCT', reasonCode })),
    });

    const failures = (await read(xml)).flatMap((event) =>
      event.kind === 'rejected' ? [failureFromReason(event.reasonCode).failure_code] : [],
    );

    expect(failures).toEqual([
      'invalid_account',
      'account_closed',
      'insufficient_funds',
      'provider_rejected',
    ]);
  });

  it('reads a whole file rejected at group level', async () => {
    const xml = pain002({ originalMessageId: 'SF-2', groupStatus: 'RJCT', groupReasonCode: 'FF01' });

    expect(await read(xml)).toEqual([
      { kind: 'file', type: 'pain.002', messageId: 'STS-SF-2', originalMessageId: 'SF-2' },
      {
        kind: 'file_rejected',
        originalMessageId: 'SF-2',
        originalPaymentInformationId: null,
        reasonCode: 'FF01',
      },
    ]);
  });

  it('reads a rejected payment block, its transactions taking its status', async () => {
    const xml = pain002({
      originalMessageId: 'SF-3',
      groupStatus: 'PART',
      blocks: [
        { paymentInformationId: 'SF-3-1', status: 'ACCP' },
        {
          paymentInformationId: 'SF-3-2',
          status: 'RJCT',
          reasonCode: 'AM04',
          transactions: [{ endToEndId: 'po-X' }, { endToEndId: 'po-Y', status: 'RJCT', reasonCode: 'AC01' }],
        },
      ],
    });

    expect((await read(xml)).slice(1)).toEqual([
      {
        kind: 'file_rejected',
        originalMessageId: 'SF-3',
        originalPaymentInformationId: 'SF-3-2',
        reasonCode: 'AM04',
      },
      { kind: 'rejected', endToEndId: 'po-X', reasonCode: 'AM04' },
      { kind: 'rejected', endToEndId: 'po-Y', reasonCode: 'AC01' },
    ]);
  });

  it('refuses a rejected transaction without an EndToEndId', async () => {
    const xml = pain002({
      originalMessageId: 'SF-4',
      transactions: [{ endToEndId: 'po-A', status: 'RJCT' }],
    }).replace('<OrgnlEndToEndId>po-A</OrgnlEndToEndId>', '');

    await expect(read(xml)).rejects.toThrow(
      new BankFileError('A RJCT transaction in payment block SF-4-1 has no OrgnlEndToEndId'),
    );
  });
});

describe('readBankFile: camt.054 notifications', () => {
  it('reads a booked transfer', async () => {
    const xml = camt054({
      entries: [{ kind: 'booked', transactions: [{ endToEndId: 'po-A', amountMinor: 1234 }] }],
    });

    expect(await read(xml)).toEqual([
      { kind: 'file', type: 'camt.054', messageId: 'NTF-20261203-1', originalMessageId: null },
      { kind: 'booked', endToEndId: 'po-A', amountMinor: 1234, currency: 'EUR', bookingDate: '2026-12-03' },
    ]);
  });

  it('reads every transfer of a batch-booked entry', async () => {
    const xml = camt054({
      entries: [
        {
          kind: 'booked',
          bookingDate: '2026-12-04',
          transactions: [
            { endToEndId: 'po-A', amountMinor: 100 },
            { endToEndId: 'po-B', amountMinor: 250_000_00 },
            { endToEndId: 'po-C', amountMinor: 1 },
          ],
        },
      ],
    });

    expect((await read(xml)).slice(1)).toEqual([
      { kind: 'booked', endToEndId: 'po-A', amountMinor: 100, currency: 'EUR', bookingDate: '2026-12-04' },
      {
        kind: 'booked',
        endToEndId: 'po-B',
        amountMinor: 250_000_00,
        currency: 'EUR',
        bookingDate: '2026-12-04',
      },
      { kind: 'booked', endToEndId: 'po-C', amountMinor: 1, currency: 'EUR', bookingDate: '2026-12-04' },
    ]);
  });

  it('takes the entry amount for its one transaction without amount details', async () => {
    const xml = camt054({
      entries: [
        {
          kind: 'booked',
          withoutTransactionAmounts: true,
          transactions: [{ endToEndId: 'po-A', amountMinor: 777 }],
        },
      ],
    });

    expect((await read(xml)).slice(1)).toEqual([
      { kind: 'booked', endToEndId: 'po-A', amountMinor: 777, currency: 'EUR', bookingDate: '2026-12-03' },
    ]);
  });

  it('refuses a batch entry whose transactions have no amounts', async () => {
    const xml = camt054({
      entries: [
        {
          kind: 'booked',
          withoutTransactionAmounts: true,
          transactions: [
            { endToEndId: 'po-A', amountMinor: 1 },
            { endToEndId: 'po-B', amountMinor: 2 },
          ],
        },
      ],
    });

    await expect(read(xml)).rejects.toThrow(/several TxDtls and one lacks AmtDtls/);
  });

  it.each(['iso', 'dk', 'unknown'] as const)(
    'reads a return coded %s, with the original EndToEndId',
    async (code) => {
      const xml = camt054({
        entries: [
          {
            kind: 'returned',
            endToEndId: 'po-A',
            reasonCode: 'AC04',
            amountMinor: 5000,
            code,
            bookingDate: '2026-12-09',
          },
        ],
      });

      expect((await read(xml)).slice(1)).toEqual([
        {
          kind: 'returned',
          endToEndId: 'po-A',
          reasonCode: 'AC04',
          amountMinor: 5000,
          currency: 'EUR',
          bookingDate: '2026-12-09',
        },
      ]);
    },
  );

  it('passes over pending entries, incoming transfers and fees', async () => {
    const xml = camt054({
      entries: [
        { kind: 'booked', status: 'PDNG', transactions: [{ endToEndId: 'po-P', amountMinor: 1 }] },
        { kind: 'incoming', endToEndId: 'CUSTOMER-4711', amountMinor: 99_00 },
        { kind: 'fee', amountMinor: 5_00 },
        { kind: 'booked', transactions: [{ endToEndId: 'po-A', amountMinor: 2 }] },
      ],
    });

    expect((await read(xml)).slice(1)).toEqual([
      { kind: 'booked', endToEndId: 'po-A', amountMinor: 2, currency: 'EUR', bookingDate: '2026-12-03' },
    ]);
  });

  it('keeps an EndToEndId it does not know: the caller records it for reconciliation', async () => {
    const xml = camt054({
      entries: [{ kind: 'booked', transactions: [{ endToEndId: 'ERP-2026-17', amountMinor: 3 }] }],
    });

    expect((await read(xml))[1]).toMatchObject({ kind: 'booked', endToEndId: 'ERP-2026-17' });
  });

  it('reads the same events whatever the chunk size', async () => {
    const xml = camt054({
      entries: [
        { kind: 'booked', transactions: [{ endToEndId: 'po-Ä', amountMinor: 1 }] },
        { kind: 'returned', endToEndId: 'po-B', reasonCode: 'MD07', amountMinor: 2 },
      ],
    });

    const whole = await read(xml, xml.length);

    for (const size of [1, 3, 64]) expect(await read(xml, size)).toEqual(whole);
  });
});

describe('readBankFile: camt.053 statements', () => {
  it('reads booked transfers and returns between the balances', async () => {
    const xml = camt053({
      entries: [
        {
          kind: 'booked',
          transactions: [
            { endToEndId: 'po-A', amountMinor: 10_00 },
            { endToEndId: 'po-B', amountMinor: 20_00 },
          ],
        },
        { kind: 'returned', endToEndId: 'po-C', reasonCode: 'AC01', amountMinor: 30_00 },
        { kind: 'incoming', amountMinor: 1_00 },
      ],
    });

    expect(await read(xml)).toEqual([
      { kind: 'file', type: 'camt.053', messageId: 'STM-20261203-1', originalMessageId: null },
      { kind: 'booked', endToEndId: 'po-A', amountMinor: 10_00, currency: 'EUR', bookingDate: '2026-12-03' },
      { kind: 'booked', endToEndId: 'po-B', amountMinor: 20_00, currency: 'EUR', bookingDate: '2026-12-03' },
      {
        kind: 'returned',
        endToEndId: 'po-C',
        reasonCode: 'AC01',
        amountMinor: 30_00,
        currency: 'EUR',
        bookingDate: '2026-12-03',
      },
    ]);
  });
});

describe('readBankFile: files it cannot read', () => {
  const booked = camt054({
    entries: [{ kind: 'booked', transactions: [{ endToEndId: 'po-A', amountMinor: 1 }] }],
  });

  it.each([
    ['truncated XML', booked.slice(0, booked.length - 40), /not well-formed XML/],
    ['a mismatched tag', booked.replace('</Refs>', '</Ref>'), /not well-formed XML/],
    ['a DOCTYPE', booked.replace('<Document', '<!DOCTYPE x [<!ENTITY a "b">]>\n<Document'), /DOCTYPE/],
    ['another message', booked.replaceAll('camt.054.001.02', 'camt.052.001.02'), /camt.052.001.02.*read are/],
    ['another version', booked.replaceAll('camt.054.001.02', 'camt.054.001.08'), /camt.054.001.08/],
    [
      'the wrong root',
      booked.replaceAll('BkToCstmrDbtCdtNtfctn', 'BkToCstmrStmt'),
      /holds BkToCstmrStmt, not BkToCstmrDbtCdtNtfctn/,
    ],
    ['not a Document', '<?xml version="1.0"?><Invoice/>', /root element is Invoice/],
    [
      'a float-ish amount',
      booked.replace('<Amt Ccy="EUR">0.01</Amt><CdtDbtInd>', '<Amt Ccy="EUR">1e-2</Amt><CdtDbtInd>'),
      /Ntry\/Amt '1e-2' EUR is not an amount/,
    ],
    [
      'an amount without currency',
      booked.replace('<TxAmt><Amt Ccy="EUR">', '<TxAmt><Amt>'),
      /TxDtls\/AmtDtls has no Ccy/,
    ],
    ['no group header', booked.replace(/<GrpHdr>.*?<\/GrpHdr>/, ''), /no GrpHdr\/MsgId/],
    ['an empty file', '', /empty/],
    [
      'a pain.002 whose blocks come without the original group',
      pain002({ originalMessageId: 'X', transactions: [{ endToEndId: 'po-A', status: 'RJCT' }] }).replace(
        /<OrgnlGrpInfAndSts>.*<\/OrgnlGrpInfAndSts>/s,
        '',
      ),
      /no OrgnlGrpInfAndSts before its payment blocks/,
    ],
    [
      'a pain.002 without original group',
      pain002({ originalMessageId: 'X' }).replace(/<OrgnlGrpInfAndSts>.*<\/OrgnlGrpInfAndSts>/s, ''),
      /no OrgnlGrpInfAndSts/,
    ],
  ])('throws a clear error on %s', async (_, xml, message) => {
    const failure = read(xml);

    await expect(failure).rejects.toThrow(BankFileError);
    await expect(failure).rejects.toThrow(message);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const bytes = new TextEncoder().encode(booked.replace('po-A', 'po-#'));
    bytes[bytes.indexOf(0x23)] = 0xff;

    await expect(
      (async () => {
        for await (const _ of readBankFile(streamOf([bytes]))) {
          // read to the end
        }
      })(),
    ).rejects.toThrow(/not UTF-8/);
  });

  it('reads a file written with a byte order mark and a namespace prefix', async () => {
    const prefixed = `\uFEFF${booked
      .replace(/<(\/?)([A-Za-z])/g, '<$1c:$2')
      .replace('xmlns=', 'xmlns:c=')
      .replace('<c:?xml', '<?xml')}`;

    expect((await read(prefixed)).map((event) => event.kind)).toEqual(['file', 'booked']);
  });
});

describe('readBankFile: memory', () => {
  it('reads a camt.054 of 50,000 entries in bounded memory', async () => {
    const ENTRIES = 50_000;
    function* entries(): Generator<CamtEntry> {
      for (let n = 0; n < ENTRIES; n++)
        yield n % 10 === 9
          ? { kind: 'returned', endToEndId: `po-${n}`, reasonCode: 'AC04', amountMinor: n + 1 }
          : { kind: 'booked', transactions: [{ endToEndId: `po-${n}`, amountMinor: n + 1 }] };
    }
    async function* chunks(): AsyncGenerator<string> {
      // ~25 entries (about 20 KB) per chunk, as a file read from S3 arrives.
      let buffer = '';
      for (const part of camt054Parts({ entries: entries() })) {
        buffer += part;
        if (buffer.length > 20_000) {
          yield buffer;
          buffer = '';
        }
      }
      yield buffer;
    }
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let booked = 0;
    let returned = 0;
    let sum = 0n;

    for await (const event of readBankFile(chunks())) {
      if (event.kind === 'booked') booked++;
      if (event.kind === 'returned') returned++;
      if (event.kind === 'booked' || event.kind === 'returned') sum += BigInt(event.amountMinor);
      if ((booked + returned) % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }

    const growthMb = (peak - before) / 2 ** 20;
    console.log(
      `camt.054 of ${ENTRIES} entries: heap grew by at most ${growthMb.toFixed(1)} MB while reading`,
    );
    expect(booked).toBe(45_000);
    expect(returned).toBe(5_000);
    expect(sum).toBe(BigInt((ENTRIES * (ENTRIES + 1)) / 2));
    expect(growthMb).toBeLessThan(64);
  });
});

describe('fixtures', () => {
  it('reads the sample notification kept for people to look at', async () => {
    const xml = await readFile(new URL('../fixtures/sepa/camt054-sample.xml', import.meta.url), 'utf8');

    expect((await read(xml)).map((event) => event.kind)).toEqual(['file', 'booked', 'booked', 'returned']);
  });

  it('reads the sample status report kept for people to look at', async () => {
    const xml = await readFile(new URL('../fixtures/sepa/pain002-sample.xml', import.meta.url), 'utf8');

    expect((await read(xml)).slice(1)).toEqual([
      { kind: 'accepted', endToEndId: 'po-01JEXAMPLEA0000000000000000', status: 'ACCP' },
      { kind: 'rejected', endToEndId: 'po-01JEXAMPLEB0000000000000000', reasonCode: 'AC01' },
    ]);
  });
});
