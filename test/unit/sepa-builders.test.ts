import { describe, expect, it } from 'vitest';
import { camt053, camt054, pain002, validateXsd } from '../helpers/sepa-files.js';

const PAIN_002 = new URL('../fixtures/sepa/schemas/pain.002.001.03.xsd', import.meta.url);
const CAMT_053 = new URL('../fixtures/sepa/schemas/camt.053.001.02.xsd', import.meta.url);

/** The test bank files are only worth something if a bank could send them: the ISO schemas say so. */
describe('bank files built for tests follow the ISO 20022 schemas', () => {
  it('pain.002.001.03: transactions of every status, group and block rejections', async () => {
    const xml = pain002({
      originalMessageId: 'SF-1',
      groupStatus: 'PART',
      groupReasonCode: 'FF01',
      transactions: [
        { endToEndId: 'po-A', status: 'ACCP' },
        { endToEndId: 'po-B', status: 'RJCT', reasonCode: 'AC01', amountMinor: 100 },
        { endToEndId: 'po-C' },
      ],
      blocks: [
        {
          paymentInformationId: 'SF-1-2',
          status: 'RJCT',
          reasonCode: 'AM04',
          transactions: [{ endToEndId: 'po-D' }],
        },
        { paymentInformationId: 'SF-1-3', status: 'ACCP' },
      ],
    });

    expect(await validateXsd(xml, PAIN_002)).toEqual({ valid: true, errors: [] });
  });

  it('camt.053.001.02: booked single and batch entries, returns coded three ways, other entries', async () => {
    const xml = camt053({
      entries: [
        { kind: 'booked', transactions: [{ endToEndId: 'po-A', amountMinor: 100 }] },
        {
          kind: 'booked',
          transactions: [
            { endToEndId: 'po-B', amountMinor: 200 },
            { endToEndId: 'po-C', amountMinor: 300 },
          ],
        },
        {
          kind: 'booked',
          withoutTransactionAmounts: true,
          transactions: [{ endToEndId: 'po-D', amountMinor: 1 }],
        },
        { kind: 'returned', endToEndId: 'po-E', reasonCode: 'AC04', amountMinor: 5, code: 'iso' },
        { kind: 'returned', endToEndId: 'po-F', amountMinor: 5, code: 'dk' },
        { kind: 'returned', endToEndId: 'po-G', reasonCode: 'MS03', amountMinor: 5, code: 'unknown' },
        { kind: 'incoming', amountMinor: 5 },
        { kind: 'fee', amountMinor: 5 },
      ],
    });

    expect(await validateXsd(xml, CAMT_053)).toEqual({ valid: true, errors: [] });
  });

  it('camt.054.001.02 entries are the statement entries checked above', async () => {
    // No camt.054.001.02 schema is vendored; its entries (ReportEntry2) are camt.053.001.02's. Check
    // that a notification's entries, moved into a statement, validate there.
    const notification = camt054({
      entries: [
        { kind: 'booked', transactions: [{ endToEndId: 'po-A', amountMinor: 100 }] },
        { kind: 'returned', endToEndId: 'po-B', reasonCode: 'AC01', amountMinor: 5 },
      ],
    });
    const entries = notification.slice(
      notification.indexOf('<Ntry>'),
      notification.lastIndexOf('</Ntry>') + 7,
    );
    const statement = camt053({ entries: [] }).replace('</Stmt>', `${entries}</Stmt>`);

    expect(await validateXsd(statement, CAMT_053)).toEqual({ valid: true, errors: [] });
  });

  it('the oracle refuses what a bank would not send', async () => {
    const xml = camt053({
      entries: [{ kind: 'booked', transactions: [{ endToEndId: 'po-A', amountMinor: 1 }] }],
    });

    const result = await validateXsd(xml.replace('<Sts>BOOK</Sts>', '<Sts>DONE</Sts>'), CAMT_053);

    expect(result.valid).toBe(false);
  });
});
