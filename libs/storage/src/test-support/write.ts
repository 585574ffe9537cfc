import { createHash, randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';

/** Writes like a well-behaved producer (a DICOM socket): stops on `false`, continues on 'drain'. */
export async function writeAll(
  stream: Writable,
  chunks: Iterable<Buffer>,
  afterWrite: (bytesWritten: number) => void = () => undefined,
): Promise<{ bytes: number; sha256: string; pauses: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let pauses = 0;
  for (const chunk of chunks) {
    if (stream.destroyed) throw stream.errored ?? new Error('stream destroyed');
    hash.update(chunk);
    bytes += chunk.length;
    const more = stream.write(chunk);
    afterWrite(bytes);
    if (!more) {
      pauses += 1;
      await drained(stream);
    }
  }
  return { bytes, sha256: hash.digest('hex'), pauses };
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      stream.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => done();
    const onError = (error: Error): void => done(error);
    const onClose = (): void => done(stream.errored ?? new Error('stream closed'));
    stream.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}

/** `total` bytes of incompressible data in `chunkSize` pieces, generated lazily so the test holds one chunk. */
export function* randomChunks(total: number, chunkSize = 64 * 1024): Generator<Buffer> {
  const block = randomBytes(chunkSize);
  for (let offset = 0, n = 0; offset < total; offset += chunkSize, n += 1) {
    const chunk = Buffer.from(block.subarray(0, Math.min(chunkSize, total - offset)));
    if (chunk.length >= 4) chunk.writeUInt32BE(n, 0);
    yield chunk;
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Jest's toEqual walks Buffers byte by byte (seconds per megabyte); compare them natively. */
export function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect({ length: actual.length, sha256: sha256(actual) }).toEqual({ length: expected.length, sha256: sha256(expected) });
}
