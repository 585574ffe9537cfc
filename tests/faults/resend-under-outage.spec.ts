/**
 * Fault: a modality re-sends an instance that was already answered Success and announced, while
 * neither NATS nor the outbox database can take the new copy's event. The re-send must fail (A700H),
 * and the copy answered before must stay in the StorageLocation exactly as announced: a failed store
 * never removes an object it did not write itself. Run on S3 (s3rver) and on files, with the
 * gateway's NATS and PostgreSQL reached through loopback forwarders the test cuts.
 */
import { Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { EventCollector, NATS_URL, type ReceivedEvent } from '../support/jetstream-events';
import { stopAll } from '../support/processes';
import { TcpProxy } from '../support/tcp-proxy';
import { reportFaultScenario } from './fault-report';
import { fileStorage, s3Storage, type StorageUnderTest } from './fault-storage';
import { freshCtUids, keyOf, MODALITY_ASSOCIATION, sha256, storeOnce } from './modality';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['S3', s3Storage],
  ['files', fileStorage],
] as const)('fault: re-send of an acked instance while NATS and the outbox are down (%s)', (kind, makeStorage) => {
  let storage: StorageUnderTest;
  let natsProxy: TcpProxy;
  let databaseProxy: TcpProxy;
  let database: TestDatabase;
  let gateway: GatewayHandle;
  let collector: EventCollector;

  beforeAll(async () => {
    storage = await makeStorage();
    natsProxy = new TcpProxy(Number(new URL(NATS_URL).port));
    await natsProxy.open(0);
    database = await createTestDatabase();
    const databaseUrl = new URL(database.url);
    databaseProxy = new TcpProxy(Number(databaseUrl.port || 5432));
    databaseUrl.port = String(await databaseProxy.open(0));
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['MODALITY'] }],
        associations: [MODALITY_ASSOCIATION],
      },
      env: { ...storage.env, NATS_URL: `nats://127.0.0.1:${natsProxy.port}`, DATABASE_URL: databaseUrl.href },
    });
    collector = await EventCollector.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await collector?.close();
    await natsProxy?.close();
    await databaseProxy?.close();
    await database?.drop();
    await storage?.close();
    await stopAll();
  });

  const store = (uids: Parameters<typeof keyOf>[0], columns: number) => storeOnce(gateway.dicomPort, uids, columns);

  const storedEvents = (events: ReceivedEvent[], sop: string) => events.filter((e) => e.event.type === 'dicom.instance.stored.v1' && e.event.subject === sop);

  it('answers the re-send A700H and keeps the copy answered before, as announced, through and after the outage', async () => {
    const uids = freshCtUids();
    const first = await store(uids, 64);
    expect(first.status).toBe(Status.Success);
    const [announced] = storedEvents(await collector.waitUntil((all) => storedEvents(all, uids.sopInstanceUid).length === 1, 15_000, 'first stored event'), uids.sopInstanceUid);
    const acked = await storage.read(keyOf(uids));
    expect(acked).not.toBeNull();
    expect(announced.event.data.storage).toMatchObject({ key: keyOf(uids), sha256: sha256(acked!) });

    // A different copy of the same SOP Instance (other pixel columns) while both NATS and PostgreSQL are cut.
    await natsProxy.close();
    await databaseProxy.close();
    let resent: { status: number; errorComment?: string };
    try {
      resent = await store(uids, 32);
      expect(await storage.read(keyOf(uids))).toEqual(acked);
    } finally {
      await databaseProxy.open();
      await natsProxy.open();
    }
    expect(resent.status).toBe(Status.OutOfResources);
    expect(resent.errorComment).toMatch(/event bus and outbox unavailable/);

    // After recovery the acked copy is still the one announced, and nothing new was announced.
    await sleep(2000);
    const after = await storage.read(keyOf(uids));
    expect(after && sha256(after)).toBe(announced.event.data.storage.sha256);
    expect(storedEvents(collector.events(), uids.sopInstanceUid)).toHaveLength(1);

    // The modality's retry, now that both are back, replaces the copy and is announced with its checksum.
    expect((await store(uids, 32)).status).toBe(Status.Success);
    const events = storedEvents(await collector.waitUntil((all) => storedEvents(all, uids.sopInstanceUid).length === 2, 15_000, 'stored event of the retry'), uids.sopInstanceUid);
    const replaced = await storage.read(keyOf(uids));
    expect(events[1].event.data.storage.sha256).toBe(sha256(replaced!));
    expect(replaced).not.toEqual(acked);

    const statuses = [first.status, resent.status, Status.Success];
    const lost = after && sha256(after) === announced.event.data.storage.sha256 ? 0 : 1;
    reportFaultScenario(`re-send under outage (${kind})`, {
      sent: statuses.length,
      acked: statuses.filter((s) => s === Status.Success).length,
      stored: replaced ? 1 : 0,
      announced: events.length,
      lost,
      duplicates: 0,
    });
    expect(lost).toBe(0);
  });
});
