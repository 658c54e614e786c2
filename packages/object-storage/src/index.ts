import { join } from 'node:path';
import { createFilesystemStorage } from './filesystem';
import type { ObjectStorage } from './object-storage';
import { createS3Storage, type S3StorageOptions } from './s3';

export type { ByteRange, ListedObject, ObjectInfo, ObjectStorage } from './object-storage';
export { ObjectNotFoundError, assertValidBucket, assertValidKey, assertValidRange } from './object-storage';
export { createFilesystemStorage } from './filesystem';
export { createS3Storage, type S3StorageOptions } from './s3';

export interface ObjectStorageSettings {
  dataDir: string;
  /** MinIO or any S3 endpoint; without it, objects are files under `dataDir/objects`. */
  s3?: S3StorageOptions;
}

export function openObjectStorage(settings: ObjectStorageSettings): ObjectStorage {
  if (settings.s3) return createS3Storage(settings.s3);
  return createFilesystemStorage(join(settings.dataDir, 'objects'));
}
