import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { Client, S3Error, type BucketItem, type ClientOptions } from 'minio';
import { GlimpseError } from '@glimpse/errors';
import type { ByteRange, ListedObject, ObjectInfo, ObjectStorage } from './object-storage';
import { ObjectNotFoundError, assertValidBucket, assertValidKey, assertValidRange } from './object-storage';

export interface S3StorageOptions {
  /** Where the S3 API answers, e.g. `http://127.0.0.1:9000` or `https://s3.eu-west-1.amazonaws.com`. */
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  /** Bucket in the path instead of the host name, as MinIO and most self-hosted S3 want. Default true. */
  forcePathStyle?: boolean;
  /** How long a request may wait for a connection, or for the next byte, before it fails. Default 10 s. */
  timeoutMs?: number;
  /** The part size of streamed writes of unknown length (putObjectStream). Default 16 MB; S3 takes at least 5 MiB. */
  streamPartBytes?: number;
}

/**
 * The part size of a stream of unknown length (putObjectStream): at most one part is held in
 * memory, and S3's 10,000 parts reach 160 GB.
 */
const STREAM_PART_BYTES = 16 * 1024 * 1024;
const MIN_PART_BYTES = 5 * 1024 * 1024;

/** Network failures: the storage could not be reached or stopped answering. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);
/** S3 answers meaning "no such object" (HEAD answers carry no body, hence NotFound). */
const missingCodes = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);

function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && unreachableCodes.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnreachable);
  // How the client reports a 5xx answer (a proxy in front of S3 with nothing behind it, a MinIO still starting).
  return /Retryable HTTP status|Request failed after/.test(error.message);
}

/** Node's AggregateError (both address families refused) has a code but no message. */
function reasonOf(error: unknown): string {
  const { message, code } = error as NodeJS.ErrnoException;
  return message || code || String(error);
}

const isMissing = (error: unknown) => error instanceof S3Error && missingCodes.has(error.code ?? '');

/**
 * A transport whose every request fails after `timeoutMs` without a connection or a byte,
 * so a stopped or frozen MinIO turns into an error instead of a request that hangs forever.
 * The limit is on silence, not on the whole transfer: a large object may take longer.
 */
function boundedTransport(secure: boolean, timeoutMs: number): NonNullable<ClientOptions['transport']> {
  const base = secure ? https : http;
  const request = (options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void) => {
    const outgoing = base.request({ ...options, timeout: timeoutMs }, callback);
    outgoing.on('timeout', () => {
      outgoing.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    return outgoing;
  };
  return { request } as unknown as NonNullable<ClientOptions['transport']>;
}

const isStaleConnection = (error: unknown) => {
  const code = (error as { code?: string } | null)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' || (error instanceof Error && error.message === 'socket hang up');
};

/** S3 ETags come quoted or not depending on the client and the call; ours are always quoted. */
const quoteEtag = (etag: string) => `"${etag.replace(/^"+|"+$/g, '')}"`;

/** Objects in MinIO or any S3-compatible service, through the official `minio` client. */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  const partBytes = options.streamPartBytes ?? STREAM_PART_BYTES;
  if (!Number.isInteger(partBytes) || partBytes < MIN_PART_BYTES) throw new Error(`S3 streamPartBytes ${partBytes}: expected a whole number of bytes, at least ${MIN_PART_BYTES} (5 MiB, S3's smallest part)`);
  const url = new URL(options.endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`S3 endpoint ${options.endpoint}: expected an http:// or https:// URL`);
  if (url.pathname !== '/' || url.search) throw new Error(`S3 endpoint ${options.endpoint}: expected no path, only scheme, host and port`);
  const secure = url.protocol === 'https:';
  const where = `${url.protocol}//${url.host}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clientOptions: ClientOptions = {
    endPoint: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    useSSL: secure,
    region: options.region,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    pathStyle: options.forcePathStyle ?? true,
    transport: boundedTransport(secure, timeoutMs),
    transportAgent: secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }),
    // Retrying is the callers' business (workers retry jobs with backoff); the client's own
    // retry would also write unstructured lines to the console.
    retryOptions: { disableRetry: true },
  };
  const client = new Client(clientOptions);
  /** Buckets this process has ensured: ping checks one of them, which needs no account-wide permission. */
  const knownBuckets = new Set<string>();

  const unavailable = (reason: string, cause?: unknown) =>
    new GlimpseError('STORAGE_UNAVAILABLE', `Object storage is unavailable at ${where}: ${reason}`, undefined, { cause });

  const translate = (error: unknown) => (isUnreachable(error) ? unavailable(reasonOf(error), error) : error);

  /**
   * Every call made through here is idempotent (puts of whole buffers under fixed keys,
   * reads, deletes), so one immediate retry is safe. It covers a kept-alive connection the
   * server closed while it sat idle: the first write into it fails with EPIPE/ECONNRESET.
   */
  async function reach<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!isStaleConnection(error)) throw translate(error);
      try {
        return await run();
      } catch (again) {
        throw translate(again);
      }
    }
  }

  async function open(bucket: string, key: string, range?: ByteRange): Promise<Readable> {
    assertValidBucket(bucket);
    assertValidKey(key);
    if (range) assertValidRange(range);
    try {
      return range
        ? await client.getPartialObject(bucket, key, range.start, range.end - range.start + 1)
        : await client.getObject(bucket, key);
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(bucket, key);
      throw translate(error);
    }
  }

  return {
    kind: 's3',
    async ensureBucket(bucket) {
      assertValidBucket(bucket);
      await reach(async () => {
        if (await client.bucketExists(bucket)) return;
        try {
          await client.makeBucket(bucket, options.region);
        } catch (error) {
          // Another replica created it between our check and our request.
          if (!(error instanceof S3Error && error.code === 'BucketAlreadyOwnedByYou')) throw error;
        }
      });
      knownBuckets.add(bucket);
    },
    async putObject(bucket, key, body, contentType) {
      assertValidBucket(bucket);
      assertValidKey(key);
      const { etag } = await reach(() => client.putObject(bucket, key, body, body.length, { 'Content-Type': contentType }));
      return { size: body.length, etag: quoteEtag(etag), contentType, lastModified: new Date() };
    },
    async putObjectStream(bucket, key, body, contentType) {
      assertValidBucket(bucket);
      assertValidKey(key);
      // Read in parts of `streamPartBytes`, sent one at a time (at most one part in memory); a
      // stream shorter than one part is a plain PUT. S3 shows the object only once the upload is
      // completed, and a source that fails aborts it, so nothing is left, not even its parts.
      // Not retried: a stream cannot be read twice.
      const headers = { 'Content-Type': contentType };
      const parts: { part: number; etag: string }[] = [];
      let uploadId: string | undefined;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let size = 0;
      const sendPart = async (part: Buffer) => {
        uploadId ??= await client.initiateNewMultipartUpload(bucket, key, headers);
        const partNumber = parts.length + 1;
        const { etag } = await client.uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber, headers: { 'Content-Length': part.length } }, part);
        parts.push({ part: partNumber, etag });
      };
      try {
        for await (const chunk of body as AsyncIterable<Buffer | string>) {
          const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          pending.push(buffer);
          pendingBytes += buffer.length;
          size += buffer.length;
          if (pendingBytes < partBytes) continue;
          let all = Buffer.concat(pending);
          while (all.length >= partBytes) {
            await sendPart(all.subarray(0, partBytes));
            all = all.subarray(partBytes);
          }
          pending = all.length > 0 ? [all] : [];
          pendingBytes = all.length;
        }
        const last = Buffer.concat(pending);
        if (uploadId === undefined) {
          const { etag } = await client.putObject(bucket, key, last, last.length, headers);
          return { size, etag: quoteEtag(etag), contentType, lastModified: new Date() };
        }
        if (last.length > 0) await sendPart(last);
        const { etag } = await client.completeMultipartUpload(bucket, key, uploadId, parts);
        return { size, etag: quoteEtag(etag), contentType, lastModified: new Date() };
      } catch (error) {
        body.destroy();
        if (uploadId !== undefined) await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
        throw translate(error);
      }
    },
    async getObject(bucket, key) {
      const stream = await open(bucket, key);
      return reach(async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      });
    },
    openObject: open,
    async statObject(bucket, key): Promise<ObjectInfo | undefined> {
      assertValidBucket(bucket);
      assertValidKey(key);
      try {
        const stat = await client.statObject(bucket, key);
        const contentType = stat.metaData['content-type'] as string | undefined;
        return { size: stat.size, etag: quoteEtag(stat.etag), contentType: contentType ?? 'application/octet-stream', lastModified: stat.lastModified };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw translate(error);
      }
    },
    async deleteObject(bucket, key) {
      assertValidBucket(bucket);
      assertValidKey(key);
      await reach(async () => {
        try {
          await client.removeObject(bucket, key);
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      });
    },
    listObjects(bucket, prefix = '') {
      assertValidBucket(bucket);
      return {
        async *[Symbol.asyncIterator](): AsyncIterator<ListedObject> {
          try {
            for await (const item of client.listObjectsV2(bucket, prefix, true) as AsyncIterable<BucketItem>) {
              if (item.name !== undefined) yield { key: item.name, size: item.size, lastModified: item.lastModified };
            }
          } catch (error) {
            if (isMissing(error)) return;
            throw translate(error);
          }
        },
      };
    },
    async ping() {
      const [bucket] = knownBuckets;
      try {
        if (bucket) {
          if (!(await client.bucketExists(bucket))) throw new Error(`bucket ${bucket} does not exist`);
          return;
        }
        // Credentials scoped to some buckets may not list them all; an answer is enough to know it is up.
        await client.listBuckets().catch((error: unknown) => {
          if (!(error instanceof S3Error && error.code === 'AccessDenied')) throw error;
        });
      } catch (error) {
        // For readiness, wrong credentials or a missing bucket make storage as unusable as a closed port.
        throw unavailable(reasonOf(error), error);
      }
    },
  };
}
