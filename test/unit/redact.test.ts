import { describe, expect, it } from 'vitest';
import { redactForLog, redactText } from '../../shared/http/redact.js';

const serialize = (value: unknown) => JSON.stringify(value, redactForLog);

describe('log redaction', () => {
  it('masks IBANs (printed or compact), API keys, webhook secrets and emails inside any string', () => {
    const text = redactText(
      'to DE89370400440532013000 / GB29 NWBK 6016 1331 9268 19 with sk_live_Abc123def456 and whsec_c2VjcmV0c2VjcmV0 for ada+x@example.com',
    );
    expect(text).toBe(
      'to [iban ••••3000] / [iban ••••6819] with sk_live_[redacted] and whsec_[redacted] for [email @example.com]',
    );
  });

  it('replaces secret fields whole, at any depth, and scrubs errors', () => {
    const line = serialize({
      headers: { Authorization: 'Bearer sk_test_abcdefgh' },
      payout: { destination: { type: 'bank_account', iban: 'DE89370400440532013000' }, amount: 1050 },
      secrets: ['whsec_x'],
      error: new Error('no route for DE89370400440532013000'),
    });
    expect(line).not.toMatch(/DE89370400440532013000|sk_test_abcdefgh|whsec_x/);
    expect(JSON.parse(line)).toMatchObject({
      headers: { Authorization: '[redacted]' },
      payout: { destination: '[redacted]', amount: 1050 },
      secrets: '[redacted]',
      error: { name: 'Error', message: 'no route for [iban ••••3000]' },
    });
  });

  it('applies the field rules inside a JSON body carried as a string (a logged event)', () => {
    const body = JSON.stringify({
      amount: 1050,
      destination: {
        type: 'bank_account',
        account_holder_name: 'Zelda Quartermain',
        iban: 'GB29NWBK60161331926819',
      },
    });
    const line = serialize({ event: { body } });
    expect(line).not.toMatch(/Zelda|GB29NWBK60161331926819/);
    expect(JSON.parse(JSON.parse(line).event.body)).toEqual({ amount: 1050, destination: '[redacted]' });
  });

  it('masks IBANs in any case or grouping, camelCase secret fields, and base64 bodies', () => {
    expect(redactText('de89370400440532013000 and DE89-3704-0044-0532-0130-00')).toBe(
      '[iban ••••3000] and [iban ••••3000]',
    );
    const line = serialize({
      accountHolderName: 'Zelda Quartermain',
      signingSecret: 'abc',
      event: {
        isBase64Encoded: true,
        body: Buffer.from('{"iban":"GB29NWBK60161331926819"}').toString('base64'),
      },
      note: '{"account_holder_name":"Zelda Quartermain", truncated',
    });
    expect(line).not.toMatch(/Zelda Quartermain"|abc|eyJpYmFu/);
    expect(JSON.parse(line)).toMatchObject({
      accountHolderName: '[redacted]',
      signingSecret: '[redacted]',
      event: { body: '[base64 body redacted]' },
    });
  });

  it('leaves ids, references, amounts and statuses alone', () => {
    const fields = {
      payoutId: 'po_01M8S4G6SH6F2MJW4MCDVJMSH2',
      tenantId: 'ten_01M87D0TTTAMGXC2H0QQJA27BF',
      reference: 'payroll-2026-11-ada',
      amount: 250000,
      status: 'paid',
      requestId: 'd3b07384-d113-4ec6-a7c3-6e7b5a1c2f10',
    };
    expect(JSON.parse(serialize(fields))).toEqual(fields);
  });
});
