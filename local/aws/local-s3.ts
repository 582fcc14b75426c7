import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { readBody } from '../read-body.js';

interface StoredObject {
  contentType: string;
  body: Buffer;
  lastModified: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The parts of a SigV4 signature, from the query (presigned URL) or the Authorization header. */
function signatureOf(request: IncomingMessage, query: URLSearchParams) {
  const presigned = query.get('X-Amz-Signature');
  if (presigned) {
    return {
      presigned: true,
      signature: presigned,
      credential: query.get('X-Amz-Credential') ?? '',
      signedHeaders: query.get('X-Amz-SignedHeaders') ?? '',
      amzDate: query.get('X-Amz-Date') ?? '',
      expiresSeconds: Number(query.get('X-Amz-Expires') ?? '0'),
      payloadHash: 'UNSIGNED-PAYLOAD',
    };
  }
  const header = String(request.headers.authorization ?? '');
  const match = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
    header,
  );
  if (!match) throw new S3Error(403, 'AccessDenied', 'Anonymous access is not allowed: sign the request.');
  return {
    presigned: false,
    signature: match[3] as string,
    credential: match[1] as string,
    signedHeaders: match[2] as string,
    amzDate: String(request.headers['x-amz-date'] ?? ''),
    expiresSeconds: 900,
    payloadHash: String(request.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD'),
  };
}

/**
 * Verifies a request's AWS Signature V4 as S3 does (the canonical request rebuilt from what arrived),
 * so a presigned PUT with another content type or length than the one signed is refused here too.
 */
function verifySignature(request: IncomingMessage, url: URL, secrets: Record<string, string>): void {
  const parts = signatureOf(request, url.searchParams);
  const [accessKeyId, ...scope] = parts.credential.split('/');
  const secret = secrets[accessKeyId ?? ''];
  if (!secret) throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS access key id does not exist.');
  const signedAt = Date.parse(
    parts.amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (Number.isNaN(signedAt)) throw new S3Error(403, 'AccessDenied', 'The request has no valid X-Amz-Date.');
  if (Date.now() > signedAt + parts.expiresSeconds * 1000)
    throw new S3Error(403, 'AccessDenied', 'Request has expired');

  const canonicalQuery = [...url.searchParams]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headerNames = parts.signedHeaders.split(';');
  const canonicalHeaders = headerNames
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const rawPath = (request.url ?? '/').split('?')[0] as string;
  const canonicalRequest = [
    request.method,
    rawPath,
    canonicalQuery,
    canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', parts.amzDate, scope.join('/'), sha256(canonicalRequest)].join(
    '\n',
  );
  const [date, region, service] = scope as [string, string, string];
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(parts.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  }
}

/**
 * S3's multipart limits (User Guide, "Amazon S3 multipart upload limits"): parts numbered 1 to
 * 10,000, each at least 5 MiB but the last.
 */
export const S3_MULTIPART_LIMITS = { minPartBytes: 5 * 1024 * 1024, maxParts: 10_000 } as const;

/** The parts a CompleteMultipartUpload request lists, in the order given. */
function listedParts(xmlBody: string): { partNumber: number; etag: string }[] {
  return [...xmlBody.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, part]) => ({
    partNumber: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(part ?? '')?.[1] ?? Number.NaN),
    etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(part ?? '')?.[1] ?? '').replace(/&quot;|"/g, ''),
  }));
}

/**
 * The object a CompleteMultipartUpload makes, as S3 builds it: the parts the request lists (others
 * uploaded are discarded), in ascending order, each with the ETag its upload returned, and every
 * listed part but the last at least 5 MiB.
 */
function completeParts(parts: Map<number, Buffer>, xmlBody: string): Buffer {
  const listed = listedParts(xmlBody);
  if (listed.length === 0)
    throw new S3Error(
      400,
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  if (listed.some(({ partNumber }, index) => index > 0 && partNumber <= (listed[index - 1]?.partNumber ?? 0)))
    throw new S3Error(
      400,
      'InvalidPartOrder',
      'The list of parts was not in ascending order. Parts must be ordered by part number.',
    );
  const bodies = listed.map(({ partNumber, etag }) => {
    const body = parts.get(partNumber);
    if (!body || etagOf(body).replace(/"/g, '') !== etag)
      throw new S3Error(
        400,
        'InvalidPart',
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      );
    return body;
  });
  if (bodies.slice(0, -1).some((body) => body.length < S3_MULTIPART_LIMITS.minPartBytes))
    throw new S3Error(
      400,
      'EntityTooSmall',
      'Your proposed upload is smaller than the minimum allowed object size.',
    );
  return Buffer.concat(bodies);
}

const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

/**
 * A body sent with `Content-Encoding: aws-chunked` (the AWS CLI and SDKs streaming with a trailing
 * checksum): `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n` → the data.
 */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) throw new S3Error(400, 'IncompleteBody', 'The aws-chunked body ends mid-chunk.');
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0] as string, 16);
    if (Number.isNaN(size)) throw new S3Error(400, 'InvalidRequest', 'The aws-chunked body is malformed.');
    if (size === 0) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

async function objectBody(request: IncomingMessage): Promise<Buffer> {
  const raw = await readBody(request);
  const chunked =
    String(request.headers['content-encoding'] ?? '').includes('aws-chunked') ||
    String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  return chunked ? decodeAwsChunked(raw) : raw;
}

/** What S3 tells an event notification's destination of a new object. */
export interface CreatedObject {
  bucket: string;
  key: string;
  size: number;
  /** Without quotes, as in S3's event records. */
  eTag: string;
}

/** An S3 event notification (`ObjectCreated:*`), as S3 sends it to an SQS destination. */
export function objectCreatedNotification(object: CreatedObject, eventName: string): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName,
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: object.bucket, arn: `arn:aws:s3:::${object.bucket}` },
          // S3 URL-encodes keys in notifications, a space as `+`.
          object: {
            key: encodeURIComponent(object.key).replace(/%20/g, '+').replace(/%2F/g, '/'),
            size: object.size,
            eTag: object.eTag,
            sequencer: Date.now().toString(16).toUpperCase(),
          },
        },
      },
    ],
  });
}

/**
 * A small S3-compatible server for the local runtime: path-style `/{bucket}/{key}` PUT, GET and HEAD,
 * multipart uploads (create, upload part, complete, abort: what `@aws-sdk/lib-storage` uses; with
 * S3's part limits, and the object made of the parts the completion lists), SigV4
 * verification (header-signed SDK calls and presigned URLs alike, with expiry) and CORS for the
 * portal in the browser, `aws-chunked` bodies (the AWS CLI), `If-Match` on GET, and event
 * notifications of new objects (`onObjectCreated`). Objects persist under `dataDir` when given.
 * Development and test infrastructure only: no listing, no versioning.
 */
export function createLocalS3(options: {
  secrets: Record<string, string>;
  dataDir?: string;
  /** Told of every object written (a PUT or a completed multipart upload): event notifications. */
  onObjectCreated?: (object: CreatedObject, eventName: string) => void;
  /**
   * Origins whose pages may call it from a browser (the portal's presigned uploads and downloads), as
   * a bucket's CORS rule allows them; any other page gets no CORS headers.
   */
  allowedOrigins?: () => readonly string[];
}) {
  const objects = new Map<string, StoredObject>();
  const fileOf = (id: string) => join(options.dataDir as string, encodeURIComponent(id));
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });

  function load(id: string): StoredObject | undefined {
    const cached = objects.get(id);
    if (cached || !options.dataDir || !existsSync(`${fileOf(id)}.json`)) return cached;
    const meta = JSON.parse(readFileSync(`${fileOf(id)}.json`, 'utf8')) as Omit<StoredObject, 'body'>;
    return { ...meta, body: readFileSync(fileOf(id)) };
  }

  function store(id: string, object: StoredObject, eventName: string) {
    objects.set(id, object);
    if (options.dataDir) {
      writeFileSync(fileOf(id), object.body);
      writeFileSync(`${fileOf(id)}.json`, JSON.stringify({ ...object, body: undefined }));
    }
    const [bucket, ...key] = id.split('/');
    options.onObjectCreated?.(
      {
        bucket: bucket as string,
        key: key.join('/'),
        size: object.body.length,
        eTag: etagOf(object.body).replace(/"/g, ''),
      },
      eventName,
    );
  }

  /** Multipart uploads in progress: parts by number. */
  const uploads = new Map<string, { id: string; contentType: string; parts: Map<number, Buffer> }>();
  const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>${body}`;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const origin = String(request.headers.origin ?? '');
    const cors: Record<string, string> = (options.allowedOrigins?.() ?? []).includes(origin)
      ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'etag', vary: 'origin' }
      : { vary: 'origin' };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, PUT, HEAD',
        'access-control-allow-headers': String(request.headers['access-control-request-headers'] ?? '*'),
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    try {
      // The key exactly as sent: S3 keys are literal, `..` included (`new URL` would resolve it away).
      const rawPath = (request.url ?? '/').split('?')[0] as string;
      const [, bucket, ...keyParts] = rawPath.split('/');
      const key = keyParts.map(decodeURIComponent).join('/');
      if (!bucket || !key) throw new S3Error(400, 'InvalidRequest', 'Only object requests are emulated.');
      verifySignature(request, url, options.secrets);
      const id = `${bucket}/${key}`;
      const uploadId = url.searchParams.get('uploadId');
      if (request.method === 'POST' && url.searchParams.has('uploads')) {
        const newUpload = randomUUID();
        uploads.set(newUpload, {
          id,
          contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
          parts: new Map(),
        });
        response.writeHead(200, { ...cors, 'content-type': 'application/xml' });
        response.end(
          xml(
            `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${newUpload}</UploadId></InitiateMultipartUploadResult>`,
          ),
        );
        return;
      }
      if (uploadId) {
        const upload = uploads.get(uploadId);
        if (!upload || upload.id !== id)
          throw new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
        if (request.method === 'PUT') {
          const partNumber = Number(url.searchParams.get('partNumber'));
          if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > S3_MULTIPART_LIMITS.maxParts)
            throw new S3Error(
              400,
              'InvalidArgument',
              'Part number must be an integer between 1 and 10000, inclusive',
            );
          const body = await objectBody(request);
          upload.parts.set(partNumber, body);
          response.writeHead(200, { ...cors, etag: etagOf(body) });
          response.end();
          return;
        }
        if (request.method === 'DELETE') {
          uploads.delete(uploadId);
          response.writeHead(204, cors);
          response.end();
          return;
        }
        if (request.method === 'POST') {
          const body = completeParts(upload.parts, (await readBody(request)).toString('utf8'));
          uploads.delete(uploadId);
          store(
            id,
            { contentType: upload.contentType, body, lastModified: new Date().toUTCString() },
            'ObjectCreated:CompleteMultipartUpload',
          );
          response.writeHead(200, { ...cors, 'content-type': 'application/xml' });
          response.end(
            xml(
              `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etagOf(body)}</ETag></CompleteMultipartUploadResult>`,
            ),
          );
          return;
        }
      }
      if (request.method === 'PUT') {
        const body = await objectBody(request);
        const object = {
          contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
          body,
          lastModified: new Date().toUTCString(),
        };
        store(id, object, 'ObjectCreated:Put');
        response.writeHead(200, { ...cors, etag: etagOf(body) });
        response.end();
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD')
        throw new S3Error(405, 'MethodNotAllowed', `${request.method} is not emulated.`);
      const object = load(id);
      if (!object) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      const ifMatch = request.headers['if-match'];
      if (ifMatch && ifMatch.replace(/"/g, '') !== etagOf(object.body).replace(/"/g, ''))
        throw new S3Error(
          412,
          'PreconditionFailed',
          'At least one of the preconditions you specified did not hold.',
        );
      const disposition = url.searchParams.get('response-content-disposition');
      response.writeHead(200, {
        ...cors,
        'content-type': object.contentType,
        'content-length': String(object.body.length),
        'last-modified': object.lastModified,
        etag: etagOf(object.body),
        ...(disposition ? { 'content-disposition': disposition } : {}),
      });
      response.end(request.method === 'HEAD' ? undefined : object.body);
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      response.writeHead(error.status, { ...cors, 'content-type': 'application/xml' });
      response.end(
        request.method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${error.code}</Code><Message>${error.message}</Message></Error>`,
      );
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('[local s3]', error);
      response.writeHead(500);
      response.end();
    });
  });
  return { server };
}
