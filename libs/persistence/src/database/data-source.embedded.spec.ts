import { Outbox, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '../index';
import { storedEvent } from '../__fixtures__/events';
import { tempDir } from '../__fixtures__/temp-dir';
import { openDatabase, type Database } from './data-source';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: Awaited<ReturnType<typeof tempDir>>;
let db: Database | undefined;
const logs: string[] = [];
const open = () =>
  openDatabase({
    dataDir: dir.path,
    entities: OUTBOX_ENTITIES,
    migrations: OUTBOX_MIGRATIONS,
    logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
  });

beforeAll(async () => {
  dir = await tempDir();
});

afterEach(async () => {
  await db?.close();
  db = undefined;
});

afterAll(() => dir.remove());

describe('embedded database (PGlite)', () => {
  it('applies the migrations once and keeps its data across a restart', async () => {
    const event = storedEvent();
    db = await open();
    expect(db.kind).toBe('embedded');
    await new Outbox(db).add(event);
    await db.close();

    db = await open();
    expect(logs).toEqual([
      `database embedded at ${dir.path}/db: applied CreateOutboxEvent1795765248058, OutboxPayloadJson1795900000000`,
      `database embedded at ${dir.path}/db: schema up to date`,
    ]);
    const rows = await db.run((m) => m.query('SELECT id, subject, payload, attempts, published_at FROM outbox_event'));
    expect(rows).toEqual([{ id: event.id, subject: 'dicom.events.instance.stored.v1', payload: event, attempts: 0, published_at: null }]);
    await expect(db.run((m) => m.query('SELECT name FROM migrations'))).resolves.toEqual([
      { name: 'CreateOutboxEvent1795765248058' },
      { name: 'OutboxPayloadJson1795900000000' },
    ]);
  });

  it('refuses a second embedded database in the same process', async () => {
    db = await open();
    await expect(open()).rejects.toThrow(/already open/);
  });

  it('runs concurrent transactions one after the other, so a rolled-back one leaves nothing', async () => {
    db = await open();
    const opened = db;
    await opened.run((m) => m.query('DELETE FROM outbox_event'));
    const kept = storedEvent();
    const rolledBack = storedEvent();
    const log: string[] = [];
    const outbox = new Outbox(opened);

    const first = opened.transaction(async (m) => {
      log.push('first begins');
      await outbox.add(kept, m);
      await tick(10);
      log.push('first commits');
    });
    const second = opened.transaction(async (m) => {
      log.push('second begins');
      await outbox.add(rolledBack, m);
      await tick(50);
      log.push('second rolls back');
      throw new Error('rolled back on purpose');
    });

    await first;
    await expect(second).rejects.toThrow('rolled back on purpose');
    expect(log).toEqual(['first begins', 'first commits', 'second begins', 'second rolls back']);
    await expect(opened.run((m) => m.query('SELECT id FROM outbox_event'))).resolves.toEqual([{ id: kept.id }]);
  });

  // Why the queue exists (TOOLCHAIN.md): PGlite is one session, so the same two transactions run
  // straight on the DataSource share one BEGIN/COMMIT and the rolled-back row survives. If this starts
  // failing, PGlite isolates transactions itself and the queue may be reconsidered.
  it('without the queue, keeps a concurrent rolled-back transaction’s row', async () => {
    db = await open();
    const { dataSource } = db;
    await dataSource.query('DELETE FROM outbox_event');
    const kept = storedEvent();
    const rolledBack = storedEvent();
    const insert = (id: string) => `INSERT INTO outbox_event (id, subject, payload) VALUES ('${id}', 's', '{}')`;

    const first = dataSource.transaction(async (m) => {
      await m.query(insert(kept.id));
      await tick(10);
    });
    const second = dataSource.transaction(async (m) => {
      await m.query(insert(rolledBack.id));
      await tick(50);
      throw new Error('rolled back on purpose');
    });
    await first;
    await expect(second).rejects.toThrow('rolled back on purpose');
    const ids = (await dataSource.query('SELECT id FROM outbox_event')).map((r: { id: string }) => r.id);
    expect(ids).toContain(rolledBack.id);
  });
});
