import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The OS account PostgreSQL runs as; `undefined` ids mean "as this process". */
export interface ServerAccount {
  uid?: number;
  gid?: number;
  /** For messages: `postgres (uid 101)` or `this process's user`. */
  describe: string;
}

/** PostgreSQL refuses to run as root: root runs it as this account, created if missing. */
export const SERVER_ACCOUNT_NAME = 'postgres';

/**
 * As root, the account `postgres` (created as a system account without login or home when the
 * machine has none); otherwise the process's own user.
 */
export async function serverAccount(): Promise<ServerAccount> {
  if (process.getuid?.() !== 0) return { describe: "this process's user" };
  const existing = await lookUp(SERVER_ACCOUNT_NAME);
  if (existing) return existing;
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', SERVER_ACCOUNT_NAME]);
  } catch (err) {
    throw new Error(`PostgreSQL cannot run as root, and creating the system account ${SERVER_ACCOUNT_NAME} for it failed: ${messageOf(err)}`, { cause: err });
  }
  const created = await lookUp(SERVER_ACCOUNT_NAME);
  if (!created) throw new Error(`the system account ${SERVER_ACCOUNT_NAME} was created but cannot be found`);
  return created;
}

async function lookUp(name: string): Promise<ServerAccount | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    const ids = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    return { ...ids, describe: `${name} (uid ${ids.uid})` };
  } catch {
    return undefined;
  }
}

function messageOf(err: unknown): string {
  const stderr = (err as { stderr?: string }).stderr?.trim();
  return stderr || (err instanceof Error ? err.message : String(err));
}
