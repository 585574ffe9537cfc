import type { CloudEventJson } from '@dicom-router/contracts';
import type { EntityManager } from 'typeorm';
import type { Database } from '../database/data-source';
import { handledOf, type EventPublisher } from './event-publisher';

export interface OutboxRelayOptions {
  /** Rows claimed per round trip; on PostgreSQL also the rows one transaction keeps locked. */
  batchSize: number;
  /** Pause between drains while publishing works. */
  intervalMs: number;
  /**
   * After nudge(), the drain starts this much later (default 25 ms), so that rows added in a burst
   * leave in one batch: one claim and one mark for many rows.
   */
  nudgeDelayMs?: number;
  /** Ceiling of the pause, which doubles after every failed drain while the bus is down. */
  maxBackoffMs: number;
  /** Told about every failed drain; the relay keeps going. */
  onError: (error: unknown) => void;
  /**
   * Told after every drain that published all it claimed (possibly nothing): the bus answers, which
   * is what a breaker of the direct path waits for.
   */
  onDrained?: (published: number) => void;
  /**
   * Published rows are kept this long (default one hour), for inspection, then deleted so the table
   * stays small. JetStream's own record is the event stream. 0 deletes a row as soon as it is
   * published: one cheap delete instead of an update now and a delete later.
   */
  retentionMs?: number;
  /** Published rows older than the retention are deleted at most this often (default one minute). */
  purgeEveryMs?: number;
}

interface Row {
  id: string;
  payload: CloudEventJson;
}

interface BatchResult {
  claimed: number;
  published: number;
  failure?: { error: unknown };
}

/** Runs the statements that record a batch's outcome: inside the claiming transaction, or on their own. */
type Mark = (statements: Statement[]) => Promise<void>;
type Statement = { sql: string; parameters: unknown[] };

const DEFAULT_RETENTION_MS = 3_600_000;
const DEFAULT_PURGE_EVERY_MS = 60_000;
const DEFAULT_NUDGE_DELAY_MS = 25;
const MAX_ERROR_LENGTH = 2_000;

/**
 * Publishes outbox rows, oldest first, at least once: a crash between publish and mark republishes
 * the same event id, which JetStream deduplicates (Nats-Msg-Id).
 */
export class OutboxRelay {
  #timer: NodeJS.Timeout | null = null;
  #dueAt = 0;
  #lastPurge = 0;
  #tick: Promise<void> = Promise.resolve();
  #drain: Promise<number> | null = null;
  #failures = 0;
  #running = false;

  constructor(
    private readonly db: Database,
    private readonly bus: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.schedule(0);
  }

  /**
   * Rows were just added: drain soon rather than at the next interval. Polling stays as the safety
   * net (rows added by another process, a failed drain's backoff is kept).
   */
  nudge(): void {
    if (!this.#running || this.#failures > 0) return;
    const dueAt = Date.now() + (this.options.nudgeDelayMs ?? DEFAULT_NUDGE_DELAY_MS);
    if (this.#timer && this.#dueAt <= dueAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.schedule(dueAt - Date.now());
  }

  /** Waits for a drain in progress; unpublished rows stay for the next start. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#tick;
  }

  /**
   * Publishes every unpublished row and resolves with how many. On the first failure it records
   * attempts and last_error on that row, keeps what was published, and rejects: later rows wait, so
   * events leave in the order they were added.
   */
  drainOnce(): Promise<number> {
    // One drain per relay at a time: on the embedded database rows are claimed without a lock.
    this.#drain ??= this.drain().finally(() => {
      this.#drain = null;
    });
    return this.#drain;
  }

  private schedule(delayMs: number): void {
    this.#dueAt = Date.now() + delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // A nudge during a drain schedules the next one; ticks never overlap.
      this.#tick = this.#tick.then(() => this.tick());
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      const published = await this.drainOnce();
      this.#failures = 0;
      try {
        this.options.onDrained?.(published);
      } catch {
        // A throwing listener must not stop the relay.
      }
    } catch (err) {
      this.#failures++;
      try {
        this.options.onError(err);
      } catch {
        // A throwing listener must not stop the relay.
      }
    }
    if (this.#running && !this.#timer) this.schedule(this.delay());
  }

  private delay(): number {
    const { intervalMs, maxBackoffMs } = this.options;
    return this.#failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** this.#failures, maxBackoffMs);
  }

  private async drain(): Promise<number> {
    await this.purge();
    let published = 0;
    for (;;) {
      const batch = await this.batch();
      published += batch.published;
      if (batch.failure) throw batch.failure.error;
      if (batch.claimed < this.options.batchSize) return published;
    }
  }

  private batch(): Promise<BatchResult> {
    if (this.db.kind === 'postgres') {
      // The row locks last until commit, after publishing: another replica's relay skips these rows
      // rather than publishing them again, and takes the next ones.
      return this.db.transaction(async (m) => this.publish(await this.claim(m, 'FOR UPDATE SKIP LOCKED'), (statements) => runAll(m, statements)));
    }
    // Embedded: one process, one relay. Publishing outside the queue keeps a slow or absent bus from
    // holding up every writer behind it.
    // A lone statement (the usual case: every row published) commits by itself, without BEGIN/COMMIT.
    return this.db
      .run((m) => this.claim(m, ''))
      .then((rows) =>
        this.publish(rows, (statements) =>
          statements.length === 1 ? this.db.run((m) => runAll(m, statements)) : this.db.transaction((m) => runAll(m, statements)),
        ),
      );
  }

  private claim(m: EntityManager, lock: string): Promise<Row[]> {
    return m.query(`SELECT id, payload FROM outbox_event WHERE published_at IS NULL ORDER BY created_at, seq LIMIT $1 ${lock}`, [
      this.options.batchSize,
    ]);
  }

  private async publish(rows: Row[], mark: Mark): Promise<BatchResult> {
    const published: string[] = [];
    let failure: { row: Row; error: unknown } | undefined;
    for (const row of rows) {
      try {
        // On the in-process bus, the row goes only once the consumers here have the event.
        await handledOf(await this.bus.publish(row.payload));
        published.push(row.id);
      } catch (error) {
        failure = { row, error };
        break;
      }
    }
    const statements: Statement[] = [];
    if (published.length > 0 && this.options.retentionMs === 0) {
      statements.push({ sql: `DELETE FROM outbox_event WHERE id = ANY($1::uuid[])`, parameters: [published] });
    } else if (published.length > 0) {
      statements.push({ sql: `UPDATE outbox_event SET published_at = clock_timestamp() WHERE id = ANY($1::uuid[])`, parameters: [published] });
    }
    if (failure) {
      statements.push({
        sql: `UPDATE outbox_event SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
        parameters: [failure.row.id, describe(failure.error).slice(0, MAX_ERROR_LENGTH)],
      });
    }
    if (statements.length > 0) await mark(statements);
    return { claimed: rows.length, published: published.length, ...(failure && { failure: { error: failure.error } }) };
  }

  private purge(): Promise<unknown> {
    const now = Date.now();
    if (now - this.#lastPurge < (this.options.purgeEveryMs ?? DEFAULT_PURGE_EVERY_MS)) return Promise.resolve();
    this.#lastPurge = now;
    const before = new Date(now - (this.options.retentionMs ?? DEFAULT_RETENTION_MS));
    return this.db.run((m) => m.query(`DELETE FROM outbox_event WHERE published_at < $1`, [before]));
  }
}

async function runAll(m: EntityManager, statements: Statement[]): Promise<void> {
  for (const { sql, parameters } of statements) await m.query(sql, parameters);
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
