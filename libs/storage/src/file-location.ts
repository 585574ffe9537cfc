import { createHash, randomUUID, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Writable, finished, type Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { InvalidKeyError, ObjectNotFoundError, StorageUnavailableError, filesystemError, systemErrorCode } from './errors';
import { DEFAULT_HIGH_WATER_MARK } from './hashing-stream';
import { RESERVED_TOP_SEGMENT, validateObjectKey } from './keys';
import type { ObjectWriter, StagedObject, StorageLocation, StoredObject } from './storage-location';

export interface FileLocationOptions {
  /** Bytes buffered on each side of the writer's stream before `write()` returns false. */
  highWaterMark?: number;
  /** `.part` files untouched for this long are a crashed writer's leftovers; default one hour. */
  staleAfterMs?: number;
  /**
   * Opening, closing and renaming a file on a local disk take tens of microseconds, less than a round
   * trip through libuv's thread pool, which an instance would pay six times over. These calls run in
   * line while each stays within this many milliseconds (default 5); the first slower one (a network
   * filesystem, a disk in trouble) moves them to the thread pool for good. 0: always the thread pool.
   * Data writes and fsyncs always go through the thread pool.
   */
  inlineMetadataCallsMs?: number;
  /**
   * Permission bits of new object files and directories (before the process umask): by default
   * owner read-write and group read (0640), directories 0750, never readable by other users.
   */
  fileMode?: number;
  directoryMode?: number;
  /** Told once, when metadata calls move to the thread pool. */
  onSlowMetadataCall?: (detail: { call: string; ms: number }) => void;
  /**
   * A large object is flushed to disk while it is still arriving, each time this many more bytes have
   * been written (default 8 MiB), so that the fdatasync before the answer has only the tail left to
   * write instead of the whole object. 0: only at the end.
   */
  flushBehindBytes?: number;
}

const ONE_HOUR_MS = 60 * 60 * 1000;
const DEFAULT_INLINE_METADATA_CALLS_MS = 5;
const DEFAULT_FLUSH_BEHIND_BYTES = 8 * 1024 * 1024;
export const DEFAULT_FILE_MODE = 0o640;
export const DEFAULT_DIRECTORY_MODE = 0o750;

/**
 * Objects as files under `root`, the key's segments as directories.
 *
 * A writer streams into `<root>/.incoming/<uuid>.part`, on the same filesystem as its target, so that
 * commit is a rename: readers see the old object or the complete new one, never a partial file.
 * The first `check()` (the readiness probe at start-up) removes `.part` files not modified for an hour,
 * left behind by a process that died mid-write; a live writer touches its file on every write.
 */
export class FileStorageLocation implements StorageLocation {
  readonly kind = 'file' as const;
  readonly description: string;
  private readonly incoming: string;
  private sweep: Promise<void> | undefined;
  private readonly metadata: MetadataCalls;
  private readonly renames: DurableRenames;

  constructor(
    private readonly root: string,
    private readonly options: FileLocationOptions = {},
  ) {
    this.description = pathToFileURL(root).href;
    this.incoming = join(root, RESERVED_TOP_SEGMENT);
    this.metadata = new MetadataCalls(
      options.inlineMetadataCallsMs ?? DEFAULT_INLINE_METADATA_CALLS_MS,
      { file: options.fileMode ?? DEFAULT_FILE_MODE, directory: options.directoryMode ?? DEFAULT_DIRECTORY_MODE },
      options.onSlowMetadataCall,
    );
    this.renames = new DurableRenames(this.metadata);
  }

  createWriter(key: string): ObjectWriter {
    return this.writer(key, 'place');
  }

  createReplacement(key: string): ObjectWriter<StagedObject> {
    return this.writer(key, 'stage');
  }

  private writer(key: string, mode: 'place'): FileObjectWriter<StoredObject>;
  private writer(key: string, mode: 'stage'): FileObjectWriter<StagedObject>;
  private writer(key: string, mode: 'place' | 'stage'): FileObjectWriter<StoredObject | StagedObject> {
    const target = this.pathOf(key);
    const temporary = join(this.incoming, `${randomUUID()}.part`);
    const sink = new HashingFileSink(temporary, {
      highWaterMark: this.options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
      flushBehindBytes: this.options.flushBehindBytes ?? DEFAULT_FLUSH_BEHIND_BYTES,
      metadata: this.metadata,
    });
    return new FileObjectWriter(key, target, temporary, sink, this.renames, mode);
  }

  async openReader(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw new ObjectNotFoundError(`no object at key ${key}`);
      }
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(`no object at key ${key}`, { cause: error });
      throw filesystemError('read', error);
    }
    return handle.createReadStream();
  }

  async head(key: string): Promise<{ size: number } | null> {
    const path = this.pathOf(key);
    try {
      const stats = await stat(path);
      return stats.isFile() ? { size: stats.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw filesystemError('stat', error);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      // EISDIR: the key names a directory of other keys, which holds no object of its own.
      if (isMissing(error) || systemErrorCode(error) === 'EISDIR') return;
      throw filesystemError('delete', error);
    }
  }

  async check(): Promise<void> {
    const probe = join(this.incoming, `check-${randomUUID()}.part`);
    try {
      await this.metadata.mkdir(this.incoming);
      const handle = await open(probe, 'wx', this.metadata.modes.file);
      try {
        await handle.write(Buffer.from('ok'));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await unlink(probe);
    } catch (error) {
      await unlink(probe).catch(() => undefined);
      throw filesystemError('check', error);
    }
    this.sweep ??= this.removeStaleParts();
    await this.sweep;
  }

  /** Absolute path of a valid key; the key rules already keep it inside the root, the prefix test is a second lock. */
  private pathOf(key: string): string {
    const problem = validateObjectKey(key);
    if (problem !== undefined) throw new InvalidKeyError(problem);
    const path = join(this.root, ...key.split('/'));
    if (!path.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep)) {
      throw new InvalidKeyError('key leads outside the storage root');
    }
    return path;
  }

  private async removeStaleParts(): Promise<void> {
    const limit = Date.now() - (this.options.staleAfterMs ?? ONE_HOUR_MS);
    const names = await readdir(this.incoming).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.part'))) {
      const path = join(this.incoming, name);
      // Best effort: another replica sharing the volume may be removing the same file.
      const stats = await stat(path).catch(() => undefined);
      if (stats && stats.mtimeMs < limit) await unlink(path).catch(() => undefined);
    }
  }
}

type WriterState = 'open' | 'committing' | 'committed' | 'failed' | 'aborted';

/**
 * `place`: commit renames the finished file over its key. `stage`: commit leaves it, fsynced, under
 * its temporary name and hands back promote() (the same durable rename) and discard().
 */
class FileObjectWriter<Committed extends StoredObject> implements ObjectWriter<Committed> {
  readonly stream: HashingFileSink;
  /** Settles when the sink has finished (file fsynced and closed) or failed: undefined or the failure. */
  private readonly written: Promise<unknown>;
  private state: WriterState = 'open';
  private committing: Promise<Committed> | undefined;
  private aborting: Promise<void> | undefined;

  constructor(
    private readonly key: string,
    private readonly target: string,
    private readonly temporary: string,
    sink: HashingFileSink,
    private readonly renames: DurableRenames,
    private readonly mode: 'place' | 'stage',
  ) {
    this.stream = sink;
    // Failures are reported by commit(); the listener keeps an unobserved 'error' from crashing the process.
    this.stream.on('error', () => undefined);
    this.written = new Promise((resolve) => finished(this.stream, (error) => resolve(error ?? undefined)));
  }

  commit(): Promise<Committed> {
    if (this.state === 'aborted') return Promise.reject(new Error('writer was aborted'));
    this.committing ??= this.finish() as Promise<Committed>;
    return this.committing;
  }

  abort(reason?: Error): Promise<void> {
    this.aborting ??= this.discard(reason);
    return this.aborting;
  }

  private async finish(): Promise<StoredObject | StagedObject> {
    this.state = 'committing';
    let placed = false;
    try {
      if (!this.stream.writableEnded) this.stream.end();
      const failure = await this.written;
      if (failure !== undefined) throw filesystemError('write', failure);
      const object: StoredObject = { key: this.key, size: this.stream.byteCount, sha256: this.stream.sha256() };
      if (this.mode === 'stage') {
        this.state = 'committed';
        return { ...object, promote: () => this.promote(), discard: () => removeFile(this.temporary) };
      }
      // The sink fsynced and closed the file in _final; now make its name durable.
      await this.renames.placeDurably(this.temporary, this.target, () => (placed = true));
      this.state = 'committed';
      return object;
    } catch (error) {
      this.state = 'failed';
      // Renamed but its directory could not be fsynced: the name may not survive a power cut and the
      // caller answers a failure, so the object is withdrawn rather than left visible unannounced.
      await unlink(placed ? this.target : this.temporary).catch(() => undefined);
      throw filesystemError('commit', error);
    }
  }

  /**
   * A staged object's promotion: the same durable rename. Its event is already durable, so once the
   * rename happened the object stays, even if its directory's fsync fails.
   */
  private async promote(): Promise<void> {
    try {
      await this.renames.placeDurably(this.temporary, this.target, () => undefined);
    } catch (error) {
      throw filesystemError('commit', error);
    }
  }

  private async discard(reason?: Error): Promise<void> {
    if (this.committing) {
      const committed = await this.committing.then(
        () => true,
        () => false,
      );
      if (committed) return;
    }
    if (this.state === 'committed') return;
    this.state = 'aborted';
    this.stream.destroy(reason);
    await this.written;
    if (!this.stream.closed) await new Promise((resolve) => this.stream.once('close', resolve));
    await removeFile(this.temporary);
  }
}

/** Unlinks a writer's temporary file; already gone is fine, anything else is reported. */
async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isMissing(error)) {
      throw new StorageUnavailableError(`could not remove ${path}: ${systemErrorCode(error) ?? 'error'}`, { cause: error });
    }
  }
}

/**
 * Writes into a new file (never an existing one: `wx`), computing the SHA-256 and count of exactly the
 * bytes handed to the file in the same pass; fdatasyncs and closes it on end. One stream, no transform
 * in front: a C-STORE of a few kilobytes costs a handful of system calls and little else. A large
 * object is flushed behind the writes as it grows (one fdatasync in flight at a time, never waited
 * for by a write), so the disk works while the network does.
 */
class HashingFileSink extends Writable {
  private fd: number | undefined;
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private digest: string | undefined;
  private readonly path: string;
  private readonly metadata: MetadataCalls;
  private readonly flushBehindBytes: number;
  /** Bytes written since the last flush behind started. */
  private unflushed = 0;
  /** The flush behind in flight; it settles, never rejects: its failure is kept in `flushError`. */
  private flushing: Promise<void> | undefined;
  private flushError: Error | undefined;

  constructor(path: string, options: { highWaterMark: number; flushBehindBytes: number; metadata: MetadataCalls }) {
    super({ highWaterMark: options.highWaterMark });
    this.path = path;
    this.metadata = options.metadata;
    this.flushBehindBytes = options.flushBehindBytes;
  }

  /** Bytes written so far (not `size`/`length`, which stream consumers read as the total length). */
  get byteCount(): number {
    return this.count;
  }

  /** Lowercase hex SHA-256 of every byte written; only once the stream has finished. */
  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    openNew(this.path, this.metadata).then(
      (fd) => {
        this.fd = fd;
        callback();
      },
      (error: unknown) => callback(filesystemError('write', error)),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll([chunk], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeAll(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    const fd = this.fd as number;
    // fdatasync: the data and the file's size, all a reader needs; the name is made durable on commit.
    void this.settledFlush()
      .then(() => syncOutcome(fs.fdatasync, fd))
      .then((finalError) => {
        this.fd = undefined;
        const syncError = this.flushError ?? finalError;
        this.metadata.close(fd).then(
          () => callback(syncError ? filesystemError('fsync', syncError) : null),
          (closeError: unknown) => callback(filesystemError('fsync', syncError ?? closeError)),
        );
      });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return callback(error);
    // Not while a flush behind may still be queued for this descriptor: its number could be reused.
    void this.settledFlush()
      .then(() => this.metadata.close(fd))
      .then(
        () => callback(error),
        () => callback(error),
      );
  }

  private settledFlush(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  /** Starts an fdatasync of what is written so far, once enough has piled up and none is in flight. */
  private flushBehind(written: number): void {
    this.unflushed += written;
    if (this.flushBehindBytes <= 0 || this.flushing || this.unflushed < this.flushBehindBytes) return;
    this.unflushed = 0;
    this.flushing = syncOutcome(fs.fdatasync, this.fd as number).then((error) => {
      if (error) this.flushError ??= error;
      this.flushing = undefined;
    });
  }

  private writeAll(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    const next = (pending: Buffer[]): void => {
      if (pending.length === 0) return callback();
      // writev may write less than asked (signals, quotas); continue from where it stopped.
      fs.writev(this.fd as number, pending, (error, bytesWritten) => {
        if (error) return callback(filesystemError('write', error));
        if (this.flushError) return callback(filesystemError('fsync', this.flushError));
        this.flushBehind(bytesWritten);
        next(dropBytes(pending, bytesWritten));
      });
    };
    next(buffers);
    // Hashed while the thread pool copies the same bytes into the file: neither waits for the
    // other. Writable calls writeAll once at a time, in order, so the digest follows the file.
    for (const buffer of buffers) {
      this.hash.update(buffer);
      this.count += buffer.length;
    }
  }
}

/** Opens a new file for writing, creating the incoming directory on first use. */
async function openNew(path: string, metadata: MetadataCalls): Promise<number> {
  try {
    return await metadata.open(path, 'wx');
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  }
  await metadata.mkdir(dirname(path));
  return metadata.open(path, 'wx');
}

/** An fsync or fdatasync that settles with its error (null when it succeeded) instead of rejecting. */
function syncOutcome(sync: typeof fs.fsync, fd: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => sync(fd, resolve));
}

// Looked up on each call (not bound once), like the in-line calls.
const openAsync = (path: string, flags: string, mode: number): Promise<number> => promisify(fs.open)(path, flags, mode);
const closeAsync = (fd: number): Promise<void> => promisify(fs.close)(fd);

/**
 * Where open, close and rename run: in line on the event loop while each call stays within
 * `limitMs`, then on libuv's thread pool for good (see FileLocationOptions.inlineMetadataCallsMs).
 * Either way the caller gets a promise, so the two are interchangeable.
 */
class MetadataCalls {
  #inline: boolean;

  constructor(
    private readonly limitMs: number,
    /** Permission bits of the files and directories this location creates. */
    readonly modes: { readonly file: number; readonly directory: number },
    private readonly onSlow: FileLocationOptions['onSlowMetadataCall'],
  ) {
    this.#inline = limitMs > 0;
  }

  open(path: string, flags: 'wx' | 'r'): Promise<number> {
    const mode = this.modes.file;
    return this.#call('open', () => fs.openSync(path, flags, mode), () => openAsync(path, flags, mode));
  }

  /** mkdir -p with the directory mode; the first directory it created, as fs.mkdir reports it. */
  mkdir(path: string): Promise<string | undefined> {
    return mkdir(path, { recursive: true, mode: this.modes.directory });
  }

  close(fd: number): Promise<void> {
    return this.#call('close', () => fs.closeSync(fd), () => closeAsync(fd));
  }

  rename(from: string, to: string): Promise<void> {
    return this.#call('rename', () => fs.renameSync(from, to), () => rename(from, to));
  }

  #call<T>(call: string, inline: () => T, pooled: () => Promise<T>): Promise<T> {
    if (!this.#inline) return pooled();
    const started = performance.now();
    try {
      return Promise.resolve(inline());
    } catch (error) {
      return Promise.reject(error as Error);
    } finally {
      const ms = performance.now() - started;
      if (ms > this.limitMs && this.#inline) {
        this.#inline = false;
        this.onSlow?.({ call, ms });
      }
    }
  }
}

function dropBytes(buffers: Buffer[], count: number): Buffer[] {
  let remaining = count;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (remaining >= buffer.length) {
      remaining -= buffer.length;
    } else {
      rest.push(remaining > 0 ? buffer.subarray(remaining) : buffer);
      remaining = 0;
    }
  }
  return rest;
}

/**
 * Renames finished files into place durably, and keeps track of the directories this location
 * created whose names are not durable yet. A writer whose rename found its directory already there
 * waits until whoever created that directory, or any directory above it, has fsynced the parents:
 * otherwise a power loss could take the directory, and the object answered as stored, with it.
 */
class DurableRenames {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly metadata: MetadataCalls) {}

  /**
   * Renames `from` to `to` and makes the new name durable. The directories are created only when the
   * rename says they are missing: most instances join a series whose directory exists. `onRenamed`
   * is told as soon as `to` names the file, before its directory is fsynced.
   */
  async placeDurably(from: string, to: string, onRenamed: () => void): Promise<void> {
    const directory = dirname(to);
    const placed = await this.metadata.rename(from, to).then(
      () => true,
      (error: unknown) => {
        if (systemErrorCode(error) !== 'ENOENT') throw error;
        return false;
      },
    );
    if (placed) {
      onRenamed();
      await this.recorded(directory);
      return this.fsyncDirectory(directory);
    }
    const firstCreated = await this.metadata.mkdir(directory);
    if (firstCreated === undefined) {
      // Someone else created it meanwhile.
      await this.metadata.rename(from, to);
      onRenamed();
      await this.recorded(directory);
      return this.fsyncDirectory(directory);
    }
    // Registered before anything else can run: a rename into these directories now waits for us.
    const dirs = directoriesToSync(directory, firstCreated);
    const created = dirs.slice(0, -1);
    const synced = (async () => {
      await this.metadata.rename(from, to);
      onRenamed();
      for (const dir of dirs) await this.fsyncDirectory(dir);
      await this.recorded(dirname(firstCreated));
    })();
    for (const dir of created) this.pending.set(dir, synced);
    const forget = (): void => {
      for (const dir of created) if (this.pending.get(dir) === synced) this.pending.delete(dir);
    };
    synced.then(forget, forget);
    return synced;
  }

  private async fsyncDirectory(path: string): Promise<void> {
    const fd = await this.metadata.open(path, 'r');
    let syncError: unknown = await syncOutcome(fs.fsync, fd);
    await this.metadata.close(fd).catch((closeError: unknown) => (syncError ??= closeError));
    if (syncError) throw syncError;
  }

  /** Resolves once `dir` and every directory above it that this location created are recorded in their parents. */
  private async recorded(dir: string): Promise<void> {
    if (this.pending.size === 0) return;
    for (let d = dir; d !== dirname(d); d = dirname(d)) await this.pending.get(d);
  }
}

/**
 * The target's directory holds the new name; every directory mkdir created must itself be recorded
 * in its parent, up to the first one that already existed.
 */
function directoriesToSync(directory: string, firstCreated: string | undefined): string[] {
  const dirs = [directory];
  if (firstCreated === undefined) return dirs;
  for (let dir = directory; dir !== dirname(firstCreated) && dir !== dirname(dir); ) {
    dir = dirname(dir);
    dirs.push(dir);
  }
  return dirs;
}

function isMissing(error: unknown): boolean {
  const code = systemErrorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || error instanceof ObjectNotFoundError;
}
