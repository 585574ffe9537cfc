import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processInfo, runsIn, signal, waitForExit } from './processes';

/** Beside postmaster.pid: the process that started the postmaster, which is its parent while it lives. */
const OWNER_FILE = 'owner.pid';

const ORPHAN_STOP_MS = 30_000;

export type Log = (message: string) => void;

/** Records this process as the one whose child the postmaster of `dir` is. */
export function recordOwner(dir: string): Promise<void> {
  return writeFile(join(dir, OWNER_FILE), `${process.pid}\n`);
}

/**
 * Before a postmaster is started on `dir`: a postmaster.pid left by an earlier run is either
 * - stale (its PID is gone, or is some other program now): removed, PostgreSQL replays its WAL;
 * - a postmaster still running as the child of the process that started it: that process owns the
 *   database, and this one is refused;
 * - a postmaster whose starting process is gone (killed before it could stop it, and its watchdog
 *   with it): stopped (fast shutdown), then started afresh by this process.
 */
export async function takeOver(dir: string, warn: Log): Promise<void> {
  const pid = await postmasterPid(dir);
  if (pid === undefined) return;
  if (!(await runsIn(pid, dir))) {
    warn(`PostgreSQL was not stopped cleanly (PID ${pid} of postmaster.pid is gone): recovering from its write-ahead log`);
    // PostgreSQL replaces lock files whose PID is gone by itself, but refuses those whose PID was
    // reused, or is a zombie its new parent does not reap.
    const socketLocks = (await readdir(dir)).filter((name) => /^\.s\.PGSQL\.\d+\.lock$/.test(name));
    await Promise.all(['postmaster.pid', ...socketLocks].map((name) => rm(join(dir, name), { force: true })));
    return;
  }
  const owner = Number((await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => '')).trim()) || undefined;
  const postmaster = await processInfo(pid);
  if (postmaster && owner !== undefined && postmaster.parent === owner) {
    throw new Error(`the embedded database at ${dir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}: one process per DATA_DIR`);
  }
  warn(`stopping PostgreSQL (PID ${pid}) left running by process ${owner ?? '(unknown)'}, which ended without stopping it`);
  signal(pid, 'SIGINT');
  if (await waitForExit(pid, ORPHAN_STOP_MS)) return;
  signal(pid, 'SIGQUIT');
  if (!(await waitForExit(pid, 5_000))) throw new Error(`PostgreSQL (PID ${pid}) left running on ${dir} does not stop`);
}

async function postmasterPid(dir: string): Promise<number | undefined> {
  const content = await readFile(join(dir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(content?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The postmaster.pid status line once the server accepts connections (pg_ctl reads the same). */
export async function postmasterReady(dir: string, pid: number): Promise<boolean> {
  const lines = (await readFile(join(dir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
}
