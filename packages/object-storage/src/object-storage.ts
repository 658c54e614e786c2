import type { Readable } from 'node:stream';

/** Object storage: MinIO or any S3 endpoint in production, files on disk embedded. */
export interface ObjectInfo {
  size: number;
  /** Quoted, strong entity tag of the content. */
  etag: string;
  contentType: string;
  lastModified: Date;
}

/** Inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ObjectStorage {
  readonly kind: 'filesystem' | 's3';
  /** Creates the bucket when it does not exist yet. */
  ensureBucket(bucket: string): Promise<void>;
  putObject(bucket: string, key: string, body: Buffer, contentType: string): Promise<ObjectInfo>;
  /**
   * Writes an object of unknown length from a stream, never holding it whole in memory (an
   * import's zip, an export). All or nothing: a stream that fails leaves no object under `key`
   * (and an older one there untouched).
   */
  putObjectStream(bucket: string, key: string, body: Readable, contentType: string): Promise<ObjectInfo>;
  /** The whole object; throws ObjectNotFoundError when absent. */
  getObject(bucket: string, key: string): Promise<Buffer>;
  /** A stream of the object or of one byte range of it; throws ObjectNotFoundError when absent. */
  openObject(bucket: string, key: string, range?: ByteRange): Promise<Readable>;
  /** Metadata, or undefined when the object does not exist. */
  statObject(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** Removes the object; removing a missing object is not an error. */
  deleteObject(bucket: string, key: string): Promise<void>;
  listObjects(bucket: string, prefix?: string): AsyncIterable<ListedObject>;
  /** Throws when the storage cannot be reached. */
  ping(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`No object ${key} in bucket ${bucket}`);
  }
}

/** Bucket names follow S3's rules on every implementation, so a name that works embedded works on S3. */
export function assertValidBucket(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new Error(`Invalid bucket name ${JSON.stringify(bucket)}: expected 3-63 lowercase letters, digits, dots and hyphens`);
  }
}

/** A range must be whole, non-negative byte offsets with the end not before the start. */
export function assertValidRange(range: ByteRange): void {
  if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start < 0 || range.end < range.start) {
    throw new RangeError(`Invalid byte range ${range.start}-${range.end}`);
  }
}

/** Keys are relative, slash-separated paths of safe characters; nothing may escape a bucket. */
export function assertValidKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/.test(key) || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`Invalid object key ${JSON.stringify(key)}`);
  }
}
