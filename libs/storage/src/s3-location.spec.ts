import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { createStorageLocation, type StorageLocationOptions } from './create-storage-location';
import { InvalidKeyError, ObjectNotFoundError, StorageUnavailableError } from './errors';
import { MIN_PART_SIZE } from './s3-location';
import type { StorageLocation } from './storage-location';
import { S3RVER_CREDENTIALS, S3Server } from './testing';
import { ThrottlingProxy } from './test-support/throttling-proxy';
import { expectSameBytes, randomChunks, sha256, writeAll } from './test-support/write';

const MiB = 1024 * 1024;

function s3Location(endpoint: string, url = 's3://test/archive', options: StorageLocationOptions = {}): StorageLocation {
  return createStorageLocation(url, { endpoint, region: 'us-east-1', forcePathStyle: true, ...S3RVER_CREDENTIALS }, options);
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('S3 StorageLocation (s3rver on loopback)', () => {
  let s3: S3Server;
  let location: StorageLocation;

  beforeAll(async () => {
    // No try/skip: if s3rver cannot start, every test here fails.
    s3 = await S3Server.start(['test']);
  });

  afterAll(async () => {
    await s3?.stop();
  });

  beforeEach(() => {
    s3.abortSupported = true;
    s3.requests.length = 0;
    location = s3Location(s3.endpoint);
  });

  it('streams a 12 MiB object through a multipart upload and reads it back byte for byte', async () => {
    const data = Buffer.concat([...randomChunks(12 * MiB)]);
    const writer = location.createWriter('studies/1.2.3/4.5.6.dcm', { contentType: 'application/dicom' });
    const written = await writeAll(writer.stream, randomChunksOf(data));
    expect(await location.head('studies/1.2.3/4.5.6.dcm')).toBeNull();

    const stored = await writer.commit();

    expect(stored).toEqual({ key: 'studies/1.2.3/4.5.6.dcm', size: data.length, sha256: sha256(data) });
    expect(written.pauses).toBeGreaterThan(0);
    const parts = s3.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
    expect(parts.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await location.head('studies/1.2.3/4.5.6.dcm')).toEqual({ size: data.length });
    expectSameBytes(await buffer(await location.openReader('studies/1.2.3/4.5.6.dcm')), data);
    // The bytes on s3rver's disk are the object itself, without aws-chunked framing, under the prefix.
    expectSameBytes(await readFile(join(s3.directory, 'test/archive/studies/1.2.3/4.5.6.dcm._S3rver_object')), data);
    expect(await s3.openUploads()).toEqual([]);
  });

  it('frees each part’s buffer once S3 has it and the next part is cut, all but the last', async () => {
    const transfers = jest.spyOn(globalThis, 'structuredClone');
    try {
      const data = Buffer.concat([...randomChunks(12 * MiB)]);
      const writer = location.createWriter('released.dcm');
      await writeAll(writer.stream, randomChunksOf(data));
      await expect(writer.commit()).resolves.toEqual({ key: 'released.dcm', size: data.length, sha256: sha256(data) });
      // Three parts: 5 MiB, 5 MiB, 2 MiB.
      expect(transfers.mock.calls.filter(([, options]) => options?.transfer !== undefined)).toHaveLength(2);
      expectSameBytes(await buffer(await location.openReader('released.dcm')), data);
    } finally {
      transfers.mockRestore();
    }
  });

  // The last part of `2 × part + 1` bytes is the byte lib-storage carried over, a view of the second
  // part's buffer: that buffer must stay intact however the two requests interleave.
  it.each([
    ['exactly one part', MIN_PART_SIZE, 0],
    ['one part and a byte', MIN_PART_SIZE + 1, 0],
    ['two parts', 2 * MIN_PART_SIZE, 1],
    ['two parts and a byte', 2 * MIN_PART_SIZE + 1, 1],
  ])('stores an object of %s whole', async (_name, size, freed) => {
    const transfers = jest.spyOn(globalThis, 'structuredClone');
    try {
      const data = Buffer.concat([...randomChunks(size, 100_000)]);
      const writer = location.createWriter(`boundary-${size}.dcm`);
      await writeAll(writer.stream, randomChunksOf(data, 100_000));
      await expect(writer.commit()).resolves.toEqual({ key: `boundary-${size}.dcm`, size, sha256: sha256(data) });
      expect(transfers.mock.calls.filter(([, options]) => options?.transfer !== undefined)).toHaveLength(freed);
      expectSameBytes(await buffer(await location.openReader(`boundary-${size}.dcm`)), data);
      expect(await s3.openUploads()).toEqual([]);
    } finally {
      transfers.mockRestore();
    }
  });

  it('stores an object written in one chunk larger than a part', async () => {
    const data = Buffer.concat([...randomChunks(11 * MiB)]);
    const writer = location.createWriter('one-write.dcm');
    writer.stream.end(data);
    await expect(writer.commit()).resolves.toEqual({ key: 'one-write.dcm', size: data.length, sha256: sha256(data) });
    expectSameBytes(await buffer(await location.openReader('one-write.dcm')), data);
  });

  it('stores a small object with a single PutObject', async () => {
    const writer = location.createWriter('small.dcm');
    writer.stream.end(Buffer.from('DICM'));
    await expect(writer.commit()).resolves.toEqual({ key: 'small.dcm', size: 4, sha256: sha256(Buffer.from('DICM')) });
    expect(s3.requests.some((r) => r.url.includes('uploads'))).toBe(false);
    expect((await buffer(await location.openReader('small.dcm'))).toString()).toBe('DICM');
  });

  it('aborted mid-way: no object and no multipart upload left in s3rver’s directory', async () => {
    const writer = location.createWriter('aborted.dcm');
    await writeAll(writer.stream, randomChunks(7 * MiB));
    await until(
      () => s3.requests.some((r) => r.method === 'PUT' && r.url.includes('partNumber=1') && r.status === 200),
      'part 1 stored',
    );
    const [uploadId] = await s3.openUploads();
    expect(uploadId).toMatch(/^[0-9a-f]+$/);
    expect(existsSync(join(s3.directory, 'test/._S3rver_uploads', uploadId, '1'))).toBe(true);

    await writer.abort(new Error('association aborted'));
    await writer.abort();

    const aborts = s3.requests.filter((r) => r.method === 'DELETE');
    expect(aborts.length).toBeGreaterThan(0);
    expect(aborts.every((r) => r.url.startsWith(`/test/archive/aborted.dcm?uploadId=${uploadId}&`))).toBe(true);
    expect(await s3.openUploads()).toEqual([]);
    expect(await location.head('aborted.dcm')).toBeNull();
    await expect(writer.commit()).rejects.toThrow(/aborted/);
  });

  it('aborted before the first part filled: nothing was started, nothing remains', async () => {
    const writer = location.createWriter('early.dcm');
    await writeAll(writer.stream, randomChunks(1 * MiB));
    await writer.abort();
    expect(await s3.openUploads()).toEqual([]);
    expect(s3.requests.filter((r) => r.method !== 'HEAD')).toEqual([]);
    expect(await location.head('early.dcm')).toBeNull();
  });

  it('says so when the server refuses to abort the multipart upload (s3rver’s own 405)', async () => {
    s3.abortSupported = false;
    const writer = location.createWriter('orphan.dcm');
    await writeAll(writer.stream, randomChunks(6 * MiB));
    await until(() => s3.requests.some((r) => r.url.includes('partNumber=1') && r.status === 200), 'part 1 stored');

    const failure = await writer.abort().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).message).toBe('S3 multipart upload not aborted: MethodNotAllowed (HTTP 405)');
    expect(await location.head('orphan.dcm')).toBeNull();
    expect(await s3.openUploads()).toHaveLength(1);
  });

  it('reports missing objects and deletes', async () => {
    await expect(location.openReader('missing.dcm')).rejects.toThrow(ObjectNotFoundError);
    expect(await location.head('missing.dcm')).toBeNull();
    const writer = location.createWriter('to-delete.dcm');
    writer.stream.end('x');
    await writer.commit();
    await location.delete('to-delete.dcm');
    expect(await location.head('to-delete.dcm')).toBeNull();
    await expect(location.delete('to-delete.dcm')).resolves.toBeUndefined();
  });

  it('a replacement stays staged until promoted: the object at its key is untouched, and a discard leaves it so', async () => {
    const put = async (bytes: Buffer): Promise<void> => {
      const writer = location.createWriter('replaced.dcm');
      writer.stream.end(bytes);
      await writer.commit();
    };
    const read = async (): Promise<Buffer> => buffer(await location.openReader('replaced.dcm'));
    const staged = async (): Promise<string[]> => (await readdirOrEmpty(join(s3.directory, 'test/archive/.incoming'))).filter((n) => n.endsWith('._S3rver_object'));
    await put(Buffer.from('first copy'));

    const discarded = location.createReplacement('replaced.dcm');
    discarded.stream.end(Buffer.from('second copy'));
    const second = await discarded.commit();
    expect(second).toMatchObject({ key: 'replaced.dcm', size: 11, sha256: sha256(Buffer.from('second copy')) });
    expect((await read()).toString()).toBe('first copy');
    expect(await staged()).toHaveLength(1);
    await second.discard();
    expect((await read()).toString()).toBe('first copy');
    expect(await staged()).toEqual([]);

    const promoted = location.createReplacement('replaced.dcm');
    promoted.stream.end(Buffer.from('third copy'));
    const third = await promoted.commit();
    expect((await read()).toString()).toBe('first copy');
    await third.promote();
    expect((await read()).toString()).toBe('third copy');
    expect(await staged()).toEqual([]);
  });

  it('rejects invalid keys before any request', async () => {
    for (const key of ['../x', 'a//b', '/abs', '1.2/../3', 'x'.repeat(1025)]) {
      expect(() => location.createWriter(key)).toThrow(InvalidKeyError);
      await expect(location.head(key)).rejects.toThrow(InvalidKeyError);
    }
    expect(s3.requests).toEqual([]);
  });

  it('check() passes on the bucket and leaves no probe behind', async () => {
    await location.check();
    expect(existsSync(join(s3.directory, 'test/archive/.incoming'))).toBe(false);
  });

  it('check() names a missing bucket', async () => {
    const failure = await s3Location(s3.endpoint, 's3://no-such-bucket/x').check().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).message).toBe('S3 bucket "no-such-bucket" does not exist');
  });

  it('pushes back on the producer when S3 is slow, holding a bounded amount', async () => {
    const proxy = await ThrottlingProxy.start({ host: '127.0.0.1', port: Number(new URL(s3.endpoint).port) }, 12 * MiB);
    try {
      // 12 MiB/s per connection; lib-storage uses one connection per part in flight.
      const slow = s3Location(proxy.endpoint);
      const writer = slow.createWriter('slow.dcm');
      let held = 0;
      const started = Date.now();
      const written = await writeAll(writer.stream, randomChunks(48 * MiB), (bytes) => {
        held = Math.max(held, bytes - proxy.received);
      });
      const stored = await writer.commit();
      const seconds = (Date.now() - started) / 1000;

      expect(stored.sha256).toBe(written.sha256);
      expect(written.pauses).toBeGreaterThan(10);
      // Parts in flight, the writer's staging buffers and stream buffers, and what loopback sockets hold in between.
      expect(held).toBeLessThan(20 * MiB);
      expect(seconds).toBeGreaterThan(2);
    } finally {
      await proxy.stop();
    }
  });
});

describe('S3 StorageLocation with the endpoint down', () => {
  let closedPort: number;

  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closedPort = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const down = (): StorageLocation =>
    s3Location(`http://127.0.0.1:${closedPort}`, 's3://test/x', { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 2_000 });

  it('rejects commit with a short StorageUnavailableError within a bounded time', async () => {
    const writer = down().createWriter('a.dcm');
    writer.stream.end(Buffer.alloc(1024));
    const started = Date.now();
    const failure = await writer.commit().catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).message).toBe('S3 upload failed: endpoint unreachable (ECONNREFUSED)');
    expect((failure as Error).message.length).toBeLessThanOrEqual(64);
    await expect(writer.abort()).resolves.toBeUndefined();
  });

  it('fails the writer’s stream while the producer is still writing', async () => {
    const writer = down().createWriter('b.dcm');
    const started = Date.now();
    await expect(writeAll(writer.stream, randomChunks(64 * MiB))).rejects.toThrow(StorageUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(writer.commit()).rejects.toThrow(StorageUnavailableError);
    await writer.abort();
  });

  it('check() fails with StorageUnavailableError', async () => {
    await expect(down().check()).rejects.toThrow(/S3 HeadBucket failed: endpoint unreachable/);
  });
});

function* randomChunksOf(data: Buffer, chunkSize = 64 * 1024): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += chunkSize) yield data.subarray(offset, offset + chunkSize);
}

async function readdirOrEmpty(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}
