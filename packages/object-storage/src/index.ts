import { join } from 'node:path';
import { createFilesystemStorage } from './filesystem';
import type { ObjectStorage } from './object-storage';

export type { ByteRange, ListedObject, ObjectInfo, ObjectStorage } from './object-storage';
export { ObjectNotFoundError, assertValidKey } from './object-storage';
export { createFilesystemStorage } from './filesystem';

export interface ObjectStorageSettings {
  dataDir: string;
}

/** The embedded default; the S3 adapter joins here when configured. */
export function openObjectStorage(settings: ObjectStorageSettings): ObjectStorage {
  return createFilesystemStorage(join(settings.dataDir, 'objects'));
}
