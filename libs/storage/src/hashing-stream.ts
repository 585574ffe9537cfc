import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Bytes each side of a HashingStream may hold before `write()` returns false. */
export const DEFAULT_HIGH_WATER_MARK = 256 * 1024;

/**
 * Passes bytes through unchanged while computing their SHA-256 and count, so that the digest
 * describes exactly the bytes handed to the storage, computed in the same pass (no re-read).
 */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private digest: string | undefined;

  constructor(highWaterMark = DEFAULT_HIGH_WATER_MARK) {
    super({ highWaterMark });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    callback(null, chunk);
  }

  /**
   * Bytes that went through so far. Deliberately not `size` or `length`: lib-storage's Upload takes
   * a Body's `size`/`length` as the total length of the object and would reject the upload.
   */
  get byteCount(): number {
    return this.count;
  }

  /** Lowercase hex SHA-256 of every byte written; only once the writable side has finished. */
  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
