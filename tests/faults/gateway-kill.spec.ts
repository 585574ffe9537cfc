/**
 * Fault: the gateway is killed (SIGKILL) in the middle of an association that is streaming
 * instances, then started again on the same StorageLocation, NATS and PostgreSQL. Every instance
 * answered Success before the kill must be in storage with the checksum its stored event announced
 * (the event may have been published at once, or relayed from the outbox by the restarted gateway).
 * What was in flight may be missing or stored without an event (never answered: the modality
 * retries it); that is counted, not lost.
 */
import { Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { EventCollector, NATS_URL, type ReceivedEvent } from '../support/jetstream-events';
import { stopAll } from '../support/processes';
import type { CtUids } from '../support/store-bytes';
import { reportFaultScenario } from './fault-report';
import { fileStorage, s3Storage, type StorageUnderTest } from './fault-storage';
import { freshCtUids, keyOf, MODALITY_ASSOCIATION, openModalityAssociation, sha256, storeCt } from './modality';

/** Kill-and-restart rounds: 1 in `npm test`, more in `npm run test:faults:long` (FAULT_ROUNDS). */
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 1);
/** Each round kills once this many more instances were acked: between 20 and 80, drawn per round. */
const ackedBeforeKill = (): number => 20 + Math.floor(Math.random() * 61);
const MAX_INSTANCES = 400;
const production = {
  listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['MODALITY'] }],
  associations: [MODALITY_ASSOCIATION],
};

describe.each([
  ['S3', s3Storage],
  ['files', fileStorage],
] as const)('fault: gateway killed mid-association (%s, NATS, PostgreSQL)', (kind, makeStorage) => {
  let storage: StorageUnderTest;
  let database: TestDatabase;
  let collector: EventCollector;
  let restarted: GatewayHandle | undefined;

  beforeAll(async () => {
    storage = await makeStorage();
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await restarted?.stop();
    await collector?.close();
    await database?.drop();
    await storage?.close();
    await stopAll();
  });

  it(`keeps every instance answered Success before each kill (${ROUNDS} round${ROUNDS === 1 ? '' : 's'}): stored, announced with its checksum`, async () => {
    const env = { ...storage.env, NATS_URL, DATABASE_URL: database.url };
    const acked: CtUids[] = [];
    const unanswered: CtUids[] = [];
    let sent = 0;
    let gateway = await startGateway({ production, env });
    collector = await EventCollector.start();
    for (let round = 0; round < ROUNDS; round++) {
      const killAfter = acked.length + ackedBeforeKill();
      let killed: Promise<unknown> | undefined;
      const association = await openModalityAssociation(gateway.dicomPort);
      for (let i = 0; i < MAX_INSTANCES; i++) {
        const uids = freshCtUids();
        sent++;
        if (acked.length === killAfter) killed ??= gateway.process.stop({ signal: 'SIGKILL' });
        const outcome = await storeCt(association, uids).catch(() => undefined);
        if (outcome?.status === Status.Success) acked.push(uids);
        else {
          unanswered.push(uids);
          break;
        }
      }
      expect(await killed).toMatchObject({ signal: 'SIGKILL' });
      gateway = await startGateway({ production, env });
    }
    restarted = gateway;

    const announcedSha = (events: ReceivedEvent[], sop: string) =>
      events.filter((e) => e.event.type === 'dicom.instance.stored.v1' && e.event.subject === sop).map((e) => e.event.data.storage.sha256 as string);
    await collector.waitUntil((events) => acked.every((u) => announcedSha(events, u.sopInstanceUid).length > 0), 60_000, 'a stored event for every acked instance');

    let lost = 0;
    let duplicates = 0;
    let stored = 0;
    for (const uids of acked) {
      const object = await storage.read(keyOf(uids));
      const shas = announcedSha(collector.events(), uids.sopInstanceUid);
      if (object) stored++;
      if (!object || !shas.includes(sha256(object))) lost++;
      if (shas.length > 1) duplicates += shas.length - 1;
    }
    const orphans = (await Promise.all(unanswered.map((u) => storage.read(keyOf(u))))).filter((o) => o !== null).length;
    reportFaultScenario(`gateway SIGKILL mid-association, ${ROUNDS} round(s) (${kind})`, {
      sent,
      acked: acked.length,
      stored,
      announced: acked.filter((u) => announcedSha(collector.events(), u.sopInstanceUid).length > 0).length,
      lost,
      duplicates,
    });
    process.stdout.write(`  in flight at the kills: ${unanswered.length}, of which stored without an answer: ${orphans}\n`);
    expect(acked.length).toBeGreaterThanOrEqual(20 * ROUNDS);
    expect(lost).toBe(0);
    // Republishing is deduplicated by Nats-Msg-Id: an event committed to the outbox and relayed once.
    expect(duplicates).toBe(0);
  }, 60_000 + ROUNDS * 30_000);
});
