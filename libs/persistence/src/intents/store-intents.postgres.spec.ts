import { randomUUID } from 'node:crypto';
import { storedEvent } from '../__fixtures__/events';
import { openDatabase, type Database } from '../database/data-source';
import { createTestDatabase, type TestDatabase } from '../testing';
import { STORE_INTENT_MIGRATIONS, StoreIntents, type StoreIntent } from './store-intents';

let pg: TestDatabase;
let db: Database;

beforeAll(async () => {
  pg = await createTestDatabase();
  db = await openDatabase({ url: pg.url, dataDir: '/nonexistent', entities: [], migrations: STORE_INTENT_MIGRATIONS });
});

afterAll(async () => {
  await db?.close();
  await pg?.drop();
});

const intent = (key: string): StoreIntent => {
  const event = storedEvent();
  return { eventId: event.id, key, event };
};
const rowCount = async (): Promise<number> => Number((await db.run((m) => m.query('SELECT count(*) AS n FROM store_intent')))[0].n);

describe('StoreIntents on PostgreSQL', () => {
  it('holds intents (grouped), finds them by key and by age, and releases them in a batch', async () => {
    const intents = new StoreIntents(db, { releaseDelayMs: 20 });
    const held = Array.from({ length: 25 }, (_, i) => intent(`studies/1/series/2/instances/${i % 5}.dcm`));
    await Promise.all(held.map((i) => intents.hold(i)));
    await intents.hold(held[0]); // a retried hold changes nothing
    expect(await rowCount()).toBe(25);
    expect((await intents.pendingFor('studies/1/series/2/instances/3.dcm')).map((i) => i.eventId).sort()).toEqual(
      held.filter((i) => i.key.endsWith('/3.dcm')).map((i) => i.eventId).sort(),
    );
    const [first] = await intents.pendingFor(held[0].key);
    expect(first.event).toEqual(held.find((i) => i.eventId === first.eventId)?.event);

    expect(await intents.heldBefore(new Date(Date.now() - 60_000), 100)).toEqual([]);
    expect(await intents.heldBefore(new Date(Date.now() + 1_000), 10)).toHaveLength(10);

    for (const i of held.slice(0, 20)) intents.release(i.eventId);
    // Released intents no longer count, even before their DELETE is written.
    expect((await intents.pendingFor(held[0].key)).map((i) => i.eventId)).toEqual([held[20].eventId]);
    await intents.flush();
    expect(await rowCount()).toBe(5);
    await intents.forget(held[24].eventId);
    expect(await rowCount()).toBe(4);
    await intents.close();
  });

  it('writes on a connection of its own that does not wait for the WAL flush, opens another after one broke, and hands it back as it found it', async () => {
    const intents = new StoreIntents(db);
    await intents.hold(intent('a/b.dcm'));
    const settings = await db.run((m) =>
      m.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'dicom-router store intents'`),
    );
    expect(Number(settings[0].n)).toBe(1);
    const writers = await db.run((m) =>
      m.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'dicom-router store intents'`),
    );
    expect(writers).toHaveLength(1);
    await db.run((m) => m.query('SELECT pg_terminate_backend($1)', [writers[0].pid]));
    await expect(intents.hold(intent('a/c.dcm'))).rejects.toThrow();
    await intents.hold(intent('a/d.dcm'));
    expect(await intents.pendingFor('a/d.dcm')).toHaveLength(1);
    await intents.close();
    // Back in the pool, the connection commits synchronously again, whichever one the pool hands out.
    const afterwards = await Promise.all(Array.from({ length: 5 }, () => db.run((m) => m.query(`SELECT current_setting('synchronous_commit') AS s, current_setting('application_name') AS a`))));
    for (const [row] of afterwards) expect(row).toEqual({ s: 'on', a: '' });
  });

  it('a key with no intent has none pending', async () => {
    expect(await new StoreIntents(db).pendingFor(`none/${randomUUID()}.dcm`)).toEqual([]);
  });
});
