/**
 * Test support, a separate entry point (`@dicom-router/persistence/testing`) that only specs, test
 * harnesses and benchmarks import: throw-away PostgreSQL databases on the machine's server.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL (docs/architecture.md §7): trust auth on loopback, as CI provides it. */
export const POSTGRES_ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own per spec file or process under test, so parallel runs never see each other's
 * rows. A server that is down fails the test with the reason (never a skip).
 */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_')}_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${new URL(POSTGRES_ADMIN_URL).host} (Debian package postgresql): ${(err as Error).message}`);
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
