/**
 * C-STORE into the StorageLocation (filesystem, embedded defaults): every pydicom test file with
 * File Meta, sent by DCMTK storescu in its own transfer syntax, is stored as a Part-10 object whose
 * data set equals, byte for byte, what DCMTK storescp in bit-preserving mode (+B) receives from the
 * same storescu — storescu itself rewrites some files (it drops Data Set Trailing Padding), so the
 * file on disk is not what goes over the wire — and which dcmdump reads. Our own SCU, which sends a
 * file's data set bytes untouched, shows that the stored data set equals the original file's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LeadingAttributesReader, readFileMetaInformation } from '@dicom-router/dicom-data';
import { DicomClient, Status } from '@dicom-router/dicom-network';
import { runDcmtk, startStorescp, storescu, type StorescpPeer } from '../support/dcmtk';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { PYDICOM_TEST_FILES } from '../support/tools';

interface Sample {
  file: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** (0008,0018) of the data set, which storescu sends as Affected SOP Instance UID (it can differ from the meta's). */
  dataSetSopInstanceUid: string;
  transferSyntaxUid: string;
  dataSet: Buffer;
}

/** The pydicom files whose File Meta we can read: those are the ones a modality could send as they are. */
function samples(): Sample[] {
  const found: Sample[] = [];
  for (const name of fs.readdirSync(PYDICOM_TEST_FILES).sort()) {
    const file = path.join(PYDICOM_TEST_FILES, name);
    if (!name.endsWith('.dcm') || !fs.statSync(file).isFile()) continue;
    const bytes = fs.readFileSync(file);
    try {
      const meta = readFileMetaInformation(bytes);
      const reader = new LeadingAttributesReader(meta.transferSyntaxUid);
      reader.push(bytes.subarray(meta.dataSetOffset));
      reader.end();
      found.push({
        dataSetSopInstanceUid: reader.result().get('SOPInstanceUID') ?? meta.mediaStorageSopInstanceUid,
        file,
        sopClassUid: meta.mediaStorageSopClassUid,
        sopInstanceUid: meta.mediaStorageSopInstanceUid,
        transferSyntaxUid: meta.transferSyntaxUid,
        dataSet: bytes.subarray(meta.dataSetOffset),
      });
    } catch {
      /* no File Meta: not a Part-10 file, not sendable as is */
    }
  }
  return found;
}

/** storescu proposes uncompressed syntaxes unless told which compressed one to add. */
function proposeFlag(transferSyntaxUid: string): string[] {
  const flags: Record<string, string> = {
    '1.2.840.10008.1.2.4.50': '-xy',
    '1.2.840.10008.1.2.4.51': '-xx',
    '1.2.840.10008.1.2.4.70': '-xs',
    '1.2.840.10008.1.2.4.80': '-xt',
    '1.2.840.10008.1.2.4.81': '-xu',
    '1.2.840.10008.1.2.4.90': '-xv',
    '1.2.840.10008.1.2.4.91': '-xw',
    '1.2.840.10008.1.2.5': '-xr',
    '1.2.840.10008.1.2.1.99': '-xd',
  };
  return flags[transferSyntaxUid] ? [flags[transferSyntaxUid]] : [];
}

function findStored(root: string, sopInstanceUid: string): string[] {
  const matches: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === `${sopInstanceUid}.dcm`) matches.push(full);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return matches;
}

describe('C-STORE of the pydicom sample files into filesystem storage', () => {
  const all = samples();
  let gateway: GatewayHandle;
  let storageRoot: string;
  let reference: StorescpPeer;

  beforeAll(async () => {
    const sopClasses = [...new Set(all.map((s) => s.sopClassUid))];
    // Same preference as storescp's default (+x=): explicit little endian, explicit big endian,
    // implicit; then whatever compressed syntaxes the files use.
    const uncompressed = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2'];
    const transferSyntaxes = [...new Set([...uncompressed, ...all.map((s) => s.transferSyntaxUid)])];
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['STORESCU'] }],
        associations: [
          {
            name: 'pydicom samples',
            callingAet: 'STORESCU',
            calledAet: 'DICOM-ROUTER',
            presentationContexts: sopClasses.map((abstractSyntax) => ({ abstractSyntax, transferSyntaxes })),
          },
        ],
      },
    });
    storageRoot = path.join(gateway.dir, 'data', 'storage');
    // +B: storescp writes the data set exactly as received; --accept-all: any SOP class and syntax.
    reference = await startStorescp({ aet: 'REFERENCE', extraArgs: ['+B', '--accept-all'], verbose: false });
  });

  afterAll(async () => {
    await gateway?.stop();
    await reference?.stop();
  });

  function receivedByReference(sopInstanceUid: string): { transferSyntaxUid: string; dataSet: Buffer } | null {
    const name = reference.receivedFiles().find((f) => f.endsWith(`.${sopInstanceUid}`) || f.endsWith(`${sopInstanceUid}.dcm`));
    if (!name) return null;
    const file = path.join(reference.outputDir, name);
    const bytes = fs.readFileSync(file);
    fs.rmSync(file);
    const meta = readFileMetaInformation(bytes);
    return { transferSyntaxUid: meta.transferSyntaxUid, dataSet: bytes.subarray(meta.dataSetOffset) };
  }

  it('finds enough sample files to mean something', () => {
    expect(all.length).toBeGreaterThanOrEqual(50);
    expect(new Set(all.map((s) => s.transferSyntaxUid)).size).toBeGreaterThanOrEqual(8);
  });

  it('stores each one exactly as sent: same data set bytes, readable by dcmdump', async () => {
    const outcomes: string[] = [];
    let stored = 0;
    for (const sample of all) {
      const name = path.basename(sample.file);
      // -R: propose only the SOP class of the file; the flag proposes the file's own (compressed)
      // transfer syntax, so storescu sends it without conversion.
      const args = { callingAet: 'STORESCU', files: [sample.file], extraArgs: ['-R', ...proposeFlag(sample.transferSyntaxUid)] };
      const toReference = await storescu({ ...args, port: reference.port, calledAet: 'REFERENCE' });
      if (toReference.code !== 0) {
        // DCMTK cannot send this file as it is (unreadable, or a syntax storescu cannot propose).
        outcomes.push(`${name}: ${(toReference.stderr || toReference.stdout).trim().split('\n').pop()}`);
        continue;
      }
      const onTheWire = receivedByReference(sample.dataSetSopInstanceUid);
      expect({ name, referenceReceived: onTheWire !== null }).toEqual({ name, referenceReceived: true });
      const sent = await storescu({ ...args, port: gateway.dicomPort, calledAet: 'DICOM-ROUTER' });
      expect({ name, storescu: sent.code, output: sent.code === 0 ? '' : sent.stderr }).toEqual({ name, storescu: 0, output: '' });
      const copies = findStored(storageRoot, sample.dataSetSopInstanceUid);
      expect({ name, copies: copies.length }).toEqual({ name, copies: 1 });
      const object = fs.readFileSync(copies[0]);
      const meta = readFileMetaInformation(object);
      expect({ name, ts: meta.transferSyntaxUid, sop: meta.mediaStorageSopInstanceUid }).toEqual({
        name,
        ts: onTheWire?.transferSyntaxUid,
        sop: sample.dataSetSopInstanceUid,
      });
      expect({ name, identical: object.subarray(meta.dataSetOffset).equals(onTheWire?.dataSet as Buffer) }).toEqual({ name, identical: true });
      const dump = await runDcmtk('dcmdump', ['-q', copies[0]]);
      expect({ name, dcmdump: dump.code }).toEqual({ name, dcmdump: 0 });
      fs.rmSync(copies[0]);
      stored++;
    }
    // Files DCMTK itself cannot read or send are listed, not hidden; all the others were stored.
    process.stdout.write(`stored ${stored} of ${all.length}; not sendable by storescu:\n  ${outcomes.join('\n  ')}\n`);
    expect(stored + outcomes.length).toBe(all.length);
    expect(stored).toBeGreaterThanOrEqual(45);
  });

  it('keeps the data set bytes of the original file when the sender sends them untouched (our SCU)', async () => {
    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port: gateway.dicomPort,
      connectTimeoutMs: 3000,
      callingAet: 'STORESCU',
      calledAet: 'DICOM-ROUTER',
      implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'STORE_TEST' },
      presentationContexts: [...new Set(all.map((s) => `${s.sopClassUid}|${s.transferSyntaxUid}`))].map((pair) => {
        const [abstractSyntax, transferSyntax] = pair.split('|');
        return { abstractSyntax, transferSyntaxes: [transferSyntax] };
      }),
    });
    try {
      for (const sample of all) {
        const name = path.basename(sample.file);
        const context = association.contextFor(sample.sopClassUid, sample.transferSyntaxUid);
        expect({ name, accepted: context !== undefined }).toEqual({ name, accepted: true });
        const response = await association.request(
          context!.id,
          {
            commandField: 'C-STORE-RQ',
            messageId: association.allocateMessageId(),
            affectedSopClassUid: sample.sopClassUid,
            affectedSopInstanceUid: sample.sopInstanceUid,
            priority: 0,
            hasDataSet: true,
          },
          sample.dataSet,
        );
        expect({ name, status: (response.command as { status: number }).status }).toEqual({ name, status: Status.Success });
        const copies = findStored(storageRoot, sample.sopInstanceUid);
        expect({ name, copies: copies.length }).toEqual({ name, copies: 1 });
        const object = fs.readFileSync(copies[0]);
        expect({ name, identical: object.subarray(readFileMetaInformation(object).dataSetOffset).equals(sample.dataSet) }).toEqual({ name, identical: true });
        fs.rmSync(copies[0]);
      }
    } finally {
      await association.release();
    }
  });
});
