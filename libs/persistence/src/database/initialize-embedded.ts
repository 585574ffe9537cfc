import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Creates the embedded database's cluster (initdb) in a short-lived child process when `dir` holds
 * none yet. In-process, PGlite runs initdb in a second WebAssembly instance whose few hundred MB
 * stay in the process's RSS until some later major GC (measured: the all-in-one gateway at 800-900 MB
 * after a first start, 280 MB after any later one). The child exits and takes them along.
 */
export async function initializeEmbeddedCluster(dir: string): Promise<void> {
  if (await exists(join(dir, 'PG_VERSION'))) return;
  const script = `require(${JSON.stringify(require.resolve('@electric-sql/pglite'))}).PGlite.create({ dataDir: process.argv[1] }).then((db) => db.close())`;
  try {
    await promisify(execFile)(process.execPath, ['-e', script, dir], { timeout: 120_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`initializing the embedded database at ${dir} failed${stderr ? `: ${stderr.split('\n').slice(-3).join(' ')}` : ''}`, { cause: err });
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
