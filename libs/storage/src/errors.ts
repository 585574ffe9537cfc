/** The key breaks the rules of `validateObjectKey`; retrying will not help. */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
}

/** `openReader` of a key that holds no object. */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
}

/**
 * The location cannot serve the request now (network, 5xx, throttling, disk full, permissions…).
 * The message is short and free of credentials so that it can go into a DICOM Error Comment
 * (PS3.7 C.4.2.1.3, at most 64 characters; the caller truncates).
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

/** Node system errors that say "the filesystem cannot do this now", mapped to a short reason. */
const FILESYSTEM_REASONS: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only filesystem',
  EIO: 'I/O error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOENT: 'directory missing',
  ENOTDIR: 'not a directory',
  EBUSY: 'resource busy',
  ESTALE: 'stale file handle',
};

/** Wrap a filesystem failure as StorageUnavailableError; anything that is not a system error passes unchanged. */
export function filesystemError(operation: string, error: unknown): Error {
  if (error instanceof StorageUnavailableError || error instanceof ObjectNotFoundError) return error;
  const code = systemErrorCode(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  const reason = FILESYSTEM_REASONS[code] ?? 'filesystem error';
  return new StorageUnavailableError(`storage ${operation} failed: ${reason} (${code})`, { cause: error });
}

export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
