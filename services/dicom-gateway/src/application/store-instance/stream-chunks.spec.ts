import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { streamChunks } from './stream-chunks';

/** A byte stream fed by the test, as the DIMSE reader feeds a data set. */
function source(highWaterMark = 1024): Readable & { reads: number } {
  const stream = new Readable({
    highWaterMark,
    read() {
      stream.reads++;
    },
  }) as Readable & { reads: number };
  stream.reads = 0;
  return stream;
}

async function drain(iterator: AsyncIterator<Buffer>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks.push(next.value);
  return chunks;
}

describe('streamChunks', () => {
  it('hands out each pushed chunk itself, never a join of what was buffered meanwhile', async () => {
    const stream = source();
    const pushed = [Buffer.from('first'), Buffer.from('second'), Buffer.from('third')];
    const iterator = streamChunks(stream);
    // All three are buffered before the consumer asks: a paused-mode read() would join them.
    for (const chunk of pushed) stream.push(chunk);
    stream.push(null);
    const chunks = await drain(iterator);
    expect(chunks).toHaveLength(3);
    chunks.forEach((chunk, i) => expect(chunk).toBe(pushed[i]));
  });

  it('leaves the stream paused while a chunk waits, so the producer sees backpressure', async () => {
    const stream = source(8);
    const iterator = streamChunks(stream);
    expect(stream.push(Buffer.alloc(4))).toBe(true);
    await tick();
    // One chunk is held for the consumer; the stream buffers the rest up to its high-water mark.
    expect(stream.isPaused()).toBe(true);
    stream.push(Buffer.alloc(4));
    expect(stream.push(Buffer.alloc(4))).toBe(false);
    const first = await iterator.next();
    expect(first.value).toHaveLength(4);
    await iterator.next();
    await iterator.next();
    await tick();
    expect(stream.reads).toBeGreaterThan(0);
  });

  it('rejects with the stream error, after the chunks that came before it', async () => {
    const stream = source();
    const iterator = streamChunks(stream);
    stream.push(Buffer.from('partial'));
    expect((await iterator.next()).value?.toString()).toBe('partial');
    stream.destroy(new Error('association aborted'));
    await expect(iterator.next()).rejects.toThrow('association aborted');
  });

  it('rejects when the stream is destroyed without an error before its end', async () => {
    const stream = source();
    const iterator = streamChunks(stream);
    const pending = iterator.next();
    stream.destroy();
    await expect(pending).rejects.toThrow('closed before its end');
  });

  it('ends on an empty stream', async () => {
    const stream = source();
    const iterator = streamChunks(stream);
    stream.push(null);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
