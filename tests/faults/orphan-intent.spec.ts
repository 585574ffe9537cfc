/**
 * Fault: the gateway dies after an object became visible and before its stored event was durable,
 * which leaves an object nobody announced. Its store intent, written before the object, is how the
 * router finds it again:
 * - a `keep-first` (or `reject`) re-send of that instance announces the stored copy before it is
 *   answered, so Success never stands for an instance that no consumer heard of;
 * - a restarted gateway's sweep announces what older intents left behind, or drops intents whose
 *   store never finished.
 * NATS is stalled through a forwarder the test owns (publishes hang until their timeout), so the kill
 * lands exactly in that window.
 */
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { EventCollector, NATS_URL, type ReceivedEvent } from '../support/jetstream-events';
import { stopAll } from '../support/processes';
import { TcpProxy } from '../support/tcp-proxy';
import type { CtUids } from '../support/store-bytes';
import { reportFaultScenario } from './fault-report';
import { fileStorage, s3Storage, type StorageUnderTest } from './fault-storage';
import { freshCtUids, keyOf, MODALITY_ASSOCIATION, openModalityAssociation, sha256, storeCt, storeOnce } from './modality';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['S3', s3Storage],
  ['files', fileStorage],
] as const)('fault: an object left without its event (%s)', (kind, makeStorage) => {
  let storage: StorageUnderTest;
  let database: TestDatabase;
  let sql: Client;
  let natsProxy: TcpProxy;
  let collector: EventCollector;
  const gateways: GatewayHandle[] = [];

  const production = (policy: 'keep-first' | 'reject') => ({
    listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['MODALITY'], duplicateInstancePolicy: policy }],
    associations: [MODALITY_ASSOCIATION],
  });
  const env = () => ({ ...storage.env, NATS_URL: `nats://127.0.0.1:${natsProxy.port}`, DATABASE_URL: database.url });
  const storedEvents = (events: ReceivedEvent[], sop: string) => events.filter((e) => e.event.type === 'dicom.instance.stored.v1' && e.event.subject === sop);
  const openIntents = async (key: string): Promise<Array<{ event_id: string }>> =>
    (await sql.query('SELECT event_id FROM store_intent WHERE object_key = $1', [key])).rows;

  async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  beforeAll(async () => {
    storage = await makeStorage();
    database = await createTestDatabase();
    natsProxy = new TcpProxy(Number(new URL(NATS_URL).port));
    await natsProxy.open(0);
    // The first gateway creates the schema and the stream.
    gateways.push(await startGateway({ production: production('keep-first'), env: env() }));
    collector = await EventCollector.start();
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });

  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await sql?.end();
    await collector?.close();
    await natsProxy?.close();
    await database?.drop();
    await storage?.close();
    await stopAll();
  });

  /** Stores `uids` with NATS stalled and kills the gateway once the object is visible, before any event. */
  async function leaveOrphan(gateway: GatewayHandle, uids: CtUids): Promise<string> {
    natsProxy.stall();
    try {
      const association = await openModalityAssociation(gateway.dicomPort);
      const answered = storeCt(association, uids).catch(() => undefined);
      await until(async () => (await storage.read(keyOf(uids))) !== null, 10_000, 'the object to become visible');
      await gateway.process.stop({ signal: 'SIGKILL' });
      expect(await answered).toBeUndefined();
    } finally {
      // Dropped, not resumed: what the dead gateway had sent into the stalled forwarder never arrives.
      await natsProxy.close();
      await natsProxy.open();
    }
    const intents = await openIntents(keyOf(uids));
    expect(intents).toHaveLength(1);
    return intents[0].event_id;
  }

  it.each(['keep-first', 'reject'] as const)('a %s re-send announces the orphan before it is answered', async (policy) => {
    const uids = freshCtUids();
    const intentId = await leaveOrphan(gateways[gateways.length - 1], uids);
    await sleep(500);
    expect(storedEvents(collector.events(), uids.sopInstanceUid)).toEqual([]);

    const restarted = await startGateway({ production: production(policy), env: env() });
    gateways.push(restarted);
    const resent = await storeOnce(restarted.dicomPort, uids);
    expect(resent.status).toBe(policy === 'keep-first' ? Status.Success : Status.DuplicateSopInstance);

    const [announced] = storedEvents(await collector.waitUntil((all) => storedEvents(all, uids.sopInstanceUid).length > 0, 10_000, 'the orphan announced'), uids.sopInstanceUid);
    const object = await storage.read(keyOf(uids));
    expect(announced.event.id).toBe(intentId);
    expect(announced.event.data.storage).toMatchObject({ key: keyOf(uids), size: object!.length, sha256: sha256(object!) });
    expect(await openIntents(keyOf(uids))).toEqual([]);
    await sleep(1000);
    const events = storedEvents(collector.events(), uids.sopInstanceUid);
    reportFaultScenario(`${policy} after an orphan (${kind})`, {
      sent: 2,
      acked: resent.status === Status.Success ? 1 : 0,
      stored: object ? 1 : 0,
      announced: events.length,
      lost: object && events.some((e) => e.event.data.storage.sha256 === sha256(object)) ? 0 : 1,
      duplicates: events.length - 1,
    });
    expect(events).toHaveLength(1);
  });

  it("a restarted gateway's sweep announces objects that old intents name and drops intents of stores that never finished", async () => {
    const orphan = freshCtUids();
    const intentId = await leaveOrphan(gateways[gateways.length - 1], orphan);
    // An intent whose store never got as far as its object.
    const unfinished = freshCtUids();
    const unfinishedId = randomUUID();
    await sql.query(`INSERT INTO store_intent (event_id, object_key, event) VALUES ($1, $2, $3)`, [unfinishedId, keyOf(unfinished), JSON.stringify({ id: unfinishedId })]);
    // Both as old as the sweep's grace (a minute), as after a pod that died a while ago.
    await sql.query(`UPDATE store_intent SET created_at = created_at - interval '2 minutes' WHERE event_id IN ($1, $2)`, [intentId, unfinishedId]);

    gateways.push(await startGateway({ production: production('keep-first'), env: env() }));
    const [announced] = storedEvents(await collector.waitUntil((all) => storedEvents(all, orphan.sopInstanceUid).length > 0, 15_000, 'the sweep to announce the orphan'), orphan.sopInstanceUid);
    const object = await storage.read(keyOf(orphan));
    expect(announced.event.id).toBe(intentId);
    expect(announced.event.data.storage.sha256).toBe(sha256(object!));
    await until(async () => (await openIntents(keyOf(unfinished))).length === 0 && (await openIntents(keyOf(orphan))).length === 0, 10_000, 'both intents settled');
    expect(await storage.read(keyOf(unfinished))).toBeNull();
    expect(storedEvents(collector.events(), unfinished.sopInstanceUid)).toEqual([]);
  });
});
