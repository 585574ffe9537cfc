import { Outbox, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '../index';
import { storedEvent } from '../__fixtures__/events';
import { tempDir } from '../__fixtures__/temp-dir';
import { openDatabase, type Database } from './data-source';
import { EmbeddedVacuum } from './embedded-vacuum';

let dir: Awaited<ReturnType<typeof tempDir>>;
let db: Database;

const deadRows = async (): Promise<number> => {
  const [row] = await db.run((m) => m.query(`SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE relname = 'outbox_event'`));
  return Number(row.dead);
};

const vacuumCount = async (): Promise<number> => {
  const [row] = await db.run((m) => m.query(`SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'outbox_event'`));
  return Number(row.n);
};

/** What the outbox does to its table: rows added, then deleted once published. */
async function churn(rows: number): Promise<void> {
  const outbox = new Outbox(db);
  for (let i = 0; i < rows; i++) await outbox.add(storedEvent());
  await db.run((m) => m.query('DELETE FROM outbox_event'));
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const HOUR_MS = 3_600_000;
const open = (vacuumIntervalMs: number) => openDatabase({ dataDir: dir.path, entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS, vacuumIntervalMs });

beforeAll(async () => {
  dir = await tempDir();
  db = await open(HOUR_MS);
});

afterAll(async () => {
  await db.close();
  await dir.remove();
});

describe('autovacuum for the embedded database', () => {
  it('vacuums a table past the dead-row threshold, and leaves it alone once clean', async () => {
    const vacuum = new EmbeddedVacuum((work) => db.run(work), { intervalMs: 60_000 });
    // A sweep of its own may already have run: start from a clean table.
    await vacuum.sweep();
    await churn(300);
    await until(async () => (await deadRows()) >= 300, 5_000);

    await expect(vacuum.sweep()).resolves.toContain('VACUUM (ANALYZE) public.outbox_event');
    expect(await deadRows()).toBe(0);
    await expect(vacuum.sweep()).resolves.toEqual([]);
  });

  it('vacuums at start what an earlier run left behind (the statistics do not survive a restart)', async () => {
    await db.close();
    db = await open(HOUR_MS);
    await churn(300);
    const size = () => db.run((m) => m.query(`SELECT pg_relation_size('outbox_event')::int AS bytes`)).then(([row]) => Number(row.bytes));
    expect(await size()).toBeGreaterThan(0);
    await db.close();
    db = await open(HOUR_MS);
    // Every row was dead, so VACUUM truncated the table to nothing.
    await until(async () => (await size()) === 0, 10_000);
    expect(await vacuumCount()).toBeGreaterThan(0);
  });

  it('runs by itself on an opened embedded database', async () => {
    await db.close();
    db = await open(300);
    const before = await vacuumCount();
    await churn(200);
    // The database's own sweep (every 300 ms here) vacuums the table, and the dead rows are gone.
    await until(async () => (await vacuumCount()) > before, 10_000);
    expect(await deadRows()).toBe(0);
    await expect(db.run((m) => m.query('SELECT count(*)::int AS n FROM outbox_event'))).resolves.toEqual([{ n: 0 }]);
  });
});
