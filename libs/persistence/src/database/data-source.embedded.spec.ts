import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Outbox, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '../index';
import { isRunning, startHolder, until, type Holder } from '../__fixtures__/embedded-holder-process';
import { storedEvent } from '../__fixtures__/events';
import { tempDir } from '../__fixtures__/temp-dir';
import { openDatabase, type Database } from './data-source';

let dir: Awaited<ReturnType<typeof tempDir>>;
let db: Database | undefined;
let holder: Holder | undefined;
const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
const open = (dataDir = dir.path) => openDatabase({ dataDir, entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS, logger });
const kept = (opened: Database) => opened.run((m) => m.query('SELECT count(*)::int AS n FROM kept')).then(([row]) => row.n);

/** PIDs pgrep finds; none is not an error here. */
function pgrep(...args: string[]): number[] {
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The processes of the embedded server on `dataDir`: the postmaster and its children. */
function serverProcesses(dataDir: string): number[] {
  const postmasters = pgrep('-f', 'cluster_name=dicom-router').filter((pid) => {
    try {
      return execFileSync('readlink', [`/proc/${pid}/cwd`], { encoding: 'utf8' }).trim() === join(dataDir, 'db');
    } catch {
      return false;
    }
  });
  return postmasters.flatMap((pid) => [pid, ...pgrep('-P', String(pid))]);
}

beforeEach(async () => {
  dir = await tempDir();
  logs.length = 0;
});

afterEach(async () => {
  await db?.close();
  db = undefined;
  holder?.process.kill('SIGKILL');
  await holder?.exited;
  holder = undefined;
  // A test that failed half-way may leave a server: the next open on the directory stops it.
  await (await open().catch(() => undefined))?.close();
  await dir.remove();
});

describe('embedded database (PostgreSQL as a child process)', () => {
  it('creates the cluster at first start, applies the migrations once and keeps its data across a restart', async () => {
    const event = storedEvent();
    db = await open();
    expect(db.kind).toBe('embedded');
    await new Outbox(db).add(event);
    await db.close();

    db = await open();
    const where = `database embedded at ${dir.path}/db`;
    expect(logs).toEqual([
      expect.stringMatching(new RegExp(`^${where}: created a PostgreSQL 18 cluster \\(initdb \\d+ ms\\), running as `)),
      `${where}: applied CreateOutboxEvent1795765248058, OutboxPayloadJson1795900000000`,
      `${where}: schema up to date`,
    ]);
    const rows = await db.run((m) => m.query('SELECT id, subject, payload, attempts, published_at FROM outbox_event'));
    expect(rows).toEqual([{ id: event.id, subject: 'dicom.events.instance.stored.v1', payload: event, attempts: 0, published_at: null }]);
    const settings = await db.run((m) =>
      m.query(`SELECT current_setting('server_version_num')::int / 10000 AS major, current_setting('fsync') AS fsync,
                      current_setting('listen_addresses') AS tcp, lower('ÄÉ') AS lowered`),
    );
    expect(settings).toEqual([{ major: 18, fsync: 'on', tcp: '', lowered: 'äé' }]);
  });

  it('stops the server on close, leaving no process behind', async () => {
    db = await open();
    expect(serverProcesses(dir.path).length).toBeGreaterThan(1);
    await db.close();
    db = undefined;
    expect(serverProcesses(dir.path)).toEqual([]);
    expect((await readdir(join(dir.path, 'db'))).filter((f) => f.startsWith('.s.PGSQL') || f === 'postmaster.pid')).toEqual([]);
  });

  it('runs concurrent transactions isolated: a rolled-back one leaves only its own row out', async () => {
    db = await open();
    const opened = db;
    const outbox = new Outbox(opened);
    const [first, second] = [storedEvent(), storedEvent()];
    let secondInside!: () => void;
    const secondStarted = new Promise<void>((resolve) => (secondInside = resolve));
    // The first waits until the second is inside its own transaction: only concurrent transactions finish.
    const committed = opened.transaction(async (m) => {
      await outbox.add(first, m);
      await secondStarted;
    });
    const rolledBack = opened.transaction(async (m) => {
      await outbox.add(second, m);
      secondInside();
      throw new Error('rolled back on purpose');
    });
    await expect(rolledBack).rejects.toThrow('rolled back on purpose');
    await committed;
    await expect(opened.run((m) => m.query('SELECT id FROM outbox_event'))).resolves.toEqual([{ id: first.id }]);
  });

  it('refuses a second open of the same DATA_DIR, in this process or another, and leaves the first working', async () => {
    db = await open();
    await expect(open()).rejects.toThrow(`the embedded database at ${dir.path}/db is in use by process ${process.pid} (this one): one process per DATA_DIR`);

    const other = await startHolder(dir.path);
    await expect(other.exited).resolves.toBe(1);
    expect(other.stderr()).toContain(`is in use by process ${process.pid}: one process per DATA_DIR`);
    await expect(db.run((m) => m.query('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
  });

  it('stops the server of a killed process (its watchdog does), and the next start finds the data', async () => {
    holder = await startHolder(dir.path);
    const postmaster = holder.postmasterPid();
    holder.process.kill('SIGKILL');
    await holder.exited;
    await until(() => !isRunning(postmaster), 10_000);

    db = await open();
    await expect(kept(db)).resolves.toBe(1);
  });

  it('stops, at the next start, a server left running by a killed process whose watchdog died too', async () => {
    holder = await startHolder(dir.path);
    const postmaster = holder.postmasterPid();
    const holderPid = holder.pid;
    // The holder and the watchdog die at once; the server, in a process group of its own, lives on.
    for (const pid of holder.children().filter((pid) => pid !== postmaster)) process.kill(pid, 'SIGKILL');
    holder.process.kill('SIGKILL');
    await holder.exited;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isRunning(postmaster)).toBe(true);

    db = await open();
    expect(logs).toContain(`database embedded at ${dir.path}/db: stopping PostgreSQL (PID ${postmaster}) left running by process ${holderPid}, which ended without stopping it`);
    expect(isRunning(postmaster)).toBe(false);
    await expect(kept(db)).resolves.toBe(1);
  });

  it('recovers after the server and its parent were killed (stale postmaster.pid)', async () => {
    holder = await startHolder(dir.path);
    const postmaster = holder.postmasterPid();
    for (const pid of [...holder.children(), holder.pid]) process.kill(pid, 'SIGKILL');
    await holder.exited;
    await until(() => serverProcesses(dir.path).length === 0, 10_000);

    db = await open();
    expect(logs).toContain(`database embedded at ${dir.path}/db: PostgreSQL was not stopped cleanly (PID ${postmaster} of postmaster.pid is gone): recovering from its write-ahead log`);
    await expect(kept(db)).resolves.toBe(1);
  });

  it('runs the server unprivileged (as root: as the postgres account, behind a 0700 directory) on a DATA_DIR past the socket path limit', async () => {
    const deep = join(dir.path, 'private', 'a-directory-name-long-enough-to-push-the-socket-path-past-sun_path', 'data');
    await mkdir(deep, { recursive: true });
    await chmod(join(dir.path, 'private'), 0o700);
    expect(join(deep, 'db', '.s.PGSQL.5432').length).toBeGreaterThan(107);
    db = await open(deep);
    const [postmaster] = serverProcesses(deep);
    const uid = (await stat(`/proc/${postmaster}`)).uid;
    const self = process.getuid?.();
    const expected = self === 0 ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : self;
    expect(uid).toBe(expected);
    expect(uid).not.toBe(0);
    await expect(db.run((m) => m.query('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
  });

  it('refuses a data directory of another PostgreSQL version (PGlite kept PostgreSQL 17 there), naming it', async () => {
    await mkdir(join(dir.path, 'db'));
    await writeFile(join(dir.path, 'db', 'PG_VERSION'), '17\n');
    await expect(open()).rejects.toThrow(`${dir.path}/db holds a PostgreSQL 17 database`);
  });
});
