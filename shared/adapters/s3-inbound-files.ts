import { GetObjectCommand, PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { InboundFiles } from '../ports/inbound-files.js';
import { platformS3Client } from './s3.js';

/**
 * The inbound bucket. A file is read as S3 announced it (`If-Match` its ETag): one replaced since
 * answers 412 and is left to its own notification, so an overwrite is never read under the old
 * version's event. One deleted since answers 404 (the worker may list the bucket: without
 * `s3:ListBucket`, S3 would answer 403 and the notification would end in the DLQ).
 */
export function createS3InboundFiles(config: { bucket: string; client?: S3Client }): InboundFiles {
  const client = config.client ?? platformS3Client();
  const Bucket = config.bucket;
  return {
    async read(file) {
      try {
        const object = await client.send(
          new GetObjectCommand({ Bucket, Key: file.key, ...(file.etag ? { IfMatch: file.etag } : {}) }),
        );
        return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      } catch (error) {
        const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
        if (status === 404 || status === 412) return null;
        throw error;
      }
    },
    async writeResult(key, csv) {
      await client.send(
        new PutObjectCommand({ Bucket, Key: key, Body: csv, ContentType: 'text/csv; charset=utf-8' }),
      );
    },
  };
}
