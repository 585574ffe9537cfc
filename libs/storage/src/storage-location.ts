import type { Readable, Writable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  /** Lowercase hex SHA-256 of the bytes stored. */
  sha256: string;
}

/**
 * A complete, durable object that is not yet visible under its key: whatever the key holds stays
 * there, untouched, until promote(). The store announces the new object in between, so that a
 * failure to announce it never costs the copy that was already there.
 */
export interface StagedObject extends StoredObject {
  /** Makes the object visible under its key, replacing what was there (file: rename; S3: copy). */
  promote(): Promise<void>;
  /** Removes the staged bytes; the key keeps what it had. Safe to call twice, and after promote() failed. */
  discard(): Promise<void>;
}

export interface ObjectWriter<Committed extends StoredObject = StoredObject> {
  /** Write the object's bytes here; honours backpressure (write() false → wait 'drain'). */
  readonly stream: Writable;
  /**
   * Finish: the object becomes visible under its key only now, complete and durable (file: fsync
   * file + directory, rename; S3: CompleteMultipartUpload / PutObject done).
   */
  commit(): Promise<Committed>;
  /**
   * Give up: nothing becomes visible, temp file removed / multipart upload aborted. Safe to call after
   * an error, twice, or after commit failed; a no-op after a successful commit. Rejects (with
   * StorageUnavailableError) only when the clean-up itself could not be confirmed.
   */
  abort(reason?: Error): Promise<void>;
}

export interface StorageLocation {
  readonly kind: 'file' | 's3';
  /** For logs: no credentials. */
  readonly description: string;
  createWriter(key: string, options?: { contentType?: string }): ObjectWriter;
  /**
   * A writer for an object that is to replace the one at `key` only once the caller says so: its
   * commit() stages the object (complete, durable, not visible) and returns it with promote().
   */
  createReplacement(key: string, options?: { contentType?: string }): ObjectWriter<StagedObject>;
  /** Streams the object; rejects with ObjectNotFoundError when there is none. */
  openReader(key: string): Promise<Readable>;
  head(key: string): Promise<{ size: number } | null>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Readiness probe: can we reach and write to the location? */
  check(): Promise<void>;
}
