import fs, { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import { createStorageLocation } from './create-storage-location';
import { InvalidKeyError, ObjectNotFoundError, StorageUnavailableError } from './errors';
import type { StorageLocation } from './storage-location';
import { expectSameBytes, randomChunks, sha256, writeAll } from './test-support/write';

/** The path an open descriptor names, from /proc: how a test tells a directory's fsync from a file's. */
const pathOfFd = (fd: number): string => fs.readlinkSync(`/proc/self/fd/${fd}`);

describe.each([
  ['metadata calls in line', {}],
  ['metadata calls on the thread pool', { inlineMetadataCallsMs: 0 }],
] as const)('file StorageLocation (%s)', (_mode, options) => {
  let parent: string;
  let root: string;
  let location: StorageLocation;

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'storage-'));
    root = join(parent, 'root');
    location = createStorageLocation(pathToFileURL(root).href, undefined, options);
  });

  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  const incomingFiles = async (): Promise<string[]> =>
    existsSync(join(root, '.incoming')) ? readdir(join(root, '.incoming')) : [];

  it('makes the object visible only at commit, with its size and sha256', async () => {
    const writer = location.createWriter('studies/1.2.3/series/4.5/6.7.dcm');
    const data = Buffer.concat([...randomChunks(300_000, 10_000)]);
    await writeAll(writer.stream, [data.subarray(0, 100_000), data.subarray(100_000)]);

    expect(await location.head('studies/1.2.3/series/4.5/6.7.dcm')).toBeNull();
    expect(existsSync(join(root, 'studies'))).toBe(false);

    const stored = await writer.commit();
    expect(stored).toEqual({ key: 'studies/1.2.3/series/4.5/6.7.dcm', size: data.length, sha256: sha256(data) });
    expectSameBytes(await readFile(join(root, 'studies/1.2.3/series/4.5/6.7.dcm')), data);
    expect(await location.head('studies/1.2.3/series/4.5/6.7.dcm')).toEqual({ size: data.length });
    expectSameBytes(await buffer(await location.openReader('studies/1.2.3/series/4.5/6.7.dcm')), data);
    expect(await incomingFiles()).toEqual([]);
    await expect(writer.commit()).resolves.toEqual(stored);
    await expect(writer.abort()).resolves.toBeUndefined();
    expect(await location.head('studies/1.2.3/series/4.5/6.7.dcm')).toEqual({ size: data.length });
  });

  it('answers a second object in a new directory only once the first writer made that directory durable', async () => {
    // The fsync of the study directory (created by the first writer, recorded in `studies`) is held
    // back until released.
    const realFsync = fs.fsync;
    const fsync = jest.spyOn(fs, 'fsync');
    const studies = join(root, 'studies');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldRequested!: () => void;
    const requested = new Promise<void>((resolve) => (heldRequested = resolve));
    const events: string[] = [];
    fsync.mockImplementation(((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      const actual = (): void => realFsync(fd, callback);
      if (pathOfFd(fd) !== studies) return actual();
      heldRequested();
      void held.then(() => {
        events.push('study directory recorded');
        actual();
      });
    }) as typeof fs.fsync);
    try {
      const first = location.createWriter('studies/1.2.9/series/4.5/first.dcm');
      await writeAll(first.stream, [Buffer.from('first')]);
      const firstCommitted = first.commit().then(() => events.push('first committed'));
      await requested;

      const second = location.createWriter('studies/1.2.9/series/4.5/second.dcm');
      await writeAll(second.stream, [Buffer.from('second')]);
      const secondCommitted = second.commit().then(() => events.push('second committed'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events).toEqual([]);

      release();
      await Promise.all([firstCommitted, secondCommitted]);
      expect(events[0]).toBe('study directory recorded');
      expect(events.slice(1).sort()).toEqual(['first committed', 'second committed']);
      expect(await location.head('studies/1.2.9/series/4.5/second.dcm')).toEqual({ size: 6 });
    } finally {
      fsync.mockRestore();
    }
  });

  it('withdraws an object whose directory could not be fsynced after the rename: nothing visible, nothing left over', async () => {
    const realFsync = fs.fsync;
    const fsync = jest.spyOn(fs, 'fsync');
    fsync.mockImplementation(((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      if (!fs.fstatSync(fd).isDirectory()) return realFsync(fd, callback);
      callback(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    }) as typeof fs.fsync);
    try {
      for (const key of ['studies/1.2.3/series/4.5/new-dir.dcm', 'studies/1.2.3/series/4.5/existing-dir.dcm']) {
        const writer = location.createWriter(key);
        await writeAll(writer.stream, [Buffer.from('not durable')]);
        await expect(writer.commit()).rejects.toThrow(/EIO/);
        expect(await location.head(key)).toBeNull();
      }
      expect(await incomingFiles()).toEqual([]);
    } finally {
      fsync.mockRestore();
    }
  });

  it('stores an empty object', async () => {
    const writer = location.createWriter('empty');
    await expect(writer.commit()).resolves.toEqual({ key: 'empty', size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect(await location.head('empty')).toEqual({ size: 0 });
  });

  it('leaves nothing behind on abort, and abort is safe to repeat', async () => {
    const writer = location.createWriter('a/b.dcm');
    await writeAll(writer.stream, randomChunks(1_000_000));
    expect(await incomingFiles()).toHaveLength(1);

    await writer.abort(new Error('peer aborted the association'));
    await writer.abort();

    expect(await location.head('a/b.dcm')).toBeNull();
    expect(existsSync(join(root, 'a'))).toBe(false);
    expect(await incomingFiles()).toEqual([]);
    await expect(writer.commit()).rejects.toThrow(/aborted/);
  });

  it('cleans up on abort after the stream already failed', async () => {
    const writer = location.createWriter('x');
    writer.stream.destroy(new Error('socket reset'));
    await expect(writer.commit()).rejects.toThrow('socket reset');
    await writer.abort();
    await writer.abort();
    expect(await incomingFiles()).toEqual([]);
    expect(await location.head('x')).toBeNull();
  });

  it('replaces an existing object atomically', async () => {
    const first = location.createWriter('k');
    first.stream.end('first version');
    await first.commit();

    const second = location.createWriter('k');
    second.stream.write('second');
    expect((await readFile(join(root, 'k'))).toString()).toBe('first version');
    await second.commit();
    expect((await readFile(join(root, 'k'))).toString()).toBe('second');
  });

  it('runs concurrent writers to different keys without mixing bytes', async () => {
    const payloads = Array.from({ length: 16 }, (_, i) => Buffer.concat([...randomChunks(200_000 + i * 1_000, 7_000)]));
    const writers = payloads.map((_, i) => location.createWriter(`series/${i % 3}/instance-${i}.dcm`));
    // Interleave: every writer gets one slice per round.
    for (let offset = 0; offset < 216_000; offset += 7_000) {
      writers.forEach((writer, i) => {
        const slice = payloads[i].subarray(offset, offset + 7_000);
        if (slice.length > 0) writer.stream.write(slice);
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stored = await Promise.all(writers.map((writer) => writer.commit()));
    for (const [i, object] of stored.entries()) {
      expect(object.sha256).toBe(sha256(payloads[i]));
      expectSameBytes(await readFile(join(root, object.key)), payloads[i]);
    }
    expect(await incomingFiles()).toEqual([]);
  });

  it('pushes back on a fast producer: write() returns false and the file still matches', async () => {
    const writer = location.createWriter('large.dcm');
    const written = await writeAll(writer.stream, randomChunks(32 * 1024 * 1024));
    const stored = await writer.commit();
    expect(written.pauses).toBeGreaterThan(0);
    expect(stored).toEqual({ key: 'large.dcm', size: written.bytes, sha256: written.sha256 });
  });

  it.each(
    ['../x', 'a//b', '/abs', '1.2/../3', 'x'.repeat(1025), '.incoming/evil.part', 'a/./b', ''].map((key) => [
      key.length > 100 ? `${key.length}-byte key` : JSON.stringify(key),
      key,
    ]),
  )('rejects %s and writes nothing anywhere', async (_label, key) => {
    await mkdir(root, { recursive: true });
    expect(() => location.createWriter(key)).toThrow(InvalidKeyError);
    await expect(location.openReader(key)).rejects.toThrow(InvalidKeyError);
    await expect(location.head(key)).rejects.toThrow(InvalidKeyError);
    await expect(location.delete(key)).rejects.toThrow(InvalidKeyError);
    expect(await readdir(parent)).toEqual(['root']);
    expect(await readdir(root)).toEqual([]);
  });

  it('reports a missing object', async () => {
    await expect(location.openReader('nothing/here')).rejects.toThrow(ObjectNotFoundError);
    expect(await location.head('nothing/here')).toBeNull();
    await expect(location.delete('nothing/here')).resolves.toBeUndefined();
  });

  it('treats a key naming a directory of other keys as no object', async () => {
    const writer = location.createWriter('dir/file');
    writer.stream.end('x');
    await writer.commit();
    expect(await location.head('dir')).toBeNull();
    await expect(location.openReader('dir')).rejects.toThrow(ObjectNotFoundError);
    await expect(location.delete('dir')).resolves.toBeUndefined();
  });

  it('deletes', async () => {
    const writer = location.createWriter('gone');
    writer.stream.end('bye');
    await writer.commit();
    await location.delete('gone');
    expect(await location.head('gone')).toBeNull();
  });

  it('check() passes on a writable root and removes stale partial files only', async () => {
    await mkdir(join(root, '.incoming'), { recursive: true });
    const stale = join(root, '.incoming', 'crashed.part');
    const fresh = join(root, '.incoming', 'live.part');
    await writeFile(stale, 'half an instance');
    await writeFile(fresh, 'being written');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);

    await location.check();

    expect(await incomingFiles()).toEqual(['live.part']);
  });

  it('creates objects 0640 and directories 0750, never readable by other users, unless configured otherwise', async () => {
    const previous = process.umask(0o022);
    try {
      const writer = location.createWriter('studies/1.2.3/series/4.5/mode.dcm');
      writer.stream.end(Buffer.from('x'));
      await writer.commit();
      const modeOf = (path: string): number => fs.statSync(join(root, path)).mode & 0o777;
      expect(modeOf('studies/1.2.3/series/4.5/mode.dcm')).toBe(0o640);
      for (const dir of ['studies', 'studies/1.2.3', 'studies/1.2.3/series', 'studies/1.2.3/series/4.5']) expect(modeOf(dir)).toBe(0o750);

      const custom = createStorageLocation(pathToFileURL(join(parent, 'custom')).href, undefined, { ...options, fileMode: 0o600, directoryMode: 0o700 });
      const second = custom.createWriter('a/b.dcm');
      second.stream.end(Buffer.from('y'));
      await second.commit();
      expect(fs.statSync(join(parent, 'custom/a/b.dcm')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(join(parent, 'custom/a')).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it('a replacement stays staged until promoted: the object at its key is untouched, and a discard leaves it so', async () => {
    const key = 'studies/1.2.3/series/4.5/replaced.dcm';
    const first = location.createWriter(key);
    first.stream.end(Buffer.from('first copy'));
    await first.commit();
    const read = async (): Promise<string> => (await readFile(join(root, key))).toString();

    const discarded = location.createReplacement(key);
    discarded.stream.end(Buffer.from('second copy'));
    const second = await discarded.commit();
    expect(second).toMatchObject({ key, size: 11, sha256: sha256(Buffer.from('second copy')) });
    expect(await read()).toBe('first copy');
    expect(await incomingFiles()).toHaveLength(1);
    await second.discard();
    await second.discard();
    expect(await read()).toBe('first copy');
    expect(await incomingFiles()).toEqual([]);

    const promoted = location.createReplacement(key);
    promoted.stream.end(Buffer.from('third copy'));
    const third = await promoted.commit();
    expect(await read()).toBe('first copy');
    await third.promote();
    expect(await read()).toBe('third copy');
    expect(await incomingFiles()).toEqual([]);
    await expect(third.discard()).resolves.toBeUndefined();
    expect(await read()).toBe('third copy');
  });

  it('check() fails with a short StorageUnavailableError when the root cannot be created', async () => {
    await writeFile(join(parent, 'a-file'), '');
    const broken = createStorageLocation(join(parent, 'a-file', 'root'));
    const failure = await broken.check().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).message).toBe('storage check failed: not a directory (ENOTDIR)');

    const writer = broken.createWriter('k');
    writer.stream.end('x');
    await expect(writer.commit()).rejects.toThrow(StorageUnavailableError);
    await writer.abort();
  });
});

describe('file StorageLocation tuning', () => {
  let parent: string;

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'storage-'));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(parent, { recursive: true, force: true });
  });

  describe('metadata calls', () => {
    const store = async (location: StorageLocation, key: string): Promise<void> => {
      const writer = location.createWriter(key);
      await writeAll(writer.stream, [Buffer.from(key)]);
      await writer.commit();
    };

    it('makes open, close and rename in line while they are fast, never blocking on the data', async () => {
      const location = createStorageLocation(join(parent, 'root'));
      await store(location, 'warm/a.dcm'); // creates the directories through the slow path
      const inline = ['openSync', 'closeSync', 'renameSync'].map((name) => jest.spyOn(fs, name as 'openSync'));
      const pooled = ['open', 'close', 'rename'].map((name) => jest.spyOn(fs, name as 'open'));
      const dataSync = jest.spyOn(fs, 'fdatasync');

      await store(location, 'warm/b.dcm');

      // A file opened and closed, its directory opened and closed, one rename; the fsyncs pooled.
      expect(inline.map((spy) => spy.mock.calls.length)).toEqual([2, 2, 1]);
      expect(pooled.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0]);
      expect(dataSync).toHaveBeenCalledTimes(1);
    });

    it('moves them to the thread pool for good after one slow call, and says so once', async () => {
      const slow: Array<{ call: string; ms: number }> = [];
      const location = createStorageLocation(join(parent, 'root'), undefined, { inlineMetadataCallsMs: 20, onSlowMetadataCall: (detail) => slow.push(detail) });
      await store(location, 'dir/first.dcm');
      const realRename = fs.renameSync;
      // A network filesystem having a bad moment: this rename takes 50 ms.
      jest.spyOn(fs, 'renameSync').mockImplementationOnce((from, to) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        realRename(from, to);
      });
      await store(location, 'dir/second.dcm');
      expect(slow).toEqual([{ call: 'rename', ms: expect.any(Number) }]);
      expect(slow[0].ms).toBeGreaterThanOrEqual(50);

      const inline = jest.spyOn(fs, 'openSync');
      const pooled = jest.spyOn(fs, 'open');
      await store(location, 'dir/third.dcm');
      expect(inline).not.toHaveBeenCalled();
      expect(pooled).toHaveBeenCalledTimes(2);
      expect(slow).toHaveLength(1);
      expect(await location.head('dir/second.dcm')).toEqual({ size: 'dir/second.dcm'.length });
    });

    it('reports an inline call that fails like a pooled one: the commit fails, nothing is visible', async () => {
      const location = createStorageLocation(join(parent, 'root'));
      await store(location, 'dir/first.dcm');
      jest.spyOn(fs, 'renameSync').mockImplementationOnce(() => {
        throw Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES' });
      });
      const writer = location.createWriter('dir/second.dcm');
      await writeAll(writer.stream, [Buffer.from('second')]);
      await expect(writer.commit()).rejects.toThrow(StorageUnavailableError);
      expect(await location.head('dir/second.dcm')).toBeNull();
      expect(await readdir(join(parent, 'root', '.incoming'))).toEqual([]);
    });
  });

  describe('flush behind', () => {
    const MiB = 1024 * 1024;

    it('flushes a large object to disk while it is still being written', async () => {
      const location = createStorageLocation(join(parent, 'root'), undefined, { flushBehindBytes: MiB });
      const dataSync = jest.spyOn(fs, 'fdatasync');
      const writer = location.createWriter('big.dcm');
      const data = Buffer.concat([...randomChunks(6 * MiB, 256 * 1024)]);
      for (let at = 0; at < data.length; at += 256 * 1024) {
        if (!writer.stream.write(data.subarray(at, at + 256 * 1024))) await new Promise((resolve) => writer.stream.once('drain', resolve));
        // Give an fdatasync in flight a chance to finish, as the network's pace would.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const beforeEnd = dataSync.mock.calls.length;
      writer.stream.end();
      const stored = await writer.commit();

      expect(beforeEnd).toBeGreaterThanOrEqual(2);
      expect(dataSync.mock.calls.length).toBe(beforeEnd + 1);
      expect(stored).toEqual({ key: 'big.dcm', size: data.length, sha256: sha256(data) });
      expectSameBytes(await readFile(join(parent, 'root', 'big.dcm')), data);
    });

    it('leaves a small object to the one fdatasync at the end', async () => {
      const location = createStorageLocation(join(parent, 'root'), undefined, { flushBehindBytes: MiB });
      const dataSync = jest.spyOn(fs, 'fdatasync');
      const writer = location.createWriter('small.dcm');
      await writeAll(writer.stream, [Buffer.alloc(512 * 1024, 1)]);
      await writer.commit();
      expect(dataSync).toHaveBeenCalledTimes(1);
    });

    it('fails the commit when a flush behind failed, and leaves nothing visible', async () => {
      const location = createStorageLocation(join(parent, 'root'), undefined, { flushBehindBytes: MiB });
      const realDataSync = fs.fdatasync;
      let calls = 0;
      jest.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        // The first flush behind meets a failing disk; the final one would succeed.
        if (++calls === 1) return callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
        realDataSync(fd, callback);
      }) as typeof fs.fdatasync);
      const writer = location.createWriter('lost.dcm');
      const written = writeAll(writer.stream, [...randomChunks(4 * MiB, 256 * 1024)]).catch((error: unknown) => error);
      const failure = await writer.commit().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StorageUnavailableError);
      expect((failure as Error).message).toMatch(/EIO|i\/o error/);
      await written;
      await writer.abort();
      expect(await location.head('lost.dcm')).toBeNull();
      expect(await readdir(join(parent, 'root', '.incoming'))).toEqual([]);
    });
  });
});
