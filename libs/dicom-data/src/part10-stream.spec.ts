import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import { PYDICOM_TEST_FILES } from './__fixtures__/pydicom-files';
import { NotPart10Error } from './errors';
import { buildFileMetaInformation, readFileMetaInformation } from './file-meta';
import { readPart10Header } from './part10-stream';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const CT = join(PYDICOM_TEST_FILES, 'CT_small.dcm');

describe('readPart10Header', () => {
  const file = readFileSync(CT);
  const meta = readFileMetaInformation(file);

  it.each([1, 7, 133, 1000, 65536])('returns the meta and the exact data set bytes from a file stream read %i bytes at a time', async (size) => {
    const { meta: streamed, dataSet } = await readPart10Header(createReadStream(CT, { highWaterMark: size }));
    expect(streamed).toEqual(meta);
    expect((await collect(dataSet)).equals(file.subarray(meta.dataSetOffset))).toBe(true);
  });

  it('hands back a stream that pipes, with backpressure intact', async () => {
    const { dataSet } = await readPart10Header(createReadStream(CT, { highWaterMark: 512 }));
    const sink = new PassThrough({ highWaterMark: 16 });
    dataSet.pipe(sink);
    expect((await collect(sink)).equals(file.subarray(meta.dataSetOffset))).toBe(true);
  });

  it('works on an object-mode stream of buffers', async () => {
    const chunks = [file.subarray(0, 100), file.subarray(100, 300), file.subarray(300)];
    const { dataSet } = await readPart10Header(Readable.from(chunks));
    expect((await collect(dataSet)).equals(file.subarray(meta.dataSetOffset))).toBe(true);
  });

  it('returns an empty data set when the stream ends with the meta group', async () => {
    const onlyMeta = buildFileMetaInformation({
      mediaStorageSopClassUid: '1.2.3',
      mediaStorageSopInstanceUid: '1.2.3.4',
      transferSyntaxUid: '1.2.840.10008.1.2',
      implementationClassUid: '1.2.3.5',
    });
    const { meta: streamed, dataSet } = await readPart10Header(Readable.from([onlyMeta]));
    expect(streamed.dataSetOffset).toBe(onlyMeta.length);
    expect(await collect(dataSet)).toHaveLength(0);
  });

  it('rejects input that is not Part 10 without reading it all', async () => {
    const source = new PassThrough();
    const pending = readPart10Header(source);
    source.write(Buffer.alloc(200));
    await expect(pending).rejects.toThrow(NotPart10Error);
    source.destroy();
  });

  it('rejects a meta group that never ends within 64 KiB', async () => {
    const header = Buffer.alloc(12);
    header.writeUInt16LE(0x0002, 0);
    header.writeUInt16LE(0x0100, 2);
    header.write('OB', 4, 'latin1');
    header.writeUInt32LE(0x7ffffff0, 8);
    const source = new PassThrough();
    const pending = readPart10Header(source);
    source.write(Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), header]));
    await expect(pending).rejects.toThrow(/longer than 65536 bytes/);
    source.destroy();
  });

  it('rejects a stream that ends inside the meta group', async () => {
    await expect(readPart10Header(Readable.from([file.subarray(0, 180)]))).rejects.toThrow(NotPart10Error);
  });

  it('passes on the error of a failing stream', async () => {
    const source = new PassThrough();
    const pending = readPart10Header(source);
    source.destroy(new Error('disk on fire'));
    await expect(pending).rejects.toThrow('disk on fire');
  });
});
