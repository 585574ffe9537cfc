import { execFile } from 'node:child_process';
import { chown, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { PostgresBinaries } from './postgres-binaries';
import type { ServerAccount } from './server-account';

/**
 * Paths as PostgreSQL sees them. Its processes start with the data directory as working directory
 * (set while the parent may still be root) and name it /proc/self/cwd: PostgreSQL, running as
 * another user than a root parent, needs no search permission on DATA_DIR's ancestors (a 0700
 * mkdtemp directory, /root), and its socket path stays far below the 107 bytes of sun_path.
 */
export const DATA_DIR_AS_SEEN_BY_SERVER = '/proc/self/cwd';

/** Environment of initdb and postgres: messages in English, whatever the parent's locale. */
export function serverEnvironment(): NodeJS.ProcessEnv {
  return { LC_ALL: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

/**
 * Makes sure `dir` holds a cluster of the binaries' major version: creates one (initdb) in a sibling
 * directory renamed into place once complete, so an interrupted first start leaves no half-made
 * cluster. Returns how long initdb took, or undefined when the cluster existed.
 */
export async function ensureCluster(dir: string, binaries: PostgresBinaries, account: ServerAccount): Promise<number | undefined> {
  const version = await readFile(`${dir}/PG_VERSION`, 'utf8').then(
    (v) => v.trim(),
    () => undefined,
  );
  if (version === binaries.majorVersion) return undefined;
  if (version !== undefined) {
    throw new Error(
      `${dir} holds a PostgreSQL ${version} database (PGlite's, in earlier versions of the router), which PostgreSQL ${binaries.majorVersion} cannot open: ` +
        'move it away to start with an empty database',
    );
  }
  const existing = await readdir(dir).catch(() => []);
  if (existing.length > 0) throw new Error(`${dir} is neither empty nor a PostgreSQL data directory: move it away to start with an empty database`);
  return initialize(dir, binaries, account);
}

async function initialize(dir: string, binaries: PostgresBinaries, account: ServerAccount): Promise<number> {
  const staging = `${dir}.initdb-${process.pid}`;
  await mkdir(dirname(dir), { recursive: true });
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  if (account.uid !== undefined) await chown(staging, account.uid, account.gid ?? account.uid);
  const started = Date.now();
  try {
    await promisify(execFile)(
      binaries.initdb,
      [
        `--pgdata=${DATA_DIR_AS_SEEN_BY_SERVER}`,
        '--username=postgres',
        // Only the socket, in the 0700 data directory, is listened on: who can reach it may connect.
        '--auth-local=trust',
        '--auth-host=reject',
        '--encoding=UTF8',
        // Unicode case mapping and code-point order, independent of the machine's installed locales.
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-instructions',
      ],
      { cwd: staging, uid: account.uid, gid: account.gid, env: serverEnvironment(), timeout: 120_000 },
    );
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`initializing the embedded database at ${dir} failed${stderr ? `: ${stderr.split('\n').slice(-3).join(' ')}` : ''}`, { cause: err });
  }
  const took = Date.now() - started;
  try {
    // Replaces `dir` only when it is missing or empty.
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    // Another process created the cluster meanwhile: use that one (it is refused below if in use).
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  return took;
}
