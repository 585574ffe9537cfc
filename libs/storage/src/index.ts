export { createStorageLocation, type StorageLocationOptions } from './create-storage-location';
export { InvalidKeyError, ObjectNotFoundError, StorageUnavailableError } from './errors';
export type { FileLocationOptions } from './file-location';
export { MAX_KEY_BYTES, validateObjectKey } from './keys';
export { MIN_PART_SIZE, type S3LocationOptions } from './s3-location';
export type { ObjectWriter, StagedObject, StorageLocation, StoredObject } from './storage-location';
