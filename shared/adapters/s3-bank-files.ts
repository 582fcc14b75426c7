import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BankFileObjects } from '../ports/bank-files.js';
import { platformS3Client } from './s3.js';

/**
 * The bank files bucket (D72). Files out stream through a multipart upload and files in are read as
 * a stream: a pain.001 of 100,000 transfers or a day's camt.053 never sits in memory whole.
 */
export function createS3BankFiles(config: { bucket: string; client?: S3Client }): BankFileObjects {
  const client = config.client ?? platformS3Client();
  const Bucket = config.bucket;
  return {
    async write(key, chunks) {
      const upload = new Upload({
        client,
        params: {
          Bucket,
          Key: key,
          Body: Readable.from(chunks),
          ContentType: 'application/xml; charset=utf-8',
        },
        partSize: 5 * 1024 * 1024,
        queueSize: 4,
      });
      await upload.done();
    },
    async *read(key) {
      const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      const body = object.Body as AsyncIterable<Uint8Array> | undefined;
      if (body) yield* body;
    },
  };
}
