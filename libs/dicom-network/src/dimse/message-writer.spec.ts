import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { PresentationDataValue } from '../pdu/types';
import { GOLDEN_COMMANDS } from './__fixtures__/golden-commands';
import { DimseMessage, DimseMessageReader } from './message-reader';
import {
  Fragmenter,
  MAX_FRAGMENT_LENGTH,
  PDataSink,
  commandPdvs,
  maxPdvDataLength,
  writeMessage,
} from './message-writer';

const STORE = GOLDEN_COMMANDS.find((g) => g.name === 'C-STORE-RQ')!;

/** A sink that records every P-DATA-TF it is given and never pushes back. */
function recordingSink(): PDataSink & { pdus: PresentationDataValue[][] } {
  const pdus: PresentationDataValue[][] = [];
  return { pdus, sendPData: (values) => (pdus.push(values), true), waitDrain: () => Promise.resolve() };
}

function bytesOf(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** Checks the Annex E.1 shape of one message and returns its command and data bytes. */
function checkMessage(pdus: PresentationDataValue[][], maxData: number): { command: Buffer; data: Buffer | null } {
  for (const values of pdus) expect(values).toHaveLength(1);
  const pdvs = pdus.map((values) => values[0]);
  const firstData = pdvs.findIndex((p) => !p.isCommand);
  const commands = firstData === -1 ? pdvs : pdvs.slice(0, firstData);
  const data = firstData === -1 ? [] : pdvs.slice(firstData);
  expect(data.every((p) => !p.isCommand)).toBe(true);
  for (const group of [commands, data]) {
    group.forEach((p, i) => {
      expect(p.isLast).toBe(i === group.length - 1);
      expect(p.data.length).toBeLessThanOrEqual(maxData);
      if (!p.isLast) expect(p.data.length % 2).toBe(0);
    });
  }
  return {
    command: Buffer.concat(commands.map((p) => p.data)),
    data: firstData === -1 ? null : Buffer.concat(data.map((p) => p.data)),
  };
}

describe('maxPdvDataLength', () => {
  it.each([
    [16384, 16378],
    [16385, 16378],
    [8, 2],
    [0, MAX_FRAGMENT_LENGTH],
    [0xffffffff, MAX_FRAGMENT_LENGTH],
  ])('peer maximum %i gives fragments of %i bytes', (peer, expected) => {
    expect(maxPdvDataLength(peer)).toBe(expected);
  });

  it.each([7, -1, 1.5, 2 ** 32])('refuses %p', (peer) => {
    expect(() => maxPdvDataLength(peer)).toThrow(RangeError);
  });
});

describe('commandPdvs', () => {
  it('cuts a command set into zero-copy slices with the last flag on the last only', () => {
    const pdvs = [...commandPdvs(3, STORE.bytes, 64)];
    expect(pdvs.map((p) => p.data.length)).toEqual([64, 64, 40]);
    expect(pdvs.map((p) => p.isLast)).toEqual([false, false, true]);
    expect(pdvs.every((p) => p.isCommand && p.contextId === 3 && p.data.buffer === STORE.bytes.buffer)).toBe(true);
    expect(Buffer.concat(pdvs.map((p) => p.data)).equals(STORE.bytes)).toBe(true);
  });

  it('sends a small command set in one last fragment', () => {
    expect([...commandPdvs(1, STORE.bytes, 16378)]).toEqual([
      { contextId: 1, isCommand: true, isLast: true, data: STORE.bytes },
    ]);
  });
});

describe('Fragmenter', () => {
  it('fills every fragment, slicing inside a chunk and copying only across chunks', () => {
    const fragmenter = new Fragmenter(10);
    const a = bytesOf(25);
    const first = fragmenter.push(a);
    expect(first.map((f) => f.length)).toEqual([10, 10]);
    expect(first.every((f) => f.buffer === a.buffer)).toBe(true);
    const b = bytesOf(7);
    const second = fragmenter.push(b);
    expect(second.map((f) => f.length)).toEqual([10]);
    expect(second[0].equals(Buffer.concat([a.subarray(20), b.subarray(0, 5)]))).toBe(true);
    expect(fragmenter.push(Buffer.alloc(0))).toEqual([]);
    expect(fragmenter.rest()?.equals(b.subarray(5))).toBe(true);
    expect(fragmenter.rest()).toBeNull();
  });
});

describe('writeMessage', () => {
  it('sends a command alone when there is no data set', async () => {
    const sink = recordingSink();
    await writeMessage(sink, 1, STORE.bytes, null, 16384);
    const { command, data } = checkMessage(sink.pdus, 16378);
    expect(command.equals(STORE.bytes)).toBe(true);
    expect(data).toBeNull();
  });

  it('honours the peer maximum with a data set in memory: max PDU 16384, PDVs of at most 16378 bytes', async () => {
    const sink = recordingSink();
    const dataSet = bytesOf(100_000);
    await writeMessage(sink, 7, STORE.bytes, dataSet, 16384);
    const { data } = checkMessage(sink.pdus, 16378);
    expect(data!.equals(dataSet)).toBe(true);
    expect(sink.pdus.slice(1).map((v) => v[0].data.length)).toEqual([16378, 16378, 16378, 16378, 16378, 16378, 1732]);
    expect(sink.pdus.every((v) => v[0].contextId === 7)).toBe(true);
  });

  it('fragments a command set bigger than one PDV, never mixing it with data', async () => {
    const sink = recordingSink();
    await writeMessage(sink, 1, STORE.bytes, bytesOf(300), 6 + 64);
    const { command, data } = checkMessage(sink.pdus, 64);
    expect(command.equals(STORE.bytes)).toBe(true);
    expect(data!.equals(bytesOf(300))).toBe(true);
  });

  it('cuts a stream of odd-sized chunks into full even fragments', async () => {
    const sink = recordingSink();
    const dataSet = bytesOf(50_001);
    const chunks = [777, 1, 4095, 16385, 3, 28745].map(
      (
        (offset) => (n: number) =>
          dataSet.subarray(offset, (offset += n))
      )(0),
    );
    await writeMessage(sink, 1, STORE.bytes, Readable.from(chunks), 16384);
    const { data } = checkMessage(sink.pdus, 16378);
    expect(data!.equals(dataSet)).toBe(true);
    const sizes = sink.pdus.slice(1).map((v) => v[0].data.length);
    expect(sizes.slice(0, -1).every((s) => s === 16378)).toBe(true);
  });

  it('sends an empty data set stream as one empty last fragment', async () => {
    const sink = recordingSink();
    await writeMessage(sink, 1, STORE.bytes, Readable.from([]), 16384);
    expect(sink.pdus.slice(1)).toEqual([[{ contextId: 1, isCommand: false, isLast: true, data: Buffer.alloc(0) }]]);
  });

  it('awaits a sink whose sendPData returns a promise', async () => {
    const echo = GOLDEN_COMMANDS.find((g) => g.name === 'C-ECHO-RQ')!.bytes;
    const order: string[] = [];
    const sink: PDataSink = {
      sendPData: async (values) => {
        order.push(`send ${values[0].isCommand ? 'command' : 'data'} ${values[0].data.length}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        order.push('sent');
      },
      waitDrain: () => Promise.reject(new Error('not used')),
    };
    await writeMessage(sink, 1, echo, bytesOf(20), 6 + 32);
    expect(order).toEqual([
      ...['send command 32', 'sent', 'send command 32', 'sent', 'send command 4', 'sent'],
      ...['send data 20', 'sent'],
    ]);
  });

  it('rejects, without a last data fragment, when the data set stream fails', async () => {
    const sink = recordingSink();
    const failing = new Readable({
      read() {
        this.push(bytesOf(40_000));
        this.destroy(new Error('storage read failed'));
      },
    });
    await expect(writeMessage(sink, 1, STORE.bytes, failing, 16384)).rejects.toThrow('storage read failed');
    expect(sink.pdus.some((v) => !v[0].isCommand && v[0].isLast)).toBe(false);
  });

  it('streams 10 MB through a sink that pushes back, holding only a few fragments', async () => {
    const total = 10 * 1024 * 1024;
    const chunkSize = 64 * 1024;
    let produced = 0;
    let sent = 0;
    let maxInFlight = 0;
    const source = new Readable({
      highWaterMark: chunkSize,
      read() {
        if (produced >= total) return void this.push(null);
        const n = Math.min(chunkSize, total - produced);
        this.push(bytesOf(n));
        produced += n;
        maxInFlight = Math.max(maxInFlight, produced - sent);
      },
    });
    const fragment = maxPdvDataLength(16384);
    let buffered = 0;
    let maxBuffered = 0;
    let pushedBack = 0;
    let lastCount = 0;
    const hash = createHash('sha256');
    const sink: PDataSink = {
      sendPData(values) {
        const [pdv] = values;
        expect(pdv.data.length).toBeLessThanOrEqual(fragment);
        if (!pdv.isCommand) {
          hash.update(pdv.data);
          sent += pdv.data.length;
          if (pdv.isLast) lastCount++;
        }
        buffered += pdv.data.length;
        maxBuffered = Math.max(maxBuffered, buffered);
        // Like a socket with a 3-fragment buffer: false once it is full.
        const full = buffered >= 3 * fragment;
        if (full) pushedBack++;
        return !full;
      },
      waitDrain: () =>
        new Promise((resolve) =>
          setImmediate(() => {
            buffered = 0;
            resolve();
          }),
        ),
    };

    await writeMessage(sink, 1, STORE.bytes, source, 16384);

    expect(sent).toBe(total);
    expect(lastCount).toBe(1);
    expect(pushedBack).toBeGreaterThan(100);
    // The sink says "full" at 3 fragments, so the one that crossed the line is the most on top.
    expect(maxBuffered).toBeLessThanOrEqual(4 * fragment);
    // Read ahead of the socket: the source's buffer, one chunk being cut, and the held fragment.
    expect(maxInFlight).toBeLessThanOrEqual(3 * chunkSize + 2 * fragment);
    const expected = createHash('sha256');
    for (let left = total; left > 0; left -= chunkSize) expected.update(bytesOf(Math.min(chunkSize, left)));
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  });

  it('is read back by DimseMessageReader as the same command and data set', async () => {
    const reader = new DimseMessageReader();
    const messages: DimseMessage[] = [];
    reader.on('message', (m) => messages.push(m));
    const sink: PDataSink = {
      sendPData: (values) => values.every((pdv) => reader.push(pdv)),
      waitDrain: () => new Promise((resolve) => reader.once('drain', resolve)),
    };
    const dataSet = bytesOf(1_000_001);
    const received = new Promise<Buffer>((resolve, reject) => {
      reader.once('message', ({ dataSet: stream }) => {
        const chunks: Buffer[] = [];
        stream!.on('data', (c: Buffer) => chunks.push(c));
        stream!.on('end', () => resolve(Buffer.concat(chunks)));
        stream!.on('error', reject);
      });
    });
    await writeMessage(sink, 3, STORE.bytes, Readable.from([dataSet]), 16384);
    expect(messages[0].command).toEqual(STORE.command);
    expect((await received).equals(dataSet)).toBe(true);
  });
});
