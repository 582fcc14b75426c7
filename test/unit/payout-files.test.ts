import { describe, expect, it } from 'vitest';
import { payoutIdFor } from '../../shared/domain/ids.js';
import type { InboundOrigin, InboundRejection } from '../../shared/ports/inbound-store.js';
import type { CreateBatchInput } from '../../shared/use-cases/payout-batches.js';
import { payoutFilesUseCase, prefixOf, resultKeyOf } from '../../shared/use-cases/payout-files.js';

const TENANT = 'ten_01TEST';
const GOOD = 'reference,amount,currency,email\r\nfile-1,10.00,EUR,ada@example.com\r\n';

/** The use case over in-memory fakes: the routes, the files, and what it writes and sends. */
function setup(
  files: Record<string, string | Uint8Array | null>,
  existing = new Map<string, string | null>(),
) {
  const written = new Map<string, string>();
  const letters: any[] = [];
  const rejections: InboundRejection[] = [];
  const created: CreateBatchInput[] = [];
  const acceptFile = payoutFilesUseCase({
    inbound: {
      tenantOf: async (origin: InboundOrigin) => (origin.value === 'acme' ? TENANT : undefined),
      reject: async (rejection) => void rejections.push(rejection),
      route: async () => true,
      unroute: async () => true,
      routesOf: async () => [],
    },
    batches: {
      create: async (input) => {
        created.push(input);
        return { response: { statusCode: 202, body: JSON.stringify({ id: 'pb_1' }) }, replayed: false };
      },
    },
    payouts: {
      batchesOf: async (_tenantId, ids) => new Map([...existing].filter(([id]) => ids.includes(id))),
    },
    files: {
      read: async (file) => {
        const content = files[file.key];
        if (content === undefined || content === null) return null;
        return typeof content === 'string' ? new TextEncoder().encode(content) : content;
      },
      writeResult: async (key, csv) => void written.set(key, csv),
    },
    deadLetters: { send: async (body) => void letters.push(JSON.parse(body)) },
  });
  return { acceptFile, written, letters, rejections, created };
}

describe('payroll files', () => {
  it('names the result beside the upload and routes by the first folder', () => {
    expect(resultKeyOf('acme/2026/dec.csv')).toBe('acme/2026/dec.result.csv');
    expect(prefixOf('acme/2026/dec.csv')).toBe('acme');
    expect(prefixOf('dec.csv')).toBe('');
  });

  it('ignores its own result files and other suffixes: nothing read, written or sent', async () => {
    const { acceptFile, written, letters } = setup({ 'acme/x.result.csv': GOOD, 'acme/x.txt': GOOD });
    expect(await acceptFile({ key: 'acme/x.result.csv', size: 10, etag: null })).toBe('ignored');
    expect(await acceptFile({ key: 'acme/x.txt', size: 10, etag: null })).toBe('ignored');
    expect(written.size + letters.length).toBe(0);
  });

  it('leaves a file replaced since its notification to the next one', async () => {
    const { acceptFile, written, created } = setup({});
    expect(await acceptFile({ key: 'acme/gone.csv', size: 10, etag: '"old"' })).toBe('ignored');
    expect(written.size + created.length).toBe(0);
  });

  it('refuses a file over the size limit unread, with a rejection and a dead letter', async () => {
    const { acceptFile, written, letters, rejections } = setup({ 'acme/big.csv': GOOD });
    expect(await acceptFile({ key: 'acme/big.csv', size: 11 * 1024 * 1024, etag: '"e"' })).toBe('rejected');
    expect(rejections[0]?.reason.code).toBe('payload_too_large');
    expect(letters[0]).toMatchObject({ channel: 's3', reason: { code: 'payload_too_large' } });
    expect(written.get('acme/big.result.csv')).toContain('rejected');
  });

  it('puts a broken header on line 1, the only row of the result (no row can be read without it)', async () => {
    const { acceptFile, written, created } = setup({
      'acme/bad.csv': 'reference,amount,colour\r\na,1.00,red\r\nb,2.00,blue\r\n',
    });
    expect(await acceptFile({ key: 'acme/bad.csv', size: 40, etag: null })).toBe('rejected');
    const lines = (written.get('acme/bad.result.csv') ?? '').trim().split('\r\n');
    expect(lines[0]).toBe('line,reference,outcome,batch_id,payout_id,message');
    expect(lines[1]).toMatch(
      /^1,,rejected,,,.*currency: is a required column.*colour: is not a known column/,
    );
    expect(lines).toHaveLength(2);
    expect(created).toEqual([]);
  });

  it('refuses a file that is not UTF-8 (a legacy export would mangle names), creating nothing', async () => {
    const latin1 = Buffer.from(
      'reference,amount,currency,email\r\nm\xfcller-1,10.00,EUR,m@example.com\r\n',
      'latin1',
    );
    const { acceptFile, written, created, letters } = setup({ 'acme/latin1.csv': latin1 });
    expect(await acceptFile({ key: 'acme/latin1.csv', size: latin1.length, etag: null })).toBe('rejected');
    expect(created).toEqual([]);
    expect(written.get('acme/latin1.result.csv')).toContain('file: is not UTF-8 text');
    expect(letters[0].reason.code).toBe('validation_failed');
  });

  it('marks a row whose reference another payout has as duplicate, and this batch’s own rows as accepted', async () => {
    const file =
      'reference,amount,currency,email\r\nold-1,10.00,EUR,a@example.com\r\nmine-1,10.00,EUR,a@example.com\r\nnew-1,10.00,EUR,a@example.com\r\n';
    const existing = new Map<string, string | null>([
      [payoutIdFor(TENANT, 'old-1'), null],
      [payoutIdFor(TENANT, 'mine-1'), 'pb_1'],
    ]);
    const { acceptFile, written } = setup({ 'acme/again.csv': file }, existing);
    await acceptFile({ key: 'acme/again.csv', size: file.length, etag: null });
    const rows = (written.get('acme/again.result.csv') ?? '').trim().split('\r\n').slice(1);
    expect(rows.map((row) => row.split(',').slice(0, 3).join(','))).toEqual([
      '2,old-1,duplicate',
      '3,mine-1,accepted',
      '4,new-1,accepted',
    ]);
    expect(rows[0]).toContain(`already used by payout ${payoutIdFor(TENANT, 'old-1')}`);
  });

  it('takes .CSV as well as .csv, and keys the batch by the bytes', async () => {
    const upper = 'acme/PAYROLL.CSV';
    const { acceptFile, created, written } = setup({
      [upper]: GOOD,
      'acme/crlf.csv': GOOD.replace(/\r\n/g, '\n'),
    });
    expect(await acceptFile({ key: upper, size: GOOD.length, etag: null })).toBe('accepted');
    expect(written.has('acme/PAYROLL.result.csv')).toBe(true);
    await acceptFile({ key: 'acme/crlf.csv', size: GOOD.length, etag: null });
    expect(created[1]?.idempotencyKey).not.toBe(created[0]?.idempotencyKey);
  });

  it('creates the batch as the system, judged as an event request, keyed by the content', async () => {
    const { acceptFile, created, written } = setup({ 'acme/ok.csv': GOOD, 'acme/copy.csv': GOOD });
    expect(await acceptFile({ key: 'acme/ok.csv', size: GOOD.length, etag: null })).toBe('accepted');
    await acceptFile({ key: 'acme/copy.csv', size: GOOD.length, etag: null });
    expect(created[0]).toMatchObject({
      caller: { tenantId: TENANT, actor: { type: 'system' } },
      policySource: 'event',
      items: [expect.objectContaining({ reference: 'file-1', amount: 1000 })],
    });
    expect(created[0]?.idempotencyKey).toMatch(/^file:[0-9a-f]{64}$/);
    expect(created[1]?.idempotencyKey).toBe(created[0]?.idempotencyKey);
    expect(written.get('acme/ok.result.csv')).toMatch(/\r\n2,file-1,accepted,pb_1,po_[0-9A-Z]{26},\r\n$/);
  });
});
