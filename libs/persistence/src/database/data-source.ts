import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDriver } from 'typeorm-pglite';
import { describeUrl, scrubCredentials } from './redact';
import { EmbeddedVacuum } from './embedded-vacuum';
import { initializeEmbeddedCluster } from './initialize-embedded';
import { SerialQueue } from './serial-queue';

export interface DatabaseLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface OpenDatabaseOptions {
  /** `DATABASE_URL`; absent → the embedded database (PGlite) under `<dataDir>/db`. */
  url?: string;
  dataDir: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  logger?: DatabaseLogger;
  /** PostgreSQL only: budget for opening a connection. */
  connectTimeoutMs?: number;
  /** PostgreSQL only: connections in the pool. */
  poolSize?: number;
  /** Embedded only: how often dead rows are looked for and vacuumed (PGlite runs no autovacuum). Default 10 s. */
  vacuumIntervalMs?: number;
}

export type DatabaseKind = 'postgres' | 'embedded';
type Work<T> = (manager: EntityManager) => Promise<T>;

// Any constant shared by every replica: whoever holds it runs the migrations, the others wait.
const MIGRATION_LOCK_KEY = 0x44_49_43_4f; // "DICO"

const DEFAULT_VACUUM_INTERVAL_MS = 10_000;

/** typeorm-pglite keeps one PGlite instance per process, so only one embedded database can be open. */
let embeddedOpen = false;

/** A TypeORM DataSource plus the discipline its backend needs. Made by openDatabase(). */
export class Database {
  readonly #queue: SerialQueue | null;
  #vacuum: EmbeddedVacuum | undefined;
  #closed = false;

  constructor(
    /** Entity metadata and PostgreSQL reads; on the embedded database use run() and transaction(). */
    readonly dataSource: DataSource,
    readonly kind: DatabaseKind,
  ) {
    this.#queue = kind === 'embedded' ? new SerialQueue() : null;
  }

  /** Commits when `work` resolves, rolls back when it throws. Embedded: one at a time, FIFO. */
  transaction<T>(work: Work<T>): Promise<T> {
    return this.exclusive(() => this.dataSource.transaction(work));
  }

  /** Work outside a transaction (reads, single statements); queued like transactions on the embedded database. */
  run<T>(work: Work<T>): Promise<T> {
    return this.exclusive(() => work(this.dataSource.manager));
  }

  /** Embedded: autovacuum's job, which single-user PostgreSQL does not do (see EmbeddedVacuum). */
  startVacuum(options: ConstructorParameters<typeof EmbeddedVacuum>[1]): void {
    if (this.kind !== 'embedded' || this.#closed) return;
    this.#vacuum ??= new EmbeddedVacuum((work) => this.run(work), options);
    this.#vacuum.start();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#vacuum?.stop();
    // Queued behind work in progress, so nothing is cut off half-way.
    await this.exclusive(() => this.dataSource.destroy());
    if (this.kind === 'embedded') embeddedOpen = false;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue ? this.#queue.run(task) : task();
  }
}

/** Opens PostgreSQL (`url`) or the embedded database, then applies pending migrations (never `synchronize`). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database = options.url === undefined ? await openEmbedded(options) : await openPostgres(options.url, options);
  try {
    const applied = await database.run(() => migrate(database.dataSource, database.kind));
    options.logger?.info(`database ${describe(options)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    database.startVacuum({
      intervalMs: options.vacuumIntervalMs ?? DEFAULT_VACUUM_INTERVAL_MS,
      onError: (err) => options.logger?.warn(`database ${describe(options)}: vacuum failed: ${err instanceof Error ? err.message : String(err)}`),
    });
    return database;
  } catch (err) {
    await database.close();
    throw options.url === undefined ? err : scrubbedError('migrating', options.url, err);
  }
}

const common = (options: OpenDatabaseOptions) =>
  ({
    type: 'postgres',
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // Schema changes are migrations; TOOLCHAIN.md: PGlite cannot install extensions, and
    // gen_random_uuid() is built into PostgreSQL ≥ 13 and PGlite alike.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
  }) as const;

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const dataSource = new DataSource({
    ...common(options),
    url,
    connectTimeoutMS: options.connectTimeoutMs ?? 5_000,
    poolSize: options.poolSize,
    poolErrorHandler: (err: unknown) => options.logger?.warn(`database ${describeUrl(url)}: ${scrubCredentials(String(err), url)}`),
  });
  try {
    await dataSource.initialize();
  } catch (err) {
    throw scrubbedError('opening', url, err);
  }
  return new Database(dataSource, 'postgres');
}

/**
 * PGlite's own start parameters plus a 16 MB buffer pool. PostgreSQL touches all of shared_buffers at
 * start, so PGlite's 128 MB default counted in full against the process's RSS; the embedded database
 * holds small tables (an outbox drained as it fills, registry and worklist) and reads the rest through
 * the OS page cache. Measured: all-in-one idle RSS 415 MB → 281 MB.
 */
const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

async function openEmbedded(options: OpenDatabaseOptions): Promise<Database> {
  if (embeddedOpen) throw new Error('an embedded database is already open in this process; close it first');
  embeddedOpen = true;
  try {
    const dir = join(options.dataDir, 'db');
    await mkdir(dir, { recursive: true });
    await initializeEmbeddedCluster(dir);
    const dataSource = new DataSource({ ...common(options), driver: new PGliteDriver({ dataDir: dir, startParams: EMBEDDED_START_PARAMS }).driver });
    await dataSource.initialize();
    return new Database(dataSource, 'embedded');
  } catch (err) {
    embeddedOpen = false;
    throw err;
  }
}

/** Returns the names of the migrations it applied. */
async function migrate(dataSource: DataSource, kind: DatabaseKind): Promise<string[]> {
  if (kind === 'embedded') return (await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name);
  // Replicas start together; TypeORM takes no lock of its own, so two would create the same table.
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return (await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

function describe(options: OpenDatabaseOptions): string {
  return options.url === undefined ? `embedded at ${join(options.dataDir, 'db')}` : describeUrl(options.url);
}

/** The driver's message without credentials; the original error is dropped because it may carry them. */
function scrubbedError(doing: string, url: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const error = new Error(`${doing} database ${describeUrl(url)} failed: ${scrubCredentials(message, url)}`);
  if (typeof code === 'string') Object.assign(error, { code });
  return error;
}
