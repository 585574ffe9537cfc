import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Settings } from '@dicom-router/config';
import { FileStorageLocation, type FileLocationOptions } from './file-location';
import { validateObjectKey } from './keys';
import { S3StorageLocation, type S3LocationOptions } from './s3-location';
import type { StorageLocation } from './storage-location';

/** Tuning for tests and benchmarks; production runs on the defaults. */
export type StorageLocationOptions = FileLocationOptions & S3LocationOptions;

/**
 * The StorageLocation named by STORAGE_LOCATION (docs/architecture.md §4): `file:///absolute/path`, a bare
 * absolute path, or `s3://bucket/prefix` with `s3` holding endpoint, region, credentials and addressing.
 */
export function createStorageLocation(
  url: string,
  s3?: S3Settings,
  options: StorageLocationOptions = {},
): StorageLocation {
  if (isAbsolute(url)) return new FileStorageLocation(resolve(url), options);
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol === 'file:') return new FileStorageLocation(resolve(fileURLToPath(parsed)), options);
  if (parsed?.protocol === 's3:' && parsed.hostname !== '') {
    const prefix = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
    const problem = prefix === '' ? undefined : validateObjectKey(prefix);
    if (problem !== undefined) throw new Error(`STORAGE_LOCATION prefix is not usable: ${problem}`);
    return new S3StorageLocation({ bucket: parsed.hostname, prefix }, s3 ?? { forcePathStyle: false }, options);
  }
  throw new Error('STORAGE_LOCATION must be file:///absolute/path, an absolute path or s3://bucket/prefix');
}
