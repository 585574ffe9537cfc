/**
 * C-STORE into S3 (s3rver on loopback, path style) with events on real NATS JetStream: objects land
 * under the documented key with the data set bytes that went over the wire, each instance is
 * announced exactly once with a key, size and checksum that match the object in S3, republishing an
 * event is deduplicated by its Nats-Msg-Id, and neither an S3 outage nor a NATS outage ever earns a
 * success status unless the event is durable in the outbox (docs/architecture.md §4, §5). Outages of S3, NATS
 * and PostgreSQL are made with loopback forwarders that the gateway talks through, so the shared
 * servers keep running for the subscriber and the other suites.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LeadingAttributesReader, readFileMetaInformation } from '@dicom-router/dicom-data';
import { ClientAssociation, DicomClient, Status } from '@dicom-router/dicom-network';
import { startStorescp, storescu, type StorescpPeer } from '../support/dcmtk';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { EventCollector, EVENTS_STREAM_NAME, NATS_URL, type ReceivedEvent } from '../support/jetstream-events';
import { stopAll } from '../support/processes';
import { readS3Object, s3Env, S3Server, s3TestClient } from '../support/s3-server';
import { CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN, largeCtDataSet } from '../support/store-bytes';
import { TcpProxy } from '../support/tcp-proxy';
import { pydicomTestFile } from '../support/tools';

const BUCKET = 'dicom';
const PREFIX = `router/run-${Date.now().toString(36)}`;
const STORED_TYPE = 'dicom.instance.stored.v1';
const EVENT_SOURCE = '/dicom-router/dicom-gateway';
const KEY_LAYOUT = /^studies\/([0-9.]+)\/series\/([0-9.]+)\/instances\/([0-9.]+)\.dcm$/;

interface Sample {
  name: string;
  file: string;
  /** storescu -x flag proposing the file's own compressed syntax. */
  flags: string[];
  sopClassUid: string;
  /** (0008,0018) of the data set: what storescu sends as Affected SOP Instance UID. */
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

const SAMPLE_FILES: ReadonlyArray<[string, string[]]> = [
  ['CT_small.dcm', []],
  ['MR_small.dcm', []],
  ['rtplan.dcm', []],
  ['image_dfl.dcm', ['-xd']],
  // JPEG2000.dcm is encoded in 1.2.840.10008.1.2.4.91 (JPEG 2000), which storescu proposes with
  // -xw; with -xv (lossless only) it would have to decompress, which DCMTK cannot do.
  ['JPEG2000.dcm', ['-xw']],
];

function loadSample(name: string, flags: string[]): Sample & { transferSyntaxUid: string } {
  const file = pydicomTestFile(name);
  const bytes = fs.readFileSync(file);
  const meta = readFileMetaInformation(bytes);
  const reader = new LeadingAttributesReader(meta.transferSyntaxUid);
  reader.push(bytes.subarray(meta.dataSetOffset));
  reader.end();
  const attributes = reader.result();
  const need = (keyword: string): string => {
    const value = attributes.get(keyword);
    if (!value) throw new Error(`${name} has no ${keyword}`);
    return value;
  };
  return {
    name,
    file,
    flags,
    sopClassUid: meta.mediaStorageSopClassUid,
    sopInstanceUid: attributes.get('SOPInstanceUID') ?? meta.mediaStorageSopInstanceUid,
    studyInstanceUid: need('StudyInstanceUID'),
    seriesInstanceUid: need('SeriesInstanceUID'),
    transferSyntaxUid: meta.transferSyntaxUid,
  };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const freshUid = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

describe('C-STORE into S3 with events on NATS JetStream', () => {
  const samples = SAMPLE_FILES.map(([name, flags]) => loadSample(name, flags));
  let s3: S3Server;
  let s3Proxy: TcpProxy;
  let natsProxy: TcpProxy;
  let databaseProxy: TcpProxy;
  let s3Client: S3Client;
  let gateway: GatewayHandle;
  let database: TestDatabase;
  let collector: EventCollector;
  let reference: StorescpPeer;

  beforeAll(async () => {
    s3 = await S3Server.start([BUCKET]);
    s3Proxy = new TcpProxy(s3.port);
    await s3Proxy.open(0);
    natsProxy = new TcpProxy(Number(new URL(NATS_URL).port));
    await natsProxy.open(0);
    s3Client = s3TestClient(s3.endpoint);
    const uncompressed = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2'];
    const transferSyntaxes = [...new Set([...uncompressed, ...samples.map((s) => s.transferSyntaxUid)])];
    const sopClasses = [...new Set([...samples.map((s) => s.sopClassUid), CT_IMAGE_STORAGE])];
    database = await createTestDatabase();
    const databaseUrl = new URL(database.url);
    databaseProxy = new TcpProxy(Number(databaseUrl.port || 5432));
    databaseUrl.port = String(await databaseProxy.open(0));
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['STORESCU', 'ROUTER-SCU'] }],
        associations: ['STORESCU', 'ROUTER-SCU'].map((callingAet) => ({
          name: callingAet,
          callingAet,
          calledAet: 'DICOM-ROUTER',
          presentationContexts: sopClasses.map((abstractSyntax) => ({ abstractSyntax, transferSyntaxes })),
        })),
      },
      env: {
        ...s3Env(`http://127.0.0.1:${s3Proxy.port}`, `s3://${BUCKET}/${PREFIX}`),
        NATS_URL: `nats://127.0.0.1:${natsProxy.port}`,
        DATABASE_URL: databaseUrl.href,
      },
    });
    // After the gateway: it creates (or updates) the stream at start-up.
    collector = await EventCollector.start();
    reference = await startStorescp({ aet: 'REFERENCE', extraArgs: ['+B', '--accept-all'], verbose: false });
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    await reference?.stop();
    await collector?.close();
    s3Client?.destroy();
    await s3Proxy?.close();
    await natsProxy?.close();
    await databaseProxy?.close();
    await s3?.stop();
    await stopAll();
  });

  const storedEventsFor = (events: ReceivedEvent[], sopInstanceUid: string) =>
    events.filter((e) => e.event.type === STORED_TYPE && e.event.subject === sopInstanceUid);

  const getObject = (key: string): Promise<Buffer | null> => readS3Object(s3Client, BUCKET, `${PREFIX}/${key}`);

  /** What DCMTK storescp in bit-preserving mode received from the same storescu invocation. */
  function receivedByReference(sopInstanceUid: string): { transferSyntaxUid: string; dataSet: Buffer } {
    const name = reference.receivedFiles().find((f) => f.endsWith(`.${sopInstanceUid}`) || f.endsWith(`${sopInstanceUid}.dcm`));
    if (!name) throw new Error(`storescp received nothing for ${sopInstanceUid}: ${reference.receivedFiles().join(', ')}`);
    const bytes = fs.readFileSync(path.join(reference.outputDir, name));
    const meta = readFileMetaInformation(bytes);
    return { transferSyntaxUid: meta.transferSyntaxUid, dataSet: bytes.subarray(meta.dataSetOffset) };
  }

  function connect(): Promise<ClientAssociation> {
    return DicomClient.connect({
      host: '127.0.0.1',
      port: gateway.dicomPort,
      connectTimeoutMs: 3000,
      callingAet: 'ROUTER-SCU',
      calledAet: 'DICOM-ROUTER',
      dimseTimeoutMs: 30_000,
      implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'S3NATS_TEST' },
      presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
    });
  }

  /** One small generated CT instance over our own SCU; returns the response status and comment. */
  async function storeGenerated(uids: { sopInstanceUid: string; studyInstanceUid: string; seriesInstanceUid: string }) {
    const dataSet = largeCtDataSet(uids, 64, 64).bytes();
    const association = await connect();
    try {
      const { status, errorComment } = await association.store({
        sopClassUid: CT_IMAGE_STORAGE,
        sopInstanceUid: uids.sopInstanceUid,
        transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
        dataSet,
      });
      return { status, errorComment };
    } finally {
      await association.release();
    }
  }

  const newUids = () => ({ sopInstanceUid: freshUid(), studyInstanceUid: freshUid(), seriesInstanceUid: freshUid() });
  const keyOf = (u: { sopInstanceUid: string; studyInstanceUid: string; seriesInstanceUid: string }) =>
    `studies/${u.studyInstanceUid}/series/${u.seriesInstanceUid}/instances/${u.sopInstanceUid}.dcm`;

  it('stores each storescu instance under its key, byte for byte, and announces it exactly once', async () => {
    for (const sample of samples) {
      const args = { callingAet: 'STORESCU', files: [sample.file], extraArgs: ['-R', ...sample.flags] };
      const toReference = await storescu({ ...args, port: reference.port, calledAet: 'REFERENCE' });
      expect({ name: sample.name, code: toReference.code, err: toReference.stderr }).toEqual({ name: sample.name, code: 0, err: '' });
      const sent = await storescu({ ...args, port: gateway.dicomPort, calledAet: 'DICOM-ROUTER' });
      expect({ name: sample.name, code: sent.code, err: sent.stderr }).toEqual({ name: sample.name, code: 0, err: '' });
    }

    const uids = samples.map((s) => s.sopInstanceUid);
    await collector.waitUntil((events) => uids.every((uid) => storedEventsFor(events, uid).length >= 1), 15_000, 'stored event for every instance');
    // A second copy would be published right after the first; give it the time to show up.
    await sleep(1000);
    const events = collector.events();

    for (const sample of samples) {
      const stored = storedEventsFor(events, sample.sopInstanceUid);
      expect({ name: sample.name, storedEvents: stored.length }).toEqual({ name: sample.name, storedEvents: 1 });
      const { event, msgId, subject, contentType } = stored[0];
      const key = `studies/${sample.studyInstanceUid}/series/${sample.seriesInstanceUid}/instances/${sample.sopInstanceUid}.dcm`;
      const object = await getObject(key);
      expect({ name: sample.name, inBucket: object !== null }).toEqual({ name: sample.name, inBucket: true });
      const bytes = object as Buffer;
      const head = await s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}` }));

      const onTheWire = receivedByReference(sample.sopInstanceUid);
      const meta = readFileMetaInformation(bytes);
      expect({ name: sample.name, identical: bytes.subarray(meta.dataSetOffset).equals(onTheWire.dataSet) }).toEqual({ name: sample.name, identical: true });
      expect({ name: sample.name, ts: meta.transferSyntaxUid, sop: meta.mediaStorageSopInstanceUid, cls: meta.mediaStorageSopClassUid }).toEqual({
        name: sample.name,
        ts: onTheWire.transferSyntaxUid,
        sop: sample.sopInstanceUid,
        cls: sample.sopClassUid,
      });

      // CloudEvents 1.0 envelope, on the subject the contract names, with the id as Nats-Msg-Id.
      expect(subject).toBe('dicom.events.instance.stored.v1');
      expect(contentType).toBe('application/cloudevents+json');
      expect(event).toMatchObject({ specversion: '1.0', type: STORED_TYPE, source: EVENT_SOURCE, subject: sample.sopInstanceUid, datacontenttype: 'application/json' });
      expect(event.id).toEqual(expect.any(String));
      expect(event.id.length).toBeGreaterThan(0);
      expect(msgId).toBe(event.id);
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);

      expect(event.data).toMatchObject({
        source: 'association',
        callingAet: 'STORESCU',
        calledAet: 'DICOM-ROUTER',
        listener: 'main',
        sopInstanceUid: sample.sopInstanceUid,
        sopClassUid: sample.sopClassUid,
        studyInstanceUid: sample.studyInstanceUid,
        seriesInstanceUid: sample.seriesInstanceUid,
        transferSyntaxUid: meta.transferSyntaxUid,
        storage: { location: 's3', key, size: bytes.length, sha256: sha256(bytes) },
      });
      expect(event.data.storage.key).toMatch(KEY_LAYOUT);
      expect(head.ContentLength).toBe(bytes.length);

      // Each storescu run was its own association: accepted and released events carry its id.
      const associationId = event.data.associationId as string;
      const lifecycle = await collector.waitUntil(
        (all) => ['accepted', 'released'].every((what) => all.some((e) => e.subject === `dicom.events.association.${what}.v1` && e.event.data.associationId === associationId)),
        10_000,
        `accepted and released events of association ${associationId}`,
      );
      for (const what of ['accepted', 'released']) {
        const matching = lifecycle.filter((e) => e.subject === `dicom.events.association.${what}.v1` && e.event.data.associationId === associationId);
        expect({ name: sample.name, what, count: matching.length }).toEqual({ name: sample.name, what, count: 1 });
        expect(matching[0].event).toMatchObject({ specversion: '1.0', type: `dicom.association.${what}.v1`, source: EVENT_SOURCE });
        expect(matching[0].msgId).toBe(matching[0].event.id);
        expect(matching[0].event.data).toMatchObject({ callingAet: 'STORESCU', calledAet: 'DICOM-ROUTER', listener: 'main' });
      }
    }

    // Nothing else in the bucket than the five objects, and no multipart upload left open.
    expect(await s3.objectKeys(BUCKET)).toEqual(
      samples.map((s) => `${PREFIX}/studies/${s.studyInstanceUid}/series/${s.seriesInstanceUid}/instances/${s.sopInstanceUid}.dcm`).sort(),
    );
    expect(await s3.openUploads(BUCKET)).toEqual([]);
  });

  it('deduplicates a republished stored event by its Nats-Msg-Id', async () => {
    const original = collector.events().find((e) => e.event.type === STORED_TYPE);
    expect(original).toBeDefined();
    const { seq, subject, event } = original!;
    const before = await collector.jsm.streams.info(EVENTS_STREAM_NAME);

    const ack = await collector.js.publish(subject, JSON.stringify(event), { msgID: event.id, timeout: 5000 });
    expect({ duplicate: ack.duplicate, stream: ack.stream, seq: ack.seq }).toEqual({ duplicate: true, stream: EVENTS_STREAM_NAME, seq });

    const after = await collector.jsm.streams.info(EVENTS_STREAM_NAME);
    // The stream is shared with whoever else publishes: whatever was appended meanwhile is someone
    // else's event, never a second copy of this one.
    const appended: string[] = [];
    for (let s = before.state.last_seq + 1; s <= after.state.last_seq; s++) {
      const message = await collector.jsm.streams.getMessage(EVENTS_STREAM_NAME, { seq: s });
      appended.push(message?.header?.get('Nats-Msg-Id') ?? '');
    }
    expect(appended).not.toContain(event.id);
    expect(after.state.messages - before.state.messages).toBe(appended.length);
    await sleep(500);
    expect(collector.events().filter((e) => e.event.id === event.id)).toHaveLength(1);
  });

  it('answers A700H with an Error Comment and announces nothing while S3 is unreachable', async () => {
    const uids = newUids();
    const releasedBefore = collector.events().filter((e) => e.subject === 'dicom.events.association.released.v1').length;
    await s3Proxy.close();
    let failed: Awaited<ReturnType<typeof storeGenerated>>;
    try {
      failed = await storeGenerated(uids);
    } finally {
      await s3Proxy.open();
    }
    expect(failed.status).toBe(Status.OutOfResources);
    expect(failed.errorComment).toMatch(/storage unavailable/i);

    // The association's release was announced, so the bus was working: only the instance is missing.
    await collector.waitUntil(
      (events) => events.filter((e) => e.subject === 'dicom.events.association.released.v1').length > releasedBefore,
      10_000,
      'released event of the failed association',
    );
    await sleep(1000);
    expect(storedEventsFor(collector.events(), uids.sopInstanceUid)).toEqual([]);
    expect(await getObject(keyOf(uids))).toBeNull();
    expect(await s3.openUploads(BUCKET)).toEqual([]);

    // S3 back: the same instance, sent again, is stored and announced.
    const retried = await storeGenerated(uids);
    expect(retried.status).toBe(Status.Success);
    const [stored] = await collector.waitUntil((events) => storedEventsFor(events, uids.sopInstanceUid).length === 1, 10_000, 'stored event after S3 returned').then((e) =>
      storedEventsFor(e, uids.sopInstanceUid),
    );
    const object = await getObject(keyOf(uids));
    expect(stored.event.data.storage).toMatchObject({ key: keyOf(uids), size: object?.length, sha256: sha256(object as Buffer) });
  });

  it('while NATS is unreachable answers success only because the outbox holds the event, and publishes it once NATS is back', async () => {
    const during = newUids();
    await natsProxy.close();
    const stored = await storeGenerated(during);
    // docs/architecture.md §5: the event is durable in PostgreSQL's outbox, so success is a promise kept.
    expect(stored.status).toBe(Status.Success);
    expect(await getObject(keyOf(during))).not.toBeNull();
    await sleep(1000);
    expect(storedEventsFor(collector.events(), during.sopInstanceUid)).toEqual([]);

    await natsProxy.open();
    const events = await collector.waitUntil((all) => storedEventsFor(all, during.sopInstanceUid).length === 1, 40_000, 'stored event relayed after NATS returned');
    const object = await getObject(keyOf(during));
    expect(storedEventsFor(events, during.sopInstanceUid)[0].event.data.storage).toMatchObject({ key: keyOf(during), size: object?.length, sha256: sha256(object as Buffer) });

    // And the normal path works again: a new C-STORE is announced directly.
    const next = newUids();
    expect((await storeGenerated(next)).status).toBe(Status.Success);
    await collector.waitUntil((all) => storedEventsFor(all, next.sopInstanceUid).length === 1, 15_000, 'stored event after NATS returned');
    // Exactly once: the relayed event is not published a second time.
    await sleep(2000);
    expect(storedEventsFor(collector.events(), during.sopInstanceUid)).toHaveLength(1);
  });

  /** Stores `count` generated instances on one association; the statuses and how long they took. */
  async function storeOnOneAssociation(count: number): Promise<{ statuses: number[]; uids: ReturnType<typeof newUids>[]; ms: number; associationId?: string }> {
    const uids = Array.from({ length: count }, newUids);
    const dataSets = uids.map((u) => largeCtDataSet(u, 64, 64).bytes());
    const association = await connect();
    const statuses: number[] = [];
    const started = performance.now();
    try {
      for (const [i, u] of uids.entries()) {
        const { status } = await association.store({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: u.sopInstanceUid, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, dataSet: dataSets[i] });
        statuses.push(status);
      }
    } finally {
      await association.release();
    }
    return { statuses, uids, ms: performance.now() - started };
  }

  async function breakerMetrics(): Promise<{ open: number; opened: number; closed: number }> {
    const text = await (await fetch(`http://127.0.0.1:${gateway.httpPort}/metrics`)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    return {
      open: value(/^dicom_event_bus_breaker_open (\d+)/m),
      opened: value(/^dicom_event_bus_breaker_transitions_total\{to="open"\} (\d+)/m),
      closed: value(/^dicom_event_bus_breaker_transitions_total\{to="closed"\} (\d+)/m),
    };
  }

  it('during a NATS outage stores at close to normal speed on one association, and publishes every event once, in order, when NATS returns', async () => {
    const COUNT = 50;
    const normal = await storeOnOneAssociation(COUNT);
    expect(normal.statuses).toEqual(Array(COUNT).fill(Status.Success));
    const before = await breakerMetrics();
    expect(before.open).toBe(0);
    const logsBefore = gateway.logRecords().length;

    await natsProxy.close();
    let first: Awaited<ReturnType<typeof storeOnOneAssociation>>;
    let outage: Awaited<ReturnType<typeof storeOnOneAssociation>>;
    let during: Awaited<ReturnType<typeof breakerMetrics>>;
    try {
      // The lost connection (or else the first publish, timing out) opens the breaker ...
      first = await storeOnOneAssociation(1);
      // ... after which stores go straight to the outbox, and the association's release follows them there.
      outage = await storeOnOneAssociation(COUNT);
      during = await breakerMetrics();
    } finally {
      await natsProxy.open();
    }
    const rate = (r: { ms: number }, n: number) => ((n * 1000) / r.ms).toFixed(1);
    process.stdout.write(
      `C-STORE on one association: ${rate(normal, COUNT)}/s with NATS up; during the outage the first took ${first.ms.toFixed(0)} ms, then ${COUNT} in ${outage.ms.toFixed(0)} ms (${rate(outage, COUNT)}/s)\n`,
    );
    expect(first.statuses).toEqual([Status.Success]);
    expect(outage.statuses).toEqual(Array(COUNT).fill(Status.Success));
    expect(outage.ms).toBeLessThan(5_000);
    expect(during).toEqual({ open: 1, opened: before.opened + 1, closed: before.closed });

    // NATS back: the relay publishes the outbox and the breaker closes.
    const all = [...first.uids, ...outage.uids].map((u) => u.sopInstanceUid);
    const events = await collector.waitUntil((got) => all.every((uid) => storedEventsFor(got, uid).length >= 1), 40_000, 'stored events relayed after NATS returned');
    const deadline = Date.now() + 20_000;
    while ((await breakerMetrics()).open !== 0 && Date.now() < deadline) await sleep(200);
    expect(await breakerMetrics()).toEqual({ open: 0, opened: before.opened + 1, closed: before.closed + 1 });
    expect(gateway.logRecords().slice(logsBefore).filter((r) => /^event bus (unavailable|answers again)/.test(String(r['msg']))).map((r) => String(r['msg']).split(':')[0])).toEqual([
      'event bus unavailable',
      'event bus answers again and the outbox is published',
    ]);

    // Each instance once, and the association's release after every instance stored on it.
    const stored = outage.uids.map((u) => storedEventsFor(events, u.sopInstanceUid));
    expect(stored.map((list) => list.length)).toEqual(Array(COUNT).fill(1));
    const associationId = stored[0][0].event.data.associationId as string;
    const [released] = await collector.waitUntil(
      (got) => got.some((e) => e.subject === 'dicom.events.association.released.v1' && e.event.data.associationId === associationId),
      20_000,
      'released event of the association stored on during the outage',
    ).then((got) => got.filter((e) => e.subject === 'dicom.events.association.released.v1' && e.event.data.associationId === associationId));
    expect(Math.max(...stored.map((list) => list[0].seq))).toBeLessThan(released.seq);
    // In the order they were stored.
    expect(stored.map((list) => list[0].seq)).toEqual([...stored.map((list) => list[0].seq)].sort((a, b) => a - b));

    // Direct again: a store after the breaker closed is announced at once.
    const next = await storeOnOneAssociation(1);
    expect(next.statuses).toEqual([Status.Success]);
    await collector.waitUntil((got) => storedEventsFor(got, next.uids[0].sopInstanceUid).length === 1, 5_000, 'stored event published directly');
    await sleep(1000);
    expect(all.map((uid) => storedEventsFor(collector.events(), uid).length)).toEqual(Array(COUNT + 1).fill(1));
  }, 120_000);

  it('with neither NATS nor the outbox database reachable answers A700H, withdraws the object and announces nothing', async () => {
    const uids = newUids();
    await natsProxy.close();
    await databaseProxy.close();
    let failed: Awaited<ReturnType<typeof storeGenerated>>;
    try {
      failed = await storeGenerated(uids);
    } finally {
      await databaseProxy.open();
      await natsProxy.open();
    }
    // docs/architecture.md §5: no success without a durable event; PS3.4 B.2.3 A7xx, the reason in the Error Comment.
    expect(failed.status).toBe(Status.OutOfResources);
    expect(failed.errorComment).toMatch(/event bus and outbox unavailable/);
    expect(await getObject(keyOf(uids))).toBeNull();

    // Both back: the modality's retry is stored and announced, once.
    const retried = await storeGenerated(uids);
    expect(retried.status).toBe(Status.Success);
    await collector.waitUntil((all) => storedEventsFor(all, uids.sopInstanceUid).length === 1, 20_000, 'stored event of the retry');
    await sleep(2000);
    expect(storedEventsFor(collector.events(), uids.sopInstanceUid)).toHaveLength(1);
    expect(await getObject(keyOf(uids))).not.toBeNull();
  });
});
