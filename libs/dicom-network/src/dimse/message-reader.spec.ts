import { Readable } from 'node:stream';
import type { PresentationDataValue } from '../pdu/types';
import { GOLDEN_COMMANDS } from './__fixtures__/golden-commands';
import { DimseDecodeError, DimseProtocolError } from './errors';
import { DimseMessage, DimseMessageReader } from './message-reader';

const golden = (name: string): Buffer => GOLDEN_COMMANDS.find((g) => g.name === name)!.bytes;
const ECHO_RQ = golden('C-ECHO-RQ');
const STORE_RQ = golden('C-STORE-RQ');

function cmd(contextId: number, data: Uint8Array, isLast = true): PresentationDataValue {
  return { contextId, isCommand: true, isLast, data };
}
function dat(contextId: number, data: Uint8Array, isLast = false): PresentationDataValue {
  return { contextId, isCommand: false, isLast, data };
}

/** Collects every message the reader emits. */
function collect(reader: DimseMessageReader): DimseMessage[] {
  const messages: DimseMessage[] = [];
  reader.on('message', (m) => messages.push(m));
  return messages;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('DimseMessageReader', () => {
  it('emits a message without data set when the command says none follows', () => {
    const reader = new DimseMessageReader();
    const messages = collect(reader);
    expect(reader.push(cmd(1, ECHO_RQ))).toBe(true);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual({
      contextId: 1,
      command: GOLDEN_COMMANDS.find((g) => g.name === 'C-ECHO-RQ')!.command,
      dataSet: null,
    });
    expect(reader.idle).toBe(true);
  });

  it('reassembles a command set split in 3 fragments', () => {
    const reader = new DimseMessageReader();
    const messages = collect(reader);
    reader.push(cmd(3, STORE_RQ.subarray(0, 10), false));
    reader.push(cmd(3, STORE_RQ.subarray(10, 11), false));
    expect(messages).toHaveLength(0);
    expect(reader.idle).toBe(false);
    reader.push(cmd(3, STORE_RQ.subarray(11), true));
    expect(messages).toHaveLength(1);
    expect(messages[0].command).toEqual(GOLDEN_COMMANDS.find((g) => g.name === 'C-STORE-RQ')!.command);
    expect(messages[0].dataSet).toBeInstanceOf(Readable);
  });

  it('accepts a new command right after one that announced no data set', () => {
    const reader = new DimseMessageReader();
    const messages = collect(reader);
    reader.push(cmd(1, ECHO_RQ));
    reader.push(cmd(1, ECHO_RQ));
    reader.push(cmd(5, ECHO_RQ));
    expect(messages.map((m) => m.contextId)).toEqual([1, 1, 5]);
  });

  it('streams a data set in many fragments, announced before its first byte, without copying', async () => {
    const reader = new DimseMessageReader();
    const fragments = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i));
    let bufferedWhenAnnounced = -1;
    const received: Buffer[] = [];
    reader.on('message', ({ dataSet }) => {
      bufferedWhenAnnounced = dataSet!.readableLength;
      dataSet!.on('data', (chunk: Buffer) => received.push(chunk));
    });
    reader.push(cmd(3, STORE_RQ));
    expect(bufferedWhenAnnounced).toBe(0);
    fragments.forEach((fragment, i) => reader.push(dat(3, fragment, i === fragments.length - 1)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(received).equals(Buffer.concat(fragments))).toBe(true);
    expect(received.every((chunk, i) => chunk.buffer === fragments[i].buffer)).toBe(true);
    expect(reader.idle).toBe(true);
  });

  it('passes on PDV data that is a plain Uint8Array as a Buffer view of the same memory', async () => {
    const reader = new DimseMessageReader();
    const messages = collect(reader);
    reader.push(cmd(3, new Uint8Array(STORE_RQ)));
    const data = new Uint8Array([1, 2, 3, 4]);
    reader.push(dat(3, data, true));
    const chunks: Buffer[] = [];
    for await (const chunk of messages[0].dataSet!) chunks.push(chunk as Buffer);
    expect(Buffer.isBuffer(chunks[0])).toBe(true);
    expect(chunks[0].buffer).toBe(data.buffer);
  });

  it('ends an empty data set on a zero-length last fragment', async () => {
    const reader = new DimseMessageReader();
    const messages = collect(reader);
    reader.push(cmd(3, STORE_RQ));
    reader.push(dat(3, new Uint8Array(0), true));
    expect((await readAll(messages[0].dataSet!)).length).toBe(0);
  });

  describe('backpressure', () => {
    it('returns false when the consumer is slow and emits drain once it reads', async () => {
      const reader = new DimseMessageReader({ highWaterMark: 1024 });
      const messages = collect(reader);
      let drains = 0;
      reader.on('drain', () => drains++);
      reader.push(cmd(3, STORE_RQ));
      const stream = messages[0].dataSet!;

      expect(reader.push(dat(3, Buffer.alloc(600)))).toBe(true);
      expect(reader.push(dat(3, Buffer.alloc(600)))).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      expect(drains).toBe(0);

      expect(stream.read()).toHaveLength(1200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(drains).toBe(1);

      expect(reader.push(dat(3, Buffer.alloc(600)))).toBe(true);
      expect(drains).toBe(1);
    });

    it('releases a socket paused on the last fragment once the consumer has read to the end', async () => {
      const reader = new DimseMessageReader({ highWaterMark: 100 });
      const messages = collect(reader);
      const drained = new Promise<void>((resolve) => reader.once('drain', resolve));
      reader.push(cmd(3, STORE_RQ));
      expect(reader.push(dat(3, Buffer.alloc(500), true))).toBe(false);
      const data = await readAll(messages[0].dataSet!);
      await drained;
      expect(data.length).toBe(500);
    });

    it('keeps a slow consumer to a bounded buffer while the caller honours push() and drain', async () => {
      const reader = new DimseMessageReader({ highWaterMark: 64 * 1024 });
      const messages = collect(reader);
      reader.push(cmd(3, STORE_RQ));
      const stream = messages[0].dataSet!;
      let maxBuffered = 0;
      const consumed = (async () => {
        let total = 0;
        for await (const chunk of stream) {
          maxBuffered = Math.max(maxBuffered, stream.readableLength);
          total += (chunk as Buffer).length;
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        return total;
      })();
      const fragment = Buffer.alloc(16 * 1024);
      for (let i = 0; i < 400; i++) {
        if (!reader.push(dat(3, fragment, i === 399))) {
          await new Promise<void>((resolve) => reader.once('drain', resolve));
        }
      }
      expect(await consumed).toBe(400 * fragment.length);
      expect(maxBuffered).toBeLessThanOrEqual(64 * 1024 + fragment.length);
    });

    it('discards the rest of a data set whose consumer gave up, and lets the socket go on', async () => {
      const reader = new DimseMessageReader({ highWaterMark: 100 });
      const messages = collect(reader);
      const drained = new Promise<void>((resolve) => reader.once('drain', resolve));
      reader.push(cmd(3, STORE_RQ));
      expect(reader.push(dat(3, Buffer.alloc(500)))).toBe(false);
      messages[0].dataSet!.destroy();
      await drained;
      expect(reader.push(dat(3, Buffer.alloc(500)))).toBe(true);
      expect(reader.push(dat(3, Buffer.alloc(500), true))).toBe(true);
      reader.push(cmd(1, ECHO_RQ));
      expect(messages).toHaveLength(2);
    });
  });

  describe('protocol errors (PS3.8 Annex E.1)', () => {
    it('refuses a data fragment before any command', () => {
      const reader = new DimseMessageReader();
      expect(() => reader.push(dat(1, Buffer.alloc(2)))).toThrow(DimseProtocolError);
    });

    it('refuses a data fragment after a command that announced no data set', () => {
      const reader = new DimseMessageReader();
      reader.push(cmd(1, ECHO_RQ));
      expect(() => reader.push(dat(1, Buffer.alloc(2)))).toThrow(/without a command announcing a data set/);
    });

    it('refuses a data fragment before the command set is complete', () => {
      const reader = new DimseMessageReader();
      reader.push(cmd(3, STORE_RQ.subarray(0, 20), false));
      expect(() => reader.push(dat(3, Buffer.alloc(2)))).toThrow(/before the command set was complete/);
    });

    it('refuses a data fragment on another presentation context than its command, failing the stream', async () => {
      const reader = new DimseMessageReader();
      const messages = collect(reader);
      reader.push(cmd(3, STORE_RQ));
      reader.push(dat(3, Buffer.alloc(2)));
      expect(() => reader.push(dat(5, Buffer.alloc(2)))).toThrow(
        /data fragment on context 5 for a command received on context 3/,
      );
      await expect(readAll(messages[0].dataSet!)).rejects.toThrow(DimseProtocolError);
    });

    it('refuses command fragments of one command set on two contexts', () => {
      const reader = new DimseMessageReader();
      reader.push(cmd(3, STORE_RQ.subarray(0, 20), false));
      expect(() => reader.push(cmd(5, STORE_RQ.subarray(20)))).toThrow(/continues a command set begun on context 3/);
    });

    it('refuses a command while a data set is incomplete, failing that data set', async () => {
      const reader = new DimseMessageReader();
      const messages = collect(reader);
      reader.push(cmd(3, STORE_RQ));
      reader.push(dat(3, Buffer.alloc(10)));
      expect(() => reader.push(cmd(3, ECHO_RQ))).toThrow(/while the data set of the previous message/);
      await expect(readAll(messages[0].dataSet!)).rejects.toThrow(/while the data set of the previous message/);
    });

    it('refuses a command set over 64 KiB without holding more of it', () => {
      const reader = new DimseMessageReader();
      const fragment = Buffer.alloc(16 * 1024);
      for (let i = 0; i < 4; i++) reader.push(cmd(1, fragment, false));
      expect(() => reader.push(cmd(1, Buffer.alloc(2), false))).toThrow(/command set exceeds 65536 bytes/);
    });

    it('passes on a command set it cannot decode as a DimseDecodeError', () => {
      const reader = new DimseMessageReader();
      expect(() => reader.push(cmd(1, Buffer.from('0000000104000000', 'hex')))).toThrow(DimseDecodeError);
    });

    it('takes nothing more once it failed', () => {
      const reader = new DimseMessageReader();
      expect(() => reader.push(dat(1, Buffer.alloc(2)))).toThrow(DimseProtocolError);
      expect(() => reader.push(cmd(1, ECHO_RQ))).toThrow(/after the reader was aborted/);
    });
  });

  describe('abort', () => {
    it('fails the data set in progress, so that its consumer never sees it end cleanly', async () => {
      const reader = new DimseMessageReader();
      const messages = collect(reader);
      reader.push(cmd(3, STORE_RQ));
      reader.push(dat(3, Buffer.alloc(1000)));
      const ended = jest.fn();
      messages[0].dataSet!.on('end', ended);
      const reading = readAll(messages[0].dataSet!);
      reader.abort(new Error('association aborted by peer'));
      await expect(reading).rejects.toThrow('association aborted by peer');
      expect(ended).not.toHaveBeenCalled();
    });

    it('does nothing to a data set that is already complete', async () => {
      const reader = new DimseMessageReader();
      const messages = collect(reader);
      reader.push(cmd(3, STORE_RQ));
      reader.push(dat(3, Buffer.alloc(10), true));
      reader.abort(new Error('released'));
      expect((await readAll(messages[0].dataSet!)).length).toBe(10);
    });
  });
});
