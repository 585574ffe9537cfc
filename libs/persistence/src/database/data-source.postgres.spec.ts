import { closedPort } from '@dicom-router/messaging/testing';
import { storedEvent } from '../__fixtures__/events';
import { createTestDatabase, type TestDatabase } from '../testing';
import { Outbox, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '../index';
import { openDatabase, type Database, type OpenDatabaseOptions } from './data-source';

let pg: TestDatabase;
const opened: Database[] = [];
const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };

async function open(options: Partial<OpenDatabaseOptions> = {}): Promise<Database> {
  const db = await openDatabase({ url: pg.url, dataDir: '/nonexistent', entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS, logger, ...options });
  opened.push(db);
  return db;
}

beforeAll(async () => {
  pg = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
  await pg.drop();
});

describe('PostgreSQL (DATABASE_URL)', () => {
  it('applies the migrations once; a restart finds the schema up to date', async () => {
    const db = await open();
    expect(db.kind).toBe('postgres');
    await new Outbox(db).add(storedEvent());
    await db.close();
    const again = await open();
    const where = pg.url.replace(/^postgres:\/\/[^@]*@/, 'postgres://');
    expect(logs.slice(-2)).toEqual([
      `database ${where}: applied CreateOutboxEvent1795765248058, OutboxPayloadJson1795900000000`,
      `database ${where}: schema up to date`,
    ]);
    await expect(again.run((m) => m.query('SELECT count(*)::int AS n FROM outbox_event'))).resolves.toEqual([{ n: 1 }]);
    const indexes = await again.run((m) => m.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'outbox_event' ORDER BY indexname`));
    expect(indexes.map((i: { indexdef: string }) => i.indexdef)).toEqual([
      expect.stringContaining('(published_at, created_at)'),
      expect.stringContaining('UNIQUE INDEX "PK_'),
    ]);
  });

  it('lets replicas start together on an empty database: one migrates, the others wait for it', async () => {
    const fresh = await createTestDatabase();
    try {
      const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ url: fresh.url, dataDir: '/nonexistent', entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS })));
      const counts = await Promise.all(replicas.map((db) => db.run((m) => m.query('SELECT count(*)::int AS n FROM migrations'))));
      // Each migration applied exactly once, whichever replica ran it.
      const applied = [{ n: OUTBOX_MIGRATIONS.length }];
      expect(counts).toEqual([applied, applied, applied]);
      await Promise.all(replicas.map((db) => db.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('runs transactions concurrently and isolated: a rolled-back one leaves only its own row out', async () => {
    const db = await open();
    const outbox = new Outbox(db);
    const kept = storedEvent();
    const rolledBack = storedEvent();
    let secondInside!: () => void;
    const secondStarted = new Promise<void>((resolve) => (secondInside = resolve));

    // The first waits for the second to be inside its own transaction: only concurrent transactions finish.
    const first = db.transaction(async (m) => {
      await outbox.add(kept, m);
      await secondStarted;
    });
    const second = db.transaction(async (m) => {
      await outbox.add(rolledBack, m);
      secondInside();
      throw new Error('rolled back on purpose');
    });
    await expect(second).rejects.toThrow('rolled back on purpose');
    await first;
    const ids = await db.run((m) => m.query('SELECT id FROM outbox_event WHERE id = ANY($1::uuid[])', [[kept.id, rolledBack.id]]));
    expect(ids).toEqual([{ id: kept.id }]);
  });

  it('never shows the URL’s user name or password in errors or logs', async () => {
    const port = await closedPort();
    const unreachable = open({ url: `postgres://router:hunter2-secret@127.0.0.1:${port}/router`, connectTimeoutMs: 1_000 });
    await expect(unreachable).rejects.toThrow(`opening database postgres://127.0.0.1:${port}/router failed`);
    await expect(unreachable).rejects.not.toThrow(/hunter2|router:/);

    const url = new URL(pg.url);
    url.username = 'no_such_role_x';
    url.password = 'hunter2-secret';
    const rejected = await open({ url: url.toString() }).catch((err: Error) => err);
    expect(rejected).toBeInstanceOf(Error);
    expect(String(rejected)).toMatch(/role "\*\*\*" does not exist/);
    expect(JSON.stringify(rejected) + String(rejected) + String((rejected as Error).stack)).not.toMatch(/hunter2|no_such_role_x/);

    // Trust authentication ignores the password: the database opens, and the log does not repeat it.
    const withPassword = new URL(pg.url);
    withPassword.password = 'hunter2-secret';
    await open({ url: withPassword.toString() });
    expect(logs.join('\n')).not.toMatch(/hunter2/);
    expect(logs.at(-1)).toContain('schema up to date');
  });
});
