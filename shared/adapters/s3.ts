import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Presigned URLs live this long: enough to upload or download one file, too short to share. */
export const PRESIGNED_URL_SECONDS = 300;

/** The S3 client of the platform's buckets, in AWS and against the local S3 server alike. */
export function platformS3Client(): S3Client {
  return new S3Client({
    // Path-style addressing where an endpoint is set (the local S3 server serves every bucket at one host).
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
    // No checksum of an empty body in presigned URLs: the browser uploads the real body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

/**
 * `Content-Disposition` for a download named `filename`, in any script (RFC 6266): an ASCII
 * `filename` for old clients and the exact name as `filename*` (UTF-8, percent-encoded). A header
 * holds only Latin-1, so a raw "Überweisung-票据.pdf" would break the response.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\%]/g, '_')
    .trim();
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii || 'download'}"; filename*=UTF-8''${encoded}`;
}

/** A presigned GET that downloads as `filename` (content-disposition: attachment). */
export function presignedDownload(
  client: S3Client,
  bucket: string,
  key: string,
  filename: string,
): Promise<string> {
  return getSignedUrl(
    client,
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(filename),
    }),
    { expiresIn: PRESIGNED_URL_SECONDS },
  );
}
