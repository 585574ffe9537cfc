/**
 * File intake: 50 files dropped at once — 44 DICOM, 5 not DICOM, and one DICOM file still being
 * written. Each DICOM file is stored exactly once (the slow one only when complete) and archived;
 * each non-DICOM file lands in the error folder with its reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { syntheticInstance, type SyntheticInstance } from '../support/part10-files';
import { tempDir } from '../support/tmp';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('file intake', () => {
  let gateway: GatewayHandle;
  const root = tempDir('file-intake');
  const inbox = path.join(root, 'in');
  const archive = path.join(root, 'archive');
  const errors = path.join(root, 'error');

  beforeAll(async () => {
    fs.mkdirSync(inbox, { recursive: true });
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['*'] }],
        fileIntakes: [
          { name: 'inbox', path: inbox, fileSpec: '*.dcm', afterStore: 'move', archivePath: archive, errorPath: errors, scanIntervalSeconds: 0.2, settleSeconds: 1 },
        ],
      },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('stores every DICOM file once, waits for the one still being written, and sets the others aside with a reason', async () => {
    const instances = new Map<string, SyntheticInstance>();
    for (let i = 0; i < 44; i++) {
      const instance = syntheticInstance({ patientName: `Intake^Patient${i}`, pixelBytes: 2048 + i * 64 });
      instances.set(`image-${i}.dcm`, instance);
    }
    const notDicom: Record<string, Buffer> = {
      'notes.dcm': Buffer.from('this is a text file, not DICOM\n'),
      'empty.dcm': Buffer.alloc(0),
      'random.dcm': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)),
      'png.dcm': Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
      'short-preamble.dcm': Buffer.concat([Buffer.alloc(128), Buffer.from('DICX')]),
    };
    const slow = syntheticInstance({ patientName: 'Slow^Writer', pixelBytes: 200_000 });

    // Drop everything at once, the slow file's first part included.
    const slowFile = path.join(inbox, 'slow.dcm');
    const handle = fs.openSync(slowFile, 'w');
    fs.writeSync(handle, slow.file.subarray(0, 1000));
    for (const [name, instance] of instances) fs.writeFileSync(path.join(inbox, name), instance.file);
    for (const [name, bytes] of Object.entries(notDicom)) fs.writeFileSync(path.join(inbox, name), bytes);
    // Keep the slow file growing for 3 s: longer than the 1 s settle time, in small steps.
    for (let offset = 1000; offset < slow.file.length; ) {
      await sleep(150);
      const next = Math.min(slow.file.length, offset + Math.ceil(slow.file.length / 20));
      fs.writeSync(handle, slow.file.subarray(offset, next));
      offset = next;
    }
    fs.closeSync(handle);
    instances.set('slow.dcm', slow);

    const storage = path.join(gateway.dir, 'data', 'storage');
    await until('every DICOM file archived', () => fs.existsSync(archive) && fs.readdirSync(archive).length === instances.size, 30_000);
    await until('every other file set aside', () => fs.existsSync(errors) && fs.readdirSync(errors).length === 2 * Object.keys(notDicom).length, 10_000);

    for (const [name, instance] of instances) {
      const key = `studies/${instance.studyInstanceUid}/series/${instance.seriesInstanceUid}/instances/${instance.sopInstanceUid}.dcm`;
      const object = fs.readFileSync(path.join(storage, key));
      const meta = readFileMetaInformation(object);
      expect({ name, identical: object.subarray(meta.dataSetOffset).equals(instance.dataSet) }).toEqual({ name, identical: true });
      expect(fs.readFileSync(path.join(archive, name)).equals(instance.file)).toBe(true);
      const stored = gateway.logRecords().filter((r) => r.msg === 'instance stored' && r.file === path.join(inbox, name));
      expect({ name, storedTimes: stored.length }).toEqual({ name, storedTimes: 1 });
    }
    for (const name of Object.keys(notDicom)) {
      expect(fs.existsSync(path.join(errors, name))).toBe(true);
      const reason = fs.readFileSync(path.join(errors, `${name}.reason.txt`), 'utf8');
      expect({ name, reason: reason.trim().length > 0 }).toEqual({ name, reason: true });
    }
    expect(fs.readdirSync(inbox)).toEqual([]);
    // The slow file was taken only once complete: no stored copy of any shorter version exists.
    expect(gateway.logRecords().filter((r) => r.msg === 'file rejected' && r.file === slowFile)).toEqual([]);
  }, 60_000);
});
