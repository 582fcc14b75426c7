import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ReportFiles } from '../ports/report-store.js';

/** The S3 SDK this adapter uses, loaded once, on first use. */
async function loadS3() {
  const [{ PutObjectCommand }, { Upload }, { platformS3Client, presignedDownload }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/lib-storage'),
    import('./s3.js'),
  ]);
  return { PutObjectCommand, Upload, platformS3Client, presignedDownload };
}

/**
 * Report files in a private S3 bucket. Uploads stream through `@aws-sdk/lib-storage` (multipart in
 * 5 MB parts, 4 in flight): the worker's memory stays flat whatever the number of rows.
 *
 * The S3 client, `lib-storage` and the presigner are loaded on first use, not at cold start (issue
 * 23): most requests of the functions that wire reports never touch the bucket (create, list, the
 * daily schedule, a report not ready yet), and loading them cost those functions ~100 ms of module
 * init. A request that does use the bucket pays that once per instance.
 */
export function createS3ReportFiles(config: { bucket: string; client?: S3Client }): ReportFiles {
  const Bucket = config.bucket;
  let loaded: Promise<{ s3: Awaited<ReturnType<typeof loadS3>>; client: S3Client }> | undefined;
  const ready = () => {
    if (!loaded) {
      loaded = loadS3().then((s3) => ({ s3, client: config.client ?? s3.platformS3Client() }));
      // A failed load is not kept: the next use tries again.
      loaded.catch(() => {
        loaded = undefined;
      });
    }
    return loaded;
  };
  return {
    async upload(key, body, contentType) {
      const { s3, client } = await ready();
      const upload = new s3.Upload({
        client,
        params: { Bucket, Key: key, Body: Readable.from(body), ContentType: contentType },
        partSize: 5 * 1024 * 1024,
        queueSize: 4,
      });
      await upload.done();
    },
    async put(key, body, contentType) {
      const { s3, client } = await ready();
      await client.send(new s3.PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async downloadUrl(key, filename) {
      const { s3, client } = await ready();
      return s3.presignedDownload(client, Bucket, key, filename);
    },
  };
}
