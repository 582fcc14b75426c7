import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AttachmentStore } from '../ports/portal.js';

/** Presigned URLs live this long: enough to upload or download one file, not to share it. */
const URL_SECONDS = 300;

/**
 * Attachments in a private S3 bucket. Uploads are presigned PUTs with the content type and length
 * signed, so S3 itself refuses a file of another type or size than the one the API checked.
 */
export function createS3AttachmentStore(config: { bucket: string; client?: S3Client }): AttachmentStore {
  const client =
    config.client ??
    new S3Client({
      // Path-style addressing where an endpoint is set (the local S3 server serves every bucket at one host).
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      // No checksum of an empty body in presigned URLs: the browser uploads the real body.
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  const Bucket = config.bucket;
  return {
    async uploadUrl({ key, contentType, size }) {
      const command = new PutObjectCommand({
        Bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: size,
      });
      const url = await getSignedUrl(client, command, {
        expiresIn: URL_SECONDS,
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      return {
        url,
        headers: { 'content-type': contentType },
        expiresAt: new Date(Date.now() + URL_SECONDS * 1000).toISOString(),
      };
    },

    async describe(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { contentType: head.ContentType ?? 'application/octet-stream', size: head.ContentLength ?? 0 };
      } catch (error) {
        if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
        throw error;
      }
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
