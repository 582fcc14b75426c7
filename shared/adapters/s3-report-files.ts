import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ReportFiles } from '../ports/report-store.js';

/** Download links live this long: enough to start a download, too short to share. */
const URL_SECONDS = 300;

/**
 * Report files in a private S3 bucket. Uploads stream through `@aws-sdk/lib-storage` (multipart in
 * 5 MB parts, 4 in flight): the worker's memory stays flat whatever the number of rows.
 */
export function createS3ReportFiles(config: { bucket: string; client?: S3Client }): ReportFiles {
  const client =
    config.client ??
    new S3Client({
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
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
    downloadUrl: (key, filename) =>
      getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: key,
          ResponseContentDisposition: `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`,
        }),
        { expiresIn: URL_SECONDS },
      ),
  };
}
