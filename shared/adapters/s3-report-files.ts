import { Readable } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ReportFiles } from '../ports/report-store.js';
import { platformS3Client, presignedDownload } from './s3.js';

/**
 * Report files in a private S3 bucket. Uploads stream through `@aws-sdk/lib-storage` (multipart in
 * 5 MB parts, 4 in flight): the worker's memory stays flat whatever the number of rows.
 */
export function createS3ReportFiles(config: { bucket: string; client?: S3Client }): ReportFiles {
  const client = config.client ?? platformS3Client();
  const Bucket = config.bucket;
  return {
    async upload(key, body, contentType) {
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: Readable.from(body), ContentType: contentType },
        partSize: 5 * 1024 * 1024,
        queueSize: 4,
      });
      await upload.done();
    },
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
    },
    downloadUrl: (key, filename) => presignedDownload(client, Bucket, key, filename),
  };
}
