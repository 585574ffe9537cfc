import type { Readable } from 'node:stream';

/**
 * The chunks of a byte stream one by one, as they were pushed. Readable's own async iterator reads
 * in paused mode, where read() joins everything buffered into a new Buffer: a copy of up to the
 * stream's high-water mark each time the consumer falls behind (a storage writer waiting for its
 * disk, say). In flowing mode each 'data' event is one pushed chunk, a view of the received PDV;
 * the stream is paused while a chunk waits here, so backpressure reaches the socket as before.
 */
export function streamChunks(stream: Readable): AsyncIterator<Buffer> {
  let held: Buffer | null = null;
  let ended = false;
  let failure: Error | null = null;
  let waiter: { resolve(result: IteratorResult<Buffer>): void; reject(err: Error): void } | null = null;

  const settle = (): void => {
    if (waiter === null) return;
    const { resolve, reject } = waiter;
    if (held !== null) {
      const value = held;
      held = null;
      waiter = null;
      resolve({ done: false, value });
    } else if (failure !== null) {
      waiter = null;
      reject(failure);
    } else if (ended) {
      waiter = null;
      resolve({ done: true, value: undefined });
    }
  };

  stream.on('data', (chunk: Buffer) => {
    held = chunk;
    stream.pause();
    settle();
  });
  stream.once('end', () => {
    ended = true;
    settle();
  });
  stream.once('error', (err: Error) => {
    failure ??= err;
    settle();
  });
  stream.once('close', () => {
    // Destroyed without an error and before its end: the data set is incomplete all the same.
    if (!ended) failure ??= new Error('data set stream closed before its end');
    settle();
  });

  return {
    next(): Promise<IteratorResult<Buffer>> {
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        settle();
        if (waiter !== null && !ended && failure === null) stream.resume();
      });
    },
  };
}
