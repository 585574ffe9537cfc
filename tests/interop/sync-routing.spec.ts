/**
 * Synchronous routing (docs/architecture.md §3 storage-router, §5 guarantees): a sync listener answers
 * storescu only after every matching destination answered. Over NATS, with the gateway and
 * storage-router as separate processes sharing S3 storage (s3rver), PostgreSQL and JetStream:
 * DCMTK storescp and Orthanc both hold every instance, byte for byte, before storescu reports
 * success; a destination that is down, answers A700H or is too slow turns into a failure status
 * naming it, within the configured timeout; a storage-router killed in the middle of a delivery
 * leaves its command to JetStream, which redelivers it to the next router after the acknowledgement
 * wait, and the modality still hears Success. In the all-in-one process (embedded defaults): rules
 * send CT to one PACS and MR to another and nothing else anywhere, and a file intake folder
 * reaches Orthanc.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LeadingAttributesReader, readFileMetaInformation } from '@dicom-router/dicom-data';
import { createStorageLocation, type StorageLocation } from '@dicom-router/storage';
import { Server, Scp, association, constants, responses } from 'dcmjs-dimse';
import { startStorescp, storescu, type StorescpPeer } from '../support/dcmtk';
import { startGateway, WORKSPACE_ROOT, type GatewayHandle } from '../support/gateway';
import { EventCollector, NATS_URL, type ReceivedEvent } from '../support/jetstream-events';
import { startOrthanc, type OrthancPeer } from '../support/orthanc';
import { syntheticInstance } from '../support/part10-files';
import { getFreePort } from '../support/ports';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { spawnProcess, waitForHttp, waitForPort, type ManagedProcess } from '../support/processes';
import { S3RVER_CREDENTIALS, s3Env, S3Server } from '../support/s3-server';
import { tempDir } from '../support/tmp';
import { closeAfterFile } from '../support/teardown';
import { pydicomTestFile } from '../support/tools';

const ROUTER_MAIN = path.join(WORKSPACE_ROOT, 'services', 'storage-router', 'dist', 'main.js');
const BUCKET = 'sync-routing';

interface Sample {
  file: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The data set after the File Meta group (PS3.10 §7.1): what every destination must hold. */
  dataSet: Buffer;
}

function sample(file: string): Sample {
  const bytes = fs.readFileSync(file);
  const meta = readFileMetaInformation(bytes);
  const reader = new LeadingAttributesReader(meta.transferSyntaxUid);
  reader.push(bytes.subarray(meta.dataSetOffset));
  reader.end();
  return {
    file,
    sopClassUid: meta.mediaStorageSopClassUid,
    // storescu sends the data set's (0008,0018) as Affected SOP Instance UID.
    sopInstanceUid: reader.result().get('SOPInstanceUID') ?? meta.mediaStorageSopInstanceUid,
    transferSyntaxUid: meta.transferSyntaxUid,
    dataSet: bytes.subarray(meta.dataSetOffset),
  };
}

function synthetic(dir: string, count: number): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, `synthetic-${i}-${Date.now()}.dcm`);
    fs.writeFileSync(file, syntheticInstance({ pixelBytes: 32 * 1024 }).file);
    return sample(file);
  });
}

/** storescp +B names each file <modality>.<SOP Instance UID> and writes the data set as received. */
function receivedBy(peer: StorescpPeer, sopInstanceUid: string): Buffer | null {
  const name = peer.receivedFiles().find((f) => f.endsWith(`.${sopInstanceUid}`));
  if (!name) return null;
  const bytes = fs.readFileSync(path.join(peer.outputDir, name));
  return bytes.subarray(readFileMetaInformation(bytes).dataSetOffset);
}

async function orthancDataSet(orthanc: OrthancPeer, sopInstanceUid: string): Promise<Buffer | null> {
  const response = await fetch(`${orthanc.baseUrl}/tools/lookup`, { method: 'POST', body: sopInstanceUid });
  if (!response.ok) throw new Error(`Orthanc lookup: ${response.status}`);
  const found = ((await response.json()) as { ID: string; Type: string }[]).filter((f) => f.Type === 'Instance');
  if (found.length === 0) return null;
  const file = Buffer.from(await (await fetch(`${orthanc.baseUrl}/instances/${found[0].ID}/file`)).arrayBuffer());
  return file.subarray(readFileMetaInformation(file).dataSetOffset);
}

/** The data set of the object the gateway stored (exactly what storescu sent), found by its "instance stored" log line. */
async function storedDataSet(gateway: GatewayHandle, location: StorageLocation, sopInstanceUid: string): Promise<Buffer> {
  const record = gateway.logRecords().find((r) => r['msg'] === 'instance stored' && r['sopInstanceUid'] === sopInstanceUid);
  if (!record) throw new Error(`the gateway logged no stored instance ${sopInstanceUid}`);
  const chunks: Buffer[] = [];
  for await (const chunk of await location.openReader(record['key'] as string)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return bytes.subarray(readFileMetaInformation(bytes).dataSetOffset);
}

function associationsFor(samples: readonly Sample[]) {
  const sopClasses = [...new Set(samples.map((s) => s.sopClassUid))];
  const transferSyntaxes = [...new Set(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2', ...samples.map((s) => s.transferSyntaxUid)])];
  return [
    {
      name: 'modality',
      callingAet: 'STORESCU',
      calledAet: 'SYNC-ROUTER',
      presentationContexts: sopClasses.map((abstractSyntax) => ({ abstractSyntax, transferSyntaxes })),
    },
  ];
}

const destination = (name: string, port: number, calledAet: string, extra: Record<string, unknown> = {}) => ({
  name,
  host: '127.0.0.1',
  port,
  calledAet,
  callingAet: 'SYNC-ROUTER',
  connectTimeoutSeconds: 3,
  dimseTimeoutSeconds: 30,
  maxAssociations: 2,
  idleTimeoutSeconds: 5,
  ...extra,
});

/** storescu as the modality: -R proposes only each file's own transfer syntax; -d shows the C-STORE-RSP fields. */
async function modalitySends(port: number, files: readonly string[], debug = false) {
  const started = Date.now();
  const result = await storescu({
    port,
    callingAet: 'STORESCU',
    calledAet: 'SYNC-ROUTER',
    files,
    noHalt: true,
    extraArgs: ['-R', debug ? '-d' : '-v'],
  });
  const output = `${result.stdout}\n${result.stderr}`;
  // storescu exits 0 whatever the C-STORE-RSP status: count the responses it reports as Success.
  const successes = output.split('\n').filter((line) => /Received Store Response \(Success\)/.test(line)).length;
  return { ...result, elapsedMs: Date.now() - started, output, successes };
}

/**
 * A PACS that answers every C-STORE with A700H "Refused: Out of Resources" (dcmjs-dimse, an
 * independent DICOM implementation).
 */
class RefusingScp extends Scp {
  override associationRequested(request: association.Association): void {
    for (const { id } of request.getPresentationContexts()) {
      const context = request.getPresentationContext(id);
      context.setResult(constants.PresentationContextResult.Accept, context.getTransferSyntaxUids()[0]);
    }
    this.sendAssociationAccept();
  }
  override cStoreRequest(request: never, callback: (response: responses.CStoreResponse) => void): void {
    const response = responses.CStoreResponse.fromRequest(request);
    response.setStatus(0xa700);
    callback(response);
  }
  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }
}

async function startRefusingPacs(): Promise<{ port: number; close(): void }> {
  const port = await getFreePort();
  const server = new Server(RefusingScp as never);
  server.listen(port);
  let open = true;
  const close = () => {
    if (open) server.close();
    open = false;
  };
  closeAfterFile(close);
  await waitForPort(port, { timeoutMs: 5000 });
  return { port, close };
}

async function startRouter(env: Record<string, string>): Promise<ManagedProcess> {
  if (!fs.existsSync(ROUTER_MAIN)) throw new Error(`${ROUTER_MAIN} does not exist: run \`npm run build\` first`);
  const httpPort = await getFreePort();
  const proc = spawnProcess(process.execPath, [ROUTER_MAIN], { name: `storage-router(http ${httpPort})`, env: { ...env, HTTP_PORT: String(httpPort), LOG_LEVEL: 'info' } });
  try {
    await waitForHttp(`http://127.0.0.1:${httpPort}/health/ready`, { process: proc, timeoutMs: 30_000 });
  } catch (error) {
    await proc.stop({ graceMs: 2000 });
    throw error;
  }
  return proc;
}

const deliveries = (events: ReceivedEvent[], sopInstanceUid: string) =>
  events
    .filter((e) => e.event.subject === sopInstanceUid && e.subject.startsWith('dicom.events.delivery.'))
    .map((e) => [e.subject, e.event.data.destination as string, e.event.data.status as number | null])
    .sort((a, b) => String(a[1]).localeCompare(String(b[1])));

describe('sync routing: gateway and storage-router over NATS, S3 and PostgreSQL', () => {
  const dir = tempDir('sync-routing');
  let samples: Sample[];
  let storescp: StorescpPeer;
  let slow: StorescpPeer;
  let pausing: StorescpPeer;
  let orthanc: OrthancPeer;
  let refusing: { port: number; close(): void };
  let downPort: number;
  let s3: S3Server;
  let database: TestDatabase;
  let router: ManagedProcess;
  let routerEnv: Record<string, string>;
  let gateway: GatewayHandle;
  let events: EventCollector;

  beforeAll(async () => {
    samples = [sample(pydicomTestFile('CT_small.dcm')), sample(pydicomTestFile('MR_small.dcm')), ...synthetic(dir, 6)];
    [storescp, slow, pausing, orthanc, refusing, s3, database] = await Promise.all([
      startStorescp({ aet: 'STORE-SCP', extraArgs: ['+B', '--accept-all'] }),
      // Holds each C-STORE-RSP back for 8 s: longer than the 3 s route timeout below.
      startStorescp({ aet: 'SLOW-SCP', extraArgs: ['+B', '--accept-all', '--sleep-during', '8'] }),
      // Holds each C-STORE-RSP back for 4 s: time to kill the router in the middle of a delivery.
      startStorescp({ aet: 'PAUSING-SCP', extraArgs: ['+B', '--accept-all', '--sleep-during', '4'] }),
      startOrthanc({ aet: 'ORTHANC' }),
      startRefusingPacs(),
      S3Server.start([BUCKET]),
      createTestDatabase('sync'),
    ]);
    downPort = await getFreePort();
    const production = {
      listeners: [
        { name: 'both', localAet: 'SYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: 'to-both', routeTimeoutSeconds: 20 },
        { name: 'one-down', localAet: 'SYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: 'to-storescp-and-down', routeTimeoutSeconds: 20 },
        { name: 'refusing', localAet: 'SYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: 'to-refusing', routeTimeoutSeconds: 20 },
        { name: 'slow', localAet: 'SYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: 'to-slow', routeTimeoutSeconds: 3 },
        // Longer than the router's 30 s acknowledgement wait, after which JetStream redelivers.
        { name: 'crash', localAet: 'SYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: 'to-pausing', routeTimeoutSeconds: 75 },
      ],
      destinations: [
        // storescp serves one association at a time: a second would wait for the first to be released.
        destination('storescp', storescp.port, 'STORE-SCP', { maxAssociations: 1 }),
        destination('orthanc', orthanc.dicomPort, 'ORTHANC'),
        destination('down', downPort, 'NOBODY'),
        destination('refusing', refusing.port, 'REFUSING'),
        destination('slow-pacs', slow.port, 'SLOW-SCP', { maxAssociations: 1 }),
        destination('pausing-pacs', pausing.port, 'PAUSING-SCP', { maxAssociations: 1 }),
      ],
      routes: [
        { name: 'to-both', condition: 'true', destinations: ['storescp', 'orthanc'] },
        { name: 'to-storescp-and-down', condition: 'true', destinations: ['storescp', 'down'] },
        { name: 'to-refusing', condition: 'true', destinations: ['refusing'] },
        { name: 'to-slow', condition: 'true', destinations: ['slow-pacs'] },
        { name: 'to-pausing', condition: 'true', destinations: ['pausing-pacs'] },
      ],
      associations: associationsFor(samples),
    };
    const shared = {
      ...s3Env(s3.endpoint, `s3://${BUCKET}/objects`),
      NATS_URL,
    };
    gateway = await startGateway({ production, env: { ...shared, DATABASE_URL: database.url } });
    events = await EventCollector.start();
    routerEnv = { ...shared, PRODUCTION_CONFIG: path.join(gateway.dir, 'production.yaml'), DATA_DIR: path.join(dir, 'router-data') };
    router = await startRouter(routerEnv);
  }, 120_000);

  afterAll(async () => {
    await events?.close();
    await gateway?.stop();
    await router?.stop({ graceMs: 5000 });
    refusing?.close();
    await Promise.all([storescp?.stop(), slow?.stop(), pausing?.stop(), orthanc?.stop(), s3?.stop(), database?.drop()]);
  });

  it('delivers every instance to storescp and Orthanc, byte for byte, before storescu hears Success', async () => {
    const sent = await modalitySends(gateway.listenerPorts['both'], samples.map((s) => s.file));
    expect({ code: sent.code, successes: sent.successes }).toEqual({ code: 0, successes: samples.length });
    // No waiting: Success promised that both destinations already hold each instance, and each
    // holds the data set exactly as storescu sent it (as stored in S3).
    const location = createStorageLocation(`s3://${BUCKET}/objects`, {
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKeyId: S3RVER_CREDENTIALS.accessKeyId,
      secretAccessKey: S3RVER_CREDENTIALS.secretAccessKey,
      forcePathStyle: true,
    });
    for (const s of samples) {
      const stored = await storedDataSet(gateway, location, s.sopInstanceUid);
      expect({ uid: s.sopInstanceUid, storescp: receivedBy(storescp, s.sopInstanceUid)?.equals(stored) }).toEqual({ uid: s.sopInstanceUid, storescp: true });
      expect({ uid: s.sopInstanceUid, orthanc: (await orthancDataSet(orthanc, s.sopInstanceUid))?.equals(stored) }).toEqual({
        uid: s.sopInstanceUid,
        orthanc: true,
      });
    }
    // One delivery.succeeded event per destination and instance, status 0000H, attempt 1.
    const seen = await events.waitUntil((all) => samples.every((s) => deliveries(all, s.sopInstanceUid).length >= 2), 10_000, 'delivery events');
    for (const s of samples) {
      expect(deliveries(seen, s.sopInstanceUid)).toEqual([
        ['dicom.events.delivery.succeeded.v1', 'orthanc', 0],
        ['dicom.events.delivery.succeeded.v1', 'storescp', 0],
      ]);
    }
    const one = seen.find((e) => e.subject === 'dicom.events.delivery.succeeded.v1' && e.event.subject === samples[0].sopInstanceUid);
    expect(one?.event).toMatchObject({ source: '/dicom-router/storage-router', data: { attempt: 1, errorComment: null, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    // The gateway logged the verdict; the router did the sending.
    expect(gateway.logRecords().filter((r) => r['msg'] === 'instance routed')).toHaveLength(samples.length);
    expect(router.stdout()).toContain('instance routed');
  });

  it('answers a failure naming the destination that is down; nothing is reported delivered to it; the other still receives it', async () => {
    const [instance] = synthetic(dir, 1);
    const sent = await modalitySends(gateway.listenerPorts['one-down'], [instance.file], true);
    // storescu -d dumps the C-STORE-RSP: its status and the Error Comment.
    expect(sent.output).toMatch(/DIMSE Status\s*: 0xa700/);
    expect(sent.output).toMatch(/\(0000,0902\) LO \[not delivered to down\]/);
    expect(receivedBy(storescp, instance.sopInstanceUid)?.equals(instance.dataSet)).toBe(true);
    const seen = await events.waitUntil((all) => deliveries(all, instance.sopInstanceUid).length >= 2, 10_000, 'delivery events');
    expect(deliveries(seen, instance.sopInstanceUid)).toEqual([
      ['dicom.events.delivery.failed.v1', 'down', null],
      ['dicom.events.delivery.succeeded.v1', 'storescp', 0],
    ]);
  });

  it('passes a PACS answering A700H on as a failure naming it', async () => {
    const [instance] = synthetic(dir, 1);
    const sent = await modalitySends(gateway.listenerPorts['refusing'], [instance.file], true);
    // The destination answered a failure: 0110H Processing failure (272) for the modality, naming it.
    expect(sent.output).toMatch(/DIMSE Status\s*: 0x0110/);
    expect(sent.output).toMatch(/\(0000,0902\) LO \[not delivered to refusing\]/);
    const seen = await events.waitUntil((all) => deliveries(all, instance.sopInstanceUid).length >= 1, 10_000, 'delivery events');
    expect(deliveries(seen, instance.sopInstanceUid)).toEqual([['dicom.events.delivery.failed.v1', 'refusing', 0xa700]]);
  });

  it('answers A700H within the route timeout when a destination is too slow', async () => {
    const [instance] = synthetic(dir, 1);
    const sent = await modalitySends(gateway.listenerPorts['slow'], [instance.file], true);
    expect(sent.output).toMatch(/DIMSE Status\s*: 0xa700/);
    expect(sent.output).toMatch(/\(0000,0902\) LO \[no answer in time from slow-pacs\]/);
    // 3 s route timeout; storescu's own start-up and association take well under 2 s more.
    expect(sent.elapsedMs).toBeLessThan(5_000);
  });

  it('survives a storage-router killed in the middle of a delivery: JetStream redelivers the command to its successor', async () => {
    const [instance] = synthetic(dir, 1);
    const sending = storescu({
      port: gateway.listenerPorts['crash'],
      callingAet: 'STORESCU',
      calledAet: 'SYNC-ROUTER',
      files: [instance.file],
      // The answer comes after the 30 s acknowledgement wait: DCMTK's DIMSE timeout must be longer.
      extraArgs: ['-v', '-td', '90'],
      timeoutMs: 120_000,
    });
    // The router has the command and is inside the destination's 4 s pause.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await router.stop({ signal: 'SIGKILL' });
    router = await startRouter(routerEnv);

    const sent = await sending;
    const output = `${sent.stdout}\n${sent.stderr}`;
    expect(output).toMatch(/Received Store Response \(Success\)/);
    expect(receivedBy(pausing, instance.sopInstanceUid)?.equals(instance.dataSet)).toBe(true);
    // Delivered by the second router, on the command's second delivery.
    const seen = await events.waitUntil((all) => deliveries(all, instance.sopInstanceUid).length >= 1, 10_000, 'delivery event');
    const succeeded = seen.filter((e) => e.event.subject === instance.sopInstanceUid && e.subject === 'dicom.events.delivery.succeeded.v1');
    expect(succeeded.map((e) => e.event.data.attempt)).toEqual([2]);
    expect(router.stdout()).toContain('instance routed');
  }, 120_000);
});

describe('sync routing in the all-in-one process (embedded defaults)', () => {
  const dir = tempDir('sync-routing-embedded');
  let ct: Sample;
  let mr: Sample;
  let other: Sample;
  let pacsA: StorescpPeer;
  let pacsB: StorescpPeer;
  let orthanc: OrthancPeer;
  let gateway: GatewayHandle;
  const intake = path.join(dir, 'intake');
  const archive = path.join(dir, 'archive');
  const errors = path.join(dir, 'errors');

  beforeAll(async () => {
    ct = sample(pydicomTestFile('CT_small.dcm'));
    mr = sample(pydicomTestFile('MR_small.dcm'));
    [other] = synthetic(dir, 1);
    fs.mkdirSync(intake, { recursive: true });
    [pacsA, pacsB, orthanc] = await Promise.all([
      startStorescp({ aet: 'PACS-A', extraArgs: ['+B', '--accept-all'] }),
      startStorescp({ aet: 'PACS-B', extraArgs: ['+B', '--accept-all'] }),
      startOrthanc({ aet: 'ORTHANC' }),
    ]);
    gateway = await startGateway({
      production: {
        listeners: [
          { name: 'by-modality', localAet: 'SYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: ['ct-to-a', 'mr-to-b'], noRouteStatus: 'success' },
          { name: 'strict', localAet: 'SYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: ['ct-to-a', 'mr-to-b'], noRouteStatus: 'failure' },
        ],
        destinations: [
          destination('a', pacsA.port, 'PACS-A', { maxAssociations: 1 }),
          destination('b', pacsB.port, 'PACS-B', { maxAssociations: 1 }),
          destination('orthanc', orthanc.dicomPort, 'ORTHANC'),
        ],
        routes: [
          { name: 'ct-to-a', condition: 'modality == "CT"', destinations: ['a'] },
          { name: 'mr-to-b', condition: 'modality == "MR"', destinations: ['b'] },
          { name: 'files-to-orthanc', condition: 'true', destinations: ['orthanc'] },
        ],
        fileIntakes: [
          { name: 'folder', path: intake, target: 'files-to-orthanc', afterStore: 'move', archivePath: archive, errorPath: errors, scanIntervalSeconds: 1, settleSeconds: 1 },
        ],
        associations: associationsFor([ct, mr, other]),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([pacsA?.stop(), pacsB?.stop(), orthanc?.stop()]);
  });

  it('sends CT to A, MR to B and everything else nowhere, answering Success when no route matches', async () => {
    const sent = await modalitySends(gateway.listenerPorts['by-modality'], [ct.file, mr.file, other.file]);
    expect({ code: sent.code, successes: sent.successes }).toEqual({ code: 0, successes: 3 });
    const location = createStorageLocation(`file://${path.join(gateway.dir, 'data', 'storage')}`);
    expect(receivedBy(pacsA, ct.sopInstanceUid)?.equals(await storedDataSet(gateway, location, ct.sopInstanceUid))).toBe(true);
    expect(receivedBy(pacsB, mr.sopInstanceUid)?.equals(await storedDataSet(gateway, location, mr.sopInstanceUid))).toBe(true);
    expect(pacsA.receivedFiles().some((f) => f.endsWith(mr.sopInstanceUid) || f.endsWith(other.sopInstanceUid))).toBe(false);
    expect(pacsB.receivedFiles().some((f) => f.endsWith(ct.sopInstanceUid) || f.endsWith(other.sopInstanceUid))).toBe(false);
    expect(gateway.logRecords().find((r) => r['msg'] === 'instance routed' && r['sopInstanceUid'] === other.sopInstanceUid)).toMatchObject({ outcome: 'no-route', status: 0 });
  });

  it("answers 0110H 'no route matched' when the listener's policy says so", async () => {
    const [unmatched] = synthetic(dir, 1);
    const sent = await modalitySends(gateway.listenerPorts['strict'], [unmatched.file], true);
    expect(sent.output).toMatch(/DIMSE Status\s*: 0x0110/);
    expect(sent.output).toMatch(/\(0000,0902\) LO \[no route matched\]/);
  });

  it('routes files dropped into an intake folder to Orthanc, then archives them', async () => {
    const files = synthetic(dir, 3);
    for (const f of files) fs.copyFileSync(f.file, path.join(intake, path.basename(f.file)));
    const deadline = Date.now() + 30_000;
    while (fs.readdirSync(intake).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(fs.readdirSync(intake)).toEqual([]);
    expect(fs.readdirSync(archive).sort()).toEqual(files.map((f) => path.basename(f.file)).sort());
    for (const f of files) expect((await orthancDataSet(orthanc, f.sopInstanceUid))?.equals(f.dataSet)).toBe(true);
  });
});
