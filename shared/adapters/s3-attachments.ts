import { HeadObjectCommand, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AttachmentStore } from '../ports/portal.js';
import { PRESIGNED_URL_SECONDS, platformS3Client, presignedDownload } from './s3.js';

/**
 * Attachments in a private S3 bucket. Uploads are presigned PUTs with the content type and length
 * signed, so S3 itself refuses a file of another type or size than the one the API checked.
 */
export function createS3AttachmentStore(config: { bucket: string; client?: S3Client }): AttachmentStore {
  const client = config.client ?? platformS3Client();
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
        expiresIn: PRESIGNED_URL_SECONDS,
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      return {
        url,
        headers: { 'content-type': contentType },
        expiresAt: new Date(Date.now() + PRESIGNED_URL_SECONDS * 1000).toISOString(),
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

    downloadUrl: (key, filename) => presignedDownload(client, Bucket, key, filename),
  };
}
