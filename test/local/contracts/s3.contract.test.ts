import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CreatedObject, createLocalS3, S3_MULTIPART_LIMITS } from '../../../local/aws/local-s3.js';
import { platformS3Client, presignedDownload } from '../../../shared/adapters/s3.js';
import { createS3AttachmentStore } from '../../../shared/adapters/s3-attachments.js';
import { createS3ReportFiles } from '../../../shared/adapters/s3-report-files.js';
import { close, LOCAL_CREDENTIALS, listen, rejectionOf } from './local-aws.js';

/**
 * The local S3 against S3 as documented (User Guide "Amazon S3 multipart upload limits": parts 1 to
 * 10,000 of 5 MiB to 5 GiB but the last; API Reference CompleteMultipartUpload: the listed parts, in
 * ascending order, with their ETags; presigned URLs with their expiry), driven by the S3 client the
 * platform builds (`platformS3Client`) and its adapters.
 */
const MiB = 1024 * 1024;
let server: ReturnType<typeof createLocalS3>['server'];
let client: S3Client;
let created: { object: CreatedObject; eventName: string }[] = [];
const Bucket = 'reports';

beforeAll(async () => {
  server = createLocalS3({
    secrets: { [LOCAL_CREDENTIALS.accessKeyId]: LOCAL_CREDENTIALS.secretAccessKey },
    onObjectCreated: (object, eventName) => created.push({ object, eventName }),
  }).server;
  const endpoint = await listen(server);
  // As in a function: the endpoint, credentials and region come from the environment.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
  });
  client = platformS3Client();
});
afterAll(() => close(server));
beforeEach(() => {
  created = [];
});

const read = async (Key: string) => {
  const object = await client.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
};

async function uploadParts(Key: string, parts: Buffer[]) {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const uploaded = [];
  for (const [index, body] of parts.entries()) {
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: index + 1, Body: body }),
    );
    uploaded.push({ PartNumber: index + 1, ETag });
  }
  return { UploadId, uploaded };
}

describe('multipart uploads', () => {
  it("the report files' streamed upload (5 MiB parts) makes the object it was given, and notifies once", async () => {
    const body = randomBytes(11 * MiB);
    const chunks = [body.subarray(0, 4 * MiB), body.subarray(4 * MiB, 9 * MiB), body.subarray(9 * MiB)];

    await createS3ReportFiles({ bucket: Bucket, client }).upload('big.csv', chunks as never, 'text/csv');

    expect((await read('big.csv')).equals(body)).toBe(true);
    expect(created.map((entry) => [entry.object.key, entry.object.size, entry.eventName])).toEqual([
      ['big.csv', 11 * MiB, 'ObjectCreated:CompleteMultipartUpload'],
    ]);
  });

  it('refuses to complete with a part under 5 MiB that is not the last (EntityTooSmall)', async () => {
    const { UploadId, uploaded } = await uploadParts('small.bin', [randomBytes(MiB), randomBytes(10)]);

    const error = await rejectionOf(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'small.bin',
          UploadId,
          MultipartUpload: { Parts: uploaded },
        }),
      ),
    );

    expect(S3_MULTIPART_LIMITS.minPartBytes).toBe(5 * MiB);
    expect(error.name).toBe('EntityTooSmall');
    expect(created).toEqual([]);
  });

  it('takes a last part of any size, and makes the object of the parts listed only', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(3)];
    const { UploadId, uploaded } = await uploadParts('listed.bin', parts);

    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'listed.bin',
        UploadId,
        MultipartUpload: { Parts: [uploaded[0], uploaded[2]] as never },
      }),
    );

    expect((await read('listed.bin')).equals(Buffer.concat([parts[0] as Buffer, parts[2] as Buffer]))).toBe(
      true,
    );
  });

  it('refuses parts out of order (InvalidPartOrder) and a part whose ETag is not its own (InvalidPart)', async () => {
    const { UploadId, uploaded } = await uploadParts('order.bin', [randomBytes(5 * MiB), randomBytes(5)]);
    const [first, second] = uploaded as [
      { PartNumber: number; ETag: string },
      { PartNumber: number; ETag: string },
    ];

    const outOfOrder = await rejectionOf(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'order.bin',
          UploadId,
          MultipartUpload: { Parts: [second, first] },
        }),
      ),
    );
    const wrongTag = await rejectionOf(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'order.bin',
          UploadId,
          MultipartUpload: { Parts: [first, { PartNumber: 2, ETag: first.ETag }] },
        }),
      ),
    );

    expect(outOfOrder.name).toBe('InvalidPartOrder');
    expect(wrongTag.name).toBe('InvalidPart');
  });

  it('numbers parts 1 to 10,000 (InvalidArgument beyond)', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'many.bin' }));

    const error = await rejectionOf(
      client.send(
        new UploadPartCommand({
          Bucket,
          Key: 'many.bin',
          UploadId,
          PartNumber: 10_001,
          Body: Buffer.from('x'),
        }),
      ),
    );

    expect(error.name).toBe('InvalidArgument');
  });
});

describe('presigned URLs', () => {
  beforeAll(async () => {
    await client.send(
      new PutObjectCommand({ Bucket, Key: 'report.csv', Body: 'a,b\n1,2\n', ContentType: 'text/csv' }),
    );
  });

  it('a presigned download (as the API hands it out) gets the object as an attachment', async () => {
    const url = await presignedDownload(client, Bucket, 'report.csv', 'Übersicht.csv');

    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('a,b\n1,2\n');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Ubersicht.csv"; filename*=UTF-8''%C3%9Cbersicht.csv`,
    );
  });

  it('refuses a URL whose signature does not match, or whose time is up', async () => {
    const url = new URL(await presignedDownload(client, Bucket, 'report.csv', 'r.csv'));
    url.searchParams.set('response-content-disposition', 'inline');
    const expired = await getSignedUrl(client, new GetObjectCommand({ Bucket, Key: 'report.csv' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });

    const tampered = await fetch(url);
    const late = await fetch(expired);

    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Message>Request has expired</Message>');
  });

  it('an attachment upload URL takes the signed type and size only', async () => {
    const store = createS3AttachmentStore({ bucket: 'attachments', client });
    const { url } = await store.uploadUrl({ key: 'doc.pdf', contentType: 'application/pdf', size: 4 });

    const otherType = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: 'evil',
    });
    const signed = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: '%PDF',
    });

    expect(otherType.status).toBe(403);
    expect(signed.status).toBe(200);
    expect(await store.describe('doc.pdf')).toEqual({ contentType: 'application/pdf', size: 4 });
  });
});
