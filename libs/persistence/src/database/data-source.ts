import { join } from 'node:path';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { describeUrl, scrubCredentials } from './redact';
import { type EmbeddedConnection, EmbeddedPostgres } from './embedded/embedded-postgres';

export interface DatabaseLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface OpenDatabaseOptions {
  /** `DATABASE_URL`; absent → the embedded PostgreSQL (a child process) on `<dataDir>/db`. */
  url?: string;
  dataDir: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  logger?: DatabaseLogger;
  /** Budget for opening a connection. */
  connectTimeoutMs?: number;
  /** Connections in the pool. */
  poolSize?: number;
}

export type DatabaseKind = 'postgres' | 'embedded';
type Work<T> = (manager: EntityManager) => Promise<T>;

// Any constant shared by every replica: whoever holds it runs the migrations, the others wait.
const MIGRATION_LOCK_KEY = 0x44_49_43_4f; // "DICO"

/** A TypeORM DataSource on PostgreSQL, and the embedded server it runs on, if any. Made by openDatabase(). */
export class Database {
  #closed: Promise<void> | undefined;

  constructor(
    readonly dataSource: DataSource,
    readonly kind: DatabaseKind,
    private readonly lifecycle: Lifecycle,
    private readonly server?: EmbeddedPostgres,
  ) {}

  /** Commits when `work` resolves, rolls back when it throws. */
  transaction<T>(work: Work<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Work outside a transaction (reads, single statements). */
  run<T>(work: Work<T>): Promise<T> {
    return work(this.dataSource.manager);
  }

  /** Closes the pool, then stops the embedded server (after the service has drained: it closes last). */
  close(): Promise<void> {
    this.#closed ??= this.shutDown();
    return this.#closed;
  }

  private async shutDown(): Promise<void> {
    this.lifecycle.closing = true;
    try {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    } finally {
      await this.server?.stop();
    }
  }
}

/** Opens PostgreSQL (`url`) or the embedded database, then applies pending migrations (never `synchronize`). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database = options.url === undefined ? await openEmbedded(options) : await openPostgres(options.url, options);
  try {
    const applied = await migrate(database.dataSource);
    options.logger?.info(`database ${describe(options)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    return database;
  } catch (err) {
    await database.close();
    throw options.url === undefined ? err : scrubbedError('migrating', options.url, err);
  }
}

/**
 * Whether the database is being closed: a pooled connection the server ends then (57P01,
 * "terminating connection due to administrator command") is the stop itself, not worth a warning.
 */
interface Lifecycle {
  closing: boolean;
}

/** The pool's error handler: warns, except while closing. */
function poolWarning(lifecycle: Lifecycle, warn: (message: string) => void): (err: unknown) => void {
  return (err) => {
    if (!lifecycle.closing) warn(String(err));
  };
}

/** Connection to the server: DATABASE_URL, or the embedded server's socket. */
type Connection = { url: string } | EmbeddedConnection;

/** One configuration for both: the embedded database is PostgreSQL reached through the same driver. */
function postgresDataSource(options: OpenDatabaseOptions, connection: Connection, warn: (err: unknown) => void): DataSource {
  return new DataSource({
    type: 'postgres',
    ...connection,
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // Schema changes are migrations; gen_random_uuid() is built into PostgreSQL ≥ 13.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    connectTimeoutMS: options.connectTimeoutMs ?? 5_000,
    poolSize: options.poolSize,
    poolErrorHandler: warn,
  });
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const lifecycle: Lifecycle = { closing: false };
  const dataSource = postgresDataSource(
    options,
    { url },
    poolWarning(lifecycle, (message) => options.logger?.warn(`database ${describeUrl(url)}: ${scrubCredentials(message, url)}`)),
  );
  try {
    await dataSource.initialize();
  } catch (err) {
    throw scrubbedError('opening', url, err);
  }
  return new Database(dataSource, 'postgres', lifecycle);
}

async function openEmbedded(options: OpenDatabaseOptions): Promise<Database> {
  const server = await EmbeddedPostgres.start(join(options.dataDir, 'db'), options.logger);
  const lifecycle: Lifecycle = { closing: false };
  const dataSource = postgresDataSource(options, server.connection, poolWarning(lifecycle, (message) => options.logger?.warn(`database ${describe(options)}: ${message}`)));
  try {
    await dataSource.initialize();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return new Database(dataSource, 'embedded', lifecycle, server);
}

/** Returns the names of the migrations it applied. */
async function migrate(dataSource: DataSource): Promise<string[]> {
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
