/** Key segments: portable file names, safe in URLs and S3 keys without escaping. */
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** S3's limit on key length; we apply it to both kinds of location so that keys move between them. */
export const MAX_KEY_BYTES = 1024;

/** The file location keeps its temporary files here; no caller key may reach into it. */
export const RESERVED_TOP_SEGMENT = '.incoming';

/**
 * The problem with `key`, or undefined when it is a valid object key: relative, `/`-separated segments
 * of `[A-Za-z0-9._-]+`, no `.` or `..` segment, no empty segment (so no leading, trailing or double `/`),
 * at most 1024 bytes, and not under the reserved `.incoming/`.
 * Keys become file paths: these rules are what keeps a write inside the location's root.
 */
export function validateObjectKey(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'key is empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `key is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'key must be relative (no leading "/")';
  if (key.endsWith('/')) return 'key must not end with "/"';
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') return 'key must not contain "//"';
    if (segment === '.' || segment === '..') return 'key must not contain "." or ".." segments';
    if (!SEGMENT.test(segment)) return 'key segments may only contain A-Z a-z 0-9 . _ -';
  }
  if (segments[0] === RESERVED_TOP_SEGMENT) return `keys under "${RESERVED_TOP_SEGMENT}/" are reserved`;
  return undefined;
}
