import type { CloudEventJson } from '@dicom-router/contracts';
import type { QueryRunner } from 'typeorm';
import type { Database } from '../database/data-source';
import { GroupedWrites } from '../batching/grouped-writes';
import { CreateStoreIntent1796000000000 } from './migrations/1796000000000-create-store-intent';

/** Pass these to openDatabase() in the service that stores instances (the gateway). */
export const STORE_INTENT_MIGRATIONS = [CreateStoreIntent1796000000000];

/**
 * A store that may make an object visible under `key`, recorded before it does: if the process dies
 * between the object and its event, the intent is what tells a later look that the object there was
 * never announced.
 */
export interface StoreIntent {
  /** The id the stored event carries when announced, which the bus deduplicates on. */
  eventId: string;
  key: string;
  /** The stored event as it will be announced, but for the object's size and checksum. */
  event: CloudEventJson;
}

/** Rows per INSERT (3 parameters each) and ids per DELETE. */
const MAX_ROWS_PER_STATEMENT = 500;
const DEFAULT_RELEASE_DELAY_MS = 200;
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * The `store_intent` table. Holding an intent is one grouped INSERT; releasing one (its event is
 * durable, or its object withdrawn) is batched into a DELETE every `releaseDelayMs`, off the C-STORE
 * path: an intent released late is only a row that names an announced object, which the reconciler
 * announces again under the same id, and the bus drops.
 *
 * Intents are written on a connection of their own with `synchronous_commit = off`: committed and
 * visible at once, without waiting for the WAL flush. They guard against the gateway dying, and
 * PostgreSQL keeps what it committed when a client dies; only a crash of the database server itself
 * within a fraction of a second of the commit could lose one, and with it the trace of an object
 * that was never answered Success. Waiting for the flush would cost every C-STORE a disk sync.
 */
export class StoreIntents {
  readonly #inserts: GroupedWrites<StoreIntent>;
  readonly #released = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** The connection intents are written on, once opened; dropped after a failure. */
  #writer: Promise<QueryRunner> | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: { releaseDelayMs?: number } = {},
  ) {
    this.#inserts = new GroupedWrites((intents) => this.insert(intents), MAX_ROWS_PER_STATEMENT);
  }

  /** Durable once it resolves. */
  hold(intent: StoreIntent): Promise<void> {
    return this.#inserts.add(intent);
  }

  /** The intent is settled; its row goes with the next batch. */
  release(eventId: string): void {
    this.#released.add(eventId);
    this.scheduleFlush(this.options.releaseDelayMs ?? DEFAULT_RELEASE_DELAY_MS);
  }

  /** Intents still open for `key`: held, not released. */
  async pendingFor(key: string): Promise<StoreIntent[]> {
    const rows: IntentRow[] = await this.db.run((m) => m.query(`SELECT event_id, object_key, event FROM store_intent WHERE object_key = $1`, [key]));
    return rows.map(fromRow).filter((intent) => !this.#released.has(intent.eventId));
  }

  /** Open intents held before `cutoff`, oldest first. */
  async heldBefore(cutoff: Date, limit: number): Promise<StoreIntent[]> {
    const rows: IntentRow[] = await this.db.run((m) =>
      m.query(`SELECT event_id, object_key, event FROM store_intent WHERE created_at < $1 ORDER BY created_at LIMIT $2`, [cutoff, limit]),
    );
    return rows.map(fromRow).filter((intent) => !this.#released.has(intent.eventId));
  }

  /** Removes an intent now (the reconciler settled it). */
  async forget(eventId: string): Promise<void> {
    await this.db.run((m) => m.query(`DELETE FROM store_intent WHERE event_id = $1`, [eventId]));
    this.#released.delete(eventId);
  }

  /** Writes the released intents' DELETE; what fails stays queued for the next one. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(async () => {
      const ids = [...this.#released].slice(0, MAX_ROWS_PER_STATEMENT);
      if (ids.length === 0) return;
      try {
        await this.db.run((m) => m.query(`DELETE FROM store_intent WHERE event_id = ANY($1::uuid[])`, [ids]));
        for (const id of ids) this.#released.delete(id);
        if (this.#released.size > 0) this.scheduleFlush(0);
      } catch {
        // The database is away: the rows stay, and would only cost a duplicate announcement if the
        // process died now. Try again later rather than every few milliseconds.
        this.scheduleFlush(RETRY_AFTER_FAILURE_MS);
      }
    });
    return this.#flushing;
  }

  private scheduleFlush(delayMs: number): void {
    this.#timer ??= setTimeout(() => void this.flush(), delayMs);
    this.#timer.unref?.();
  }

  /** Gives the intents' connection back to the pool: before the database closes. */
  async close(): Promise<void> {
    await this.flush();
    const writer = this.#writer;
    this.#writer = undefined;
    await writer?.then(releaseWriter).catch(() => undefined);
  }

  private async insert(intents: StoreIntent[]): Promise<void> {
    const values = intents.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ');
    const parameters = intents.flatMap((intent) => [intent.eventId, intent.key, JSON.stringify(intent.event)]);
    const sql = `INSERT INTO store_intent (event_id, object_key, event) VALUES ${values} ON CONFLICT (event_id) DO NOTHING`;
    const writer = (this.#writer ??= this.openWriter());
    try {
      await (await writer).query(sql, parameters);
    } catch (error) {
      // A broken connection is not reused: the next hold opens another.
      if (this.#writer === writer) this.#writer = undefined;
      await writer.then(releaseWriter).catch(() => undefined);
      throw error;
    }
  }

  private async openWriter(): Promise<QueryRunner> {
    const runner = this.db.dataSource.createQueryRunner();
    try {
      await runner.connect();
      // Named, so that an operator can tell it in pg_stat_activity.
      await runner.query(`SET synchronous_commit = off; SET application_name = 'dicom-router store intents'`);
      return runner;
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw error;
    }
  }
}

/** Back to the pool as the pool gave it: other work on that connection commits synchronously. */
async function releaseWriter(runner: QueryRunner): Promise<void> {
  await runner.query('RESET ALL').catch(() => undefined);
  await runner.release();
}

interface IntentRow {
  event_id: string;
  object_key: string;
  event: CloudEventJson | string;
}

function fromRow(row: IntentRow): StoreIntent {
  return { eventId: row.event_id, key: row.object_key, event: typeof row.event === 'string' ? (JSON.parse(row.event) as CloudEventJson) : row.event };
}
