/**
 * C-STORE under hostile conditions (docs/architecture.md §5, §6): an A-ABORT halfway through a 20 MiB data set
 * leaves no object and no temporary file (filesystem) or no multipart upload (S3); UIDs that could
 * steer a path are refused with a C000H-family status before anything is written; and a 1 GiB
 * instance streams through with the gateway's RSS below 200 MB.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { EventCollector, NATS_URL } from '../support/jetstream-events';
import { describeLargeStore, hashStoredObject, storeLargeInstance } from '../support/large-instance';
import { stopAll } from '../support/processes';
import {
  abortPdu,
  associateRq,
  commandStatus,
  expectClose,
  expectPdu,
  PduType,
  releaseRq,
  scriptedPeer,
  send,
  wait,
  type Transcript,
} from '../support/raw-peer';
import { s3Env, S3Server } from '../support/s3-server';
import { CT_IMAGE_STORAGE, cStoreRqCommand, EXPLICIT_VR_LITTLE_ENDIAN, largeCtDataSet, storeMessagePdus } from '../support/store-bytes';

const MAX_PDU = 16384;
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const freshUid = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
const newUids = () => ({ sopInstanceUid: freshUid(), studyInstanceUid: freshUid(), seriesInstanceUid: freshUid() });

function production(callingAets: string[], listener: Record<string, unknown> = {}) {
  return {
    listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: callingAets, ...listener }],
    associations: callingAets.map((callingAet) => ({
      name: callingAet,
      callingAet,
      calledAet: 'DICOM-ROUTER',
      presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
    })),
  };
}

const associate = associateRq({
  callingAet: 'HOSTILE',
  calledAet: 'DICOM-ROUTER',
  maxPduLength: MAX_PDU,
  contexts: [{ id: 1, abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
});

/** Every file and directory under `root` with its size, as `relative/path (size)`. */
function snapshot(root: string): string[] {
  const entries: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full);
      // The storage readiness probe writes and removes .incoming/check-<uuid>.part every 15 s.
      if (/(^|\/)\.incoming\/check-[0-9a-f-]+\.part$/.test(relative)) continue;
      if (entry.isDirectory()) {
        entries.push(`${relative}/`);
        walk(full);
      } else {
        entries.push(`${relative} (${fs.statSync(full).size})`);
      }
    }
  };
  if (fs.existsSync(root)) walk(root);
  return entries.sort();
}

function filesUnder(root: string): string[] {
  return snapshot(root).filter((e) => !e.endsWith('/'));
}

/**
 * Associates, sends the C-STORE-RQ command and the first half of a 20 MiB data set, waits while
 * the gateway writes it, then sends A-ABORT. `whileSending` runs alongside (e.g. to watch storage).
 */
async function abortHalfway(port: number, whileSending: (done: () => boolean) => Promise<void>): Promise<Transcript> {
  const uids = newUids();
  // 2560 × 4096 16-bit pixels: a 20 MiB Pixel Data element.
  const dataSet = largeCtDataSet(uids, 2560, 4096).bytes();
  const half = dataSet.subarray(0, Math.floor(dataSet.length / 2));
  const command = cStoreRqCommand({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: uids.sopInstanceUid });
  let finished = false;
  const watching = whileSending(() => finished);
  try {
    return await scriptedPeer(port, [
      send(associate),
      expectPdu(PduType.AssociateAc, 3000),
      send(Buffer.concat(storeMessagePdus(1, command, half, MAX_PDU, false))),
      wait(2000),
      send(abortPdu(0, 0)),
      expectClose(5000),
    ]);
  } finally {
    finished = true;
    await watching;
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

describe('C-STORE abort and bad UIDs, filesystem storage', () => {
  let gateway: GatewayHandle;
  let storageRoot: string;

  beforeAll(async () => {
    gateway = await startGateway({ production: production(['HOSTILE'], { maxPduLength: MAX_PDU }) });
    storageRoot = path.join(gateway.dir, 'data', 'storage');
  });

  afterAll(async () => {
    await gateway?.stop();
    await stopAll();
  });

  it('leaves no object and no temporary file after an A-ABORT halfway through a 20 MiB data set', async () => {
    let largestPartial = 0;
    const t = await abortHalfway(gateway.dicomPort, async (done) => {
      const incoming = path.join(storageRoot, '.incoming');
      while (!done()) {
        for (const name of fs.existsSync(incoming) ? fs.readdirSync(incoming) : []) {
          if (name.startsWith('check-')) continue;
          try {
            largestPartial = Math.max(largestPartial, fs.statSync(path.join(incoming, name)).size);
          } catch {
            /* removed meanwhile */
          }
        }
        await sleep(50);
      }
    });
    expect(t.failures).toEqual([]);
    // The gateway was really writing the instance when the abort came.
    expect(largestPartial).toBeGreaterThan(MiB);

    const aborted = await gateway.waitForLog((r) => typeof r['msg'] === 'string' && (r['msg'] as string).startsWith('association aborted') && r['by'] === 'peer', 5000);
    expect(aborted).toMatchObject({ source: 0, reason: 0 });
    // The temporary file goes once the writer has been torn down; no object ever appears.
    expect(await waitFor(() => filesUnder(storageRoot).length === 0, 5000)).toBe(true);
    expect(snapshot(storageRoot).filter((e) => e !== '.incoming/')).toEqual([]);

    // The gateway still serves: the raw peer can associate again.
    const again = await scriptedPeer(gateway.dicomPort, [send(associate), expectPdu(PduType.AssociateAc, 3000), send(releaseRq()), expectPdu(PduType.ReleaseRp, 3000)]);
    expect(again.failures).toEqual([]);
  });

  it.each([
    ['a path traversal', '1.2/../3'],
    ['a parent directory', '..'],
    ['65 characters', `1.2.${'3'.repeat(61)}`],
    ['non-digits', '1.2.abc'],
  ])('refuses an Affected SOP Instance UID with %s (C000H family) and writes nothing', async (_what, badUid) => {
    const before = snapshot(gateway.dir);
    const uids = { ...newUids(), sopInstanceUid: badUid };
    const dataSet = largeCtDataSet(uids, 16, 16).bytes();
    const command = cStoreRqCommand({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: badUid });
    const t = await scriptedPeer(gateway.dicomPort, [
      send(associate),
      expectPdu(PduType.AssociateAc, 3000),
      send(Buffer.concat(storeMessagePdus(1, command, dataSet, MAX_PDU))),
      expectPdu(PduType.PData, 5000),
      send(releaseRq()),
      expectPdu(PduType.ReleaseRp, 3000),
    ]);
    const response = t.pdus.find((p) => p.type === PduType.PData)?.pdvs?.find((v) => v.command);
    const status = response ? commandStatus(response.data) : undefined;
    await sleep(200);
    // One comparison, so that a failure shows every facet at once: the answer, the disk, the log.
    expect({
      peerScript: t.failures,
      statusFamily: status === undefined ? 'no C-STORE-RSP' : (status & 0xf000).toString(16),
      writtenUnderGatewayDir: snapshot(gateway.dir).filter((e) => !before.includes(e)),
      removedUnderGatewayDir: before.filter((e) => !snapshot(gateway.dir).includes(e)),
      // Validated before any log line: the rejected text is described, never echoed.
      echoedInLog: badUid.length > 2 && gateway.logs().join('\n').includes(badUid),
    }).toEqual({ peerScript: [], statusFamily: 'c000', writtenUnderGatewayDir: [], removedUnderGatewayDir: [], echoedInLog: false });
  });

  it('stores the same kind of message when its UIDs are valid (the refusals above are about the UIDs)', async () => {
    const uids = newUids();
    const dataSet = largeCtDataSet(uids, 16, 16).bytes();
    const t = await scriptedPeer(gateway.dicomPort, [
      send(associate),
      expectPdu(PduType.AssociateAc, 3000),
      send(Buffer.concat(storeMessagePdus(1, cStoreRqCommand({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: uids.sopInstanceUid }), dataSet, MAX_PDU))),
      expectPdu(PduType.PData, 5000),
      send(releaseRq()),
      expectPdu(PduType.ReleaseRp, 3000),
    ]);
    expect(t.failures).toEqual([]);
    const response = t.pdus.find((p) => p.type === PduType.PData)?.pdvs?.find((v) => v.command);
    expect(commandStatus(response!.data)).toBe(Status.Success);
    const file = path.join(storageRoot, 'studies', uids.studyInstanceUid, 'series', uids.seriesInstanceUid, 'instances', `${uids.sopInstanceUid}.dcm`);
    const object = fs.readFileSync(file);
    expect(object.subarray(readFileMetaInformation(object).dataSetOffset).equals(dataSet)).toBe(true);
  });
});

describe('C-STORE abort, S3 storage', () => {
  const bucket = 'dicom';
  let s3: S3Server;
  let gateway: GatewayHandle;
  let collector: EventCollector;

  beforeAll(async () => {
    s3 = await S3Server.start([bucket]);
    gateway = await startGateway({
      production: production(['HOSTILE'], { maxPduLength: MAX_PDU }),
      env: {
        ...s3Env(s3.endpoint, `s3://${bucket}/hostile`),
        NATS_URL,
      },
    });
    collector = await EventCollector.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await collector?.close();
    await s3?.stop();
    await stopAll();
  });

  it('leaves no object and no multipart upload after an A-ABORT halfway, and announces the abort', async () => {
    let uploadsSeen = 0;
    const t = await abortHalfway(gateway.dicomPort, async (done) => {
      while (!done()) {
        uploadsSeen = Math.max(uploadsSeen, (await s3.openUploads(bucket)).length);
        await sleep(50);
      }
    });
    expect(t.failures).toEqual([]);
    // 10 MiB with 5 MiB parts: a multipart upload was under way when the abort came.
    expect(uploadsSeen).toBe(1);

    await gateway.waitForLog((r) => typeof r['msg'] === 'string' && (r['msg'] as string).startsWith('association aborted') && r['by'] === 'peer', 5000);
    expect(await waitFor(async () => (await s3.openUploads(bucket)).length === 0, 10_000)).toBe(true);
    // The readiness probe's objects are deleted right after it writes them; none may remain either.
    expect(await s3.objectKeys(bucket)).toEqual([]);
    expect(s3.requests.some((r) => r.method === 'DELETE' && r.url.includes('uploadId=') && r.status === 204)).toBe(true);

    const [abortEvent] = (await collector.waitUntil((events) => events.some((e) => e.subject === 'dicom.events.association.aborted.v1'), 10_000, 'aborted event')).filter(
      (e) => e.subject === 'dicom.events.association.aborted.v1',
    );
    expect(abortEvent.event).toMatchObject({ specversion: '1.0', type: 'dicom.association.aborted.v1', data: { callingAet: 'HOSTILE', calledAet: 'DICOM-ROUTER', by: 'peer' } });
    expect(collector.events().filter((e) => e.subject === 'dicom.events.instance.stored.v1')).toEqual([]);
  });
});

describe('a 1 GiB instance streamed by our SCU, filesystem storage', () => {
  let gateway: GatewayHandle;
  let collector: EventCollector;
  let storedFile: string | undefined;

  let database: TestDatabase;

  beforeAll(async () => {
    // As deployed (docs/architecture.md §3): PostgreSQL through DATABASE_URL, not the embedded server of the
    // all-in-one process.
    database = await createTestDatabase();
    gateway = await startGateway({ production: production(['BIG-SCU']), env: { NATS_URL, DATABASE_URL: database.url } });
    collector = await EventCollector.start();
  });

  afterAll(async () => {
    if (storedFile) fs.rmSync(storedFile, { force: true });
    await gateway?.stop();
    await database?.drop();
    await collector?.close();
    await stopAll();
  });

  it('stores it with the gateway RSS below 200 MB and announces its size and checksum', async () => {
    const result = await storeLargeInstance(gateway, { callingAet: 'BIG-SCU', dimseTimeoutMs: 170_000 });
    process.stdout.write(describeLargeStore('1 GiB C-STORE', result));
    expect(result.dataSetSize - 1024 * MiB).toBeLessThan(1024);
    expect(result.status).toBe(Status.Success);
    expect(result.peakRss).toBeLessThan(200 * 1e6);

    const { uids } = result;
    storedFile = path.join(gateway.dir, 'data', 'storage', 'studies', uids.studyInstanceUid, 'series', uids.seriesInstanceUid, 'instances', `${uids.sopInstanceUid}.dcm`);
    const stored = await hashStoredObject(storedFile);
    expect(stored.size).toBe(stored.metaLength + result.dataSetSize);
    expect(stored.dataSetSha256).toBe(result.dataSetSha256);

    const events = await collector.waitUntil((all) => all.some((e) => e.event.subject === uids.sopInstanceUid), 10_000, 'stored event of the 1 GiB instance');
    const announced = events.filter((e) => e.event.subject === uids.sopInstanceUid);
    expect(announced).toHaveLength(1);
    expect(announced[0].event.data.storage).toMatchObject({ location: 'file', size: stored.size, sha256: stored.sha256 });
  }, 180_000);
});
