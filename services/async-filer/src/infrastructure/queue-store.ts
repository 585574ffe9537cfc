import type { CloudEventJson, InstanceStoredV1 } from '@dicom-router/contracts';
import { Outbox, type Database } from '@dicom-router/persistence';
import type { EntityManager } from 'typeorm';
import type { DispatchedDocument } from '../domain/dispatch';
import type { DocumentStatus } from '../domain/document-status';

/** How a session ended: A-RELEASE, or A-ABORT (also: its connection died with the gateway process). */
export type SessionEnd = 'released' | 'aborted';

/** A row of the queue as the REST API shows it. */
export interface QueuedDocument {
  id: string;
  filer: string;
  destination: string;
  sessionId: string;
  sopInstanceUid: string;
  sopClassUid: string;
  storageKey: string;
  sha256: string;
  callingAet: string | null;
  status: DocumentStatus;
  remark: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export interface DocumentFilter {
  filer?: string;
  status?: DocumentStatus;
  sessionId?: string;
  /** created_at ≥ since */
  since?: Date;
  /** created_at < until */
  until?: Date;
}

/** A (session, filer) batch this replica holds the lease of. */
export interface ClaimedBatch {
  filer: string;
  sessionId: string;
  retries: number;
}

interface Row {
  id: string;
  filer: string;
  destination: string;
  session_id: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  storage_key: string;
  sha256: string;
  calling_aet: string | null;
  status: DocumentStatus;
  remark: string;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

const toDocument = (r: Row): QueuedDocument => ({
  id: String(r.id),
  filer: r.filer,
  destination: r.destination,
  sessionId: r.session_id,
  sopInstanceUid: r.sop_instance_uid,
  sopClassUid: r.sop_class_uid,
  storageKey: r.storage_key,
  sha256: r.sha256,
  callingAet: r.calling_aet,
  status: r.status,
  remark: r.remark,
  attempts: r.attempts,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
  deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
});

/** WHERE clause and parameters of a DocumentFilter, numbered from `first`. */
function where(filter: DocumentFilter, first = 1): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    parts.push(sql.replace('?', `$${first + params.length - 1}`));
  };
  if (filter.filer !== undefined) add('d.filer = ?', filter.filer);
  if (filter.status !== undefined) add('d.status = ?', filter.status);
  if (filter.sessionId !== undefined) add('d.session_id = ?', filter.sessionId);
  if (filter.since !== undefined) add('d.created_at >= ?', filter.since);
  if (filter.until !== undefined) add('d.created_at < ?', filter.until);
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', params };
}

/**
 * Every statement on the queue tables. Deliveries of one (session, filer) batch are serialised by a
 * lease on the batch row, taken with `FOR UPDATE SKIP LOCKED` so that replicas never wait on each
 * other and never take the same batch; the lease expires, so a batch held by a replica that died
 * (SIGKILL, node lost) is taken again by another once `lease_until` has passed.
 */
export class QueueStore {
  private readonly outbox: Outbox;

  constructor(readonly database: Database) {
    this.outbox = new Outbox(database);
  }

  /**
   * Writes the rows of one stored instance; a redelivered event changes nothing (unique key).
   * `endedAs` ends the session with it: a file intake's instance, or an association known to be gone.
   */
  async enqueue(stored: InstanceStoredV1, sessionId: string, documents: readonly DispatchedDocument[], endedAs: SessionEnd | null): Promise<number> {
    // One statement, atomic on its own: the stored event is acknowledged once it returns, and on the
    // embedded database the C-STORE waits for it (publishDurably), so every round trip counts.
    const rows = (await this.database.run((m) =>
      m.query(
        `WITH documents AS (
           INSERT INTO filer_document (filer, destination, session_id, sop_instance_uid, sop_class_uid, storage_key, sha256, calling_aet, status, remark)
           SELECT d.filer, d.destination, $5, $6, $7, $8, $9, $10, d.status, d.remark
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d (filer, destination, status, remark)
           ON CONFLICT (filer, session_id, sop_instance_uid) DO NOTHING
           RETURNING id
         ), batches AS (
           -- The worker also finishes batches with nothing to send (remove completed entries).
           -- last_enqueued_at only feeds the idle timeout (10 s at least): refreshed once a second, a
           -- session's instances leave one row version per second instead of one each.
           INSERT INTO filer_batch (filer, session_id, pending)
           SELECT DISTINCT f.filer, $5, TRUE FROM unnest($1::text[]) AS f (filer)
           ON CONFLICT (filer, session_id) DO UPDATE SET pending = TRUE, last_enqueued_at = now()
           WHERE NOT filer_batch.pending OR filer_batch.last_enqueued_at < now() - interval '1 second'
         ), ended AS (
           INSERT INTO filer_session (session_id, ended) SELECT $5, $11::varchar WHERE $11::varchar IS NOT NULL
           ON CONFLICT (session_id) DO NOTHING
         )
         SELECT count(*)::int AS inserted FROM documents`,
        [
          documents.map((d) => d.filer),
          documents.map((d) => d.destination),
          documents.map((d) => d.status),
          documents.map((d) => d.remark),
          sessionId,
          stored.sopInstanceUid,
          stored.sopClassUid,
          stored.storage.key,
          stored.storage.sha256,
          stored.callingAet,
          endedAs,
        ],
      ),
    )) as unknown;
    return rowsOf<{ inserted: number }>(rows)[0]?.inserted ?? 0;
  }

  /** The association ended (A-RELEASE or A-ABORT): its batches may go. */
  async sessionEnded(sessionId: string, how: SessionEnd): Promise<void> {
    await this.database.transaction(async (m) => {
      await this.markEnded(m, sessionId, how);
      await m.query(`UPDATE filer_batch SET pending = TRUE WHERE session_id = $1`, [sessionId]);
    });
  }

  /**
   * Ends every session still open: for a host whose associations all died with its previous
   * process. Returns how many sessions it ended; their batches are due at once.
   */
  async endOpenSessions(how: SessionEnd): Promise<number> {
    return this.database.transaction(async (m) => {
      const ended = rowsOf<{ session_id: string }>(
        await m.query(
          `INSERT INTO filer_session (session_id, ended)
           SELECT DISTINCT b.session_id, $1::varchar FROM filer_batch b
           WHERE NOT EXISTS (SELECT 1 FROM filer_session s WHERE s.session_id = b.session_id)
           ON CONFLICT (session_id) DO NOTHING
           RETURNING session_id`,
          [how],
        ),
      ).map((r) => r.session_id);
      if (ended.length > 0) await m.query(`UPDATE filer_batch SET pending = TRUE WHERE session_id = ANY($1::text[])`, [ended]);
      return ended.length;
    });
  }

  private async markEnded(m: EntityManager, sessionId: string, how: string): Promise<void> {
    await m.query(`INSERT INTO filer_session (session_id, ended) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING`, [sessionId, how]);
  }

  /**
   * Takes the lease of the due batch waiting longest among `filers`, or null when none is due. A
   * batch is due once its association ended, or, because lifecycle events are not durable (a NATS
   * outage may lose a release), once nothing was added to it for `idleMs`.
   */
  async claim(owner: string, filers: readonly string[], leaseMs: number, idleMs: number): Promise<ClaimedBatch | null> {
    const rows = (await this.database.run((m) =>
      m.query(
        `UPDATE filer_batch b SET lease_owner = $1, lease_until = now() + ($2 * interval '1 millisecond')
         FROM (SELECT c.filer, c.session_id FROM filer_batch c
               LEFT JOIN filer_session s ON s.session_id = c.session_id
               WHERE (s.session_id IS NOT NULL OR c.last_enqueued_at < now() - ($4 * interval '1 millisecond'))
                 AND c.pending AND c.parked_at IS NULL AND c.next_attempt_at <= now()
                 AND (c.lease_until IS NULL OR c.lease_until < now())
                 AND c.filer = ANY($3)
                 AND NOT EXISTS (SELECT 1 FROM filer_state f WHERE f.filer = c.filer AND f.paused)
               ORDER BY c.next_attempt_at LIMIT 1
               FOR UPDATE OF c SKIP LOCKED) due
         WHERE b.filer = due.filer AND b.session_id = due.session_id
         RETURNING b.filer, b.session_id, b.retries`,
        [owner, leaseMs, filers, idleMs],
      ),
    )) as unknown;
    const list = rowsOf<{ filer: string; session_id: string; retries: number }>(rows);
    const first = list[0];
    return first ? { filer: first.filer, sessionId: first.session_id, retries: first.retries } : null;
  }

  /** Extends the lease; false when it was lost (expired and taken by another replica). */
  async renew(owner: string, batch: ClaimedBatch, leaseMs: number): Promise<boolean> {
    const result = (await this.database.run((m) =>
      m.query(
        `UPDATE filer_batch SET lease_until = now() + ($1 * interval '1 millisecond') WHERE filer = $2 AND session_id = $3 AND lease_owner = $4 RETURNING filer`,
        [leaseMs, batch.filer, batch.sessionId, owner],
      ),
    )) as unknown;
    return affected(result) > 0;
  }

  /**
   * Starts an attempt of the batch: every Queued document of the session counts one more attempt
   * (the session is what is tried; a document not reached because the association failed was still
   * part of it) and is returned, oldest first.
   */
  async startAttempt(batch: ClaimedBatch): Promise<QueuedDocument[]> {
    const rows = rowsOf<Row>(
      await this.database.run((m) =>
        m.query(
          `UPDATE filer_document d SET attempts = attempts + 1, updated_at = now() WHERE d.filer = $1 AND d.session_id = $2 AND d.status = 'Queued' RETURNING d.*`,
          [batch.filer, batch.sessionId],
        ),
      ),
    );
    return rows.map(toDocument).sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** True when this SOP instance, with these bytes, already reached this destination (idempotence). */
  async alreadyDelivered(doc: QueuedDocument): Promise<boolean> {
    const rows = (await this.database.run((m) =>
      m.query(
        `SELECT 1 FROM filer_document WHERE sop_instance_uid = $1 AND destination = $2 AND sha256 = $3 AND status = 'Delivered' AND id <> $4 LIMIT 1`,
        [doc.sopInstanceUid, doc.destination, doc.sha256, doc.id],
      ),
    )) as unknown[];
    return rows.length > 0;
  }

  async settle(id: string, status: 'Delivered' | 'Errored', remark: string): Promise<void> {
    await this.database.run((m) =>
      m.query(
        `UPDATE filer_document SET status = $2::varchar, remark = $3, updated_at = now(), delivered_at = CASE WHEN $2::varchar = 'Delivered' THEN now() ELSE delivered_at END WHERE id = $1 AND status = 'Queued'`,
        [id, status, remark],
      ),
    );
  }

  /**
   * The batch was worked through. When nothing is Queued any more it is done; with "remove completed
   * entries" and every document Delivered (or Ignored), its rows are deleted. Returns what happened.
   */
  async finish(owner: string, batch: ClaimedBatch, removeCompleted: boolean): Promise<'done' | 'removed' | 'more'> {
    return this.database.transaction(async (m) => {
      // Locked first: an intake queueing a late document of this session (another replica) either
      // committed before, and is counted below, or waits and sets the batch pending again after us.
      await m.query(`SELECT 1 FROM filer_batch WHERE filer = $1 AND session_id = $2 FOR UPDATE`, [batch.filer, batch.sessionId]);
      const counts = (await m.query(
        `SELECT status, count(*)::int AS n FROM filer_document WHERE filer = $1 AND session_id = $2 GROUP BY status`,
        [batch.filer, batch.sessionId],
      )) as { status: DocumentStatus; n: number }[];
      const count = (s: DocumentStatus) => counts.find((c) => c.status === s)?.n ?? 0;
      if (count('Queued') > 0) {
        await m.query(`UPDATE filer_batch SET lease_owner = NULL, lease_until = NULL WHERE filer = $1 AND session_id = $2 AND lease_owner = $3`, [batch.filer, batch.sessionId, owner]);
        return 'more';
      }
      if (removeCompleted && count('Errored') === 0) {
        await m.query(`DELETE FROM filer_document WHERE filer = $1 AND session_id = $2 AND status IN ('Delivered', 'Ignored')`, [batch.filer, batch.sessionId]);
        await m.query(`DELETE FROM filer_batch WHERE filer = $1 AND session_id = $2`, [batch.filer, batch.sessionId]);
        return 'removed';
      }
      await m.query(
        `UPDATE filer_batch SET pending = FALSE, retries = 0, lease_owner = NULL, lease_until = NULL WHERE filer = $1 AND session_id = $2 AND lease_owner = $3`,
        [batch.filer, batch.sessionId, owner],
      );
      return 'done';
    });
  }

  /** The association to the destination failed: try the session again after `delayMs`. */
  async retryLater(owner: string, batch: ClaimedBatch, delayMs: number, remark: string): Promise<void> {
    await this.database.transaction(async (m) => {
      await m.query(
        `UPDATE filer_batch SET retries = retries + 1, next_attempt_at = now() + ($1 * interval '1 millisecond'), lease_owner = NULL, lease_until = NULL
         WHERE filer = $2 AND session_id = $3 AND lease_owner = $4`,
        [delayMs, batch.filer, batch.sessionId, owner],
      );
      await m.query(`UPDATE filer_document SET remark = $3, updated_at = now() WHERE filer = $1 AND session_id = $2 AND status = 'Queued'`, [batch.filer, batch.sessionId, remark]);
    });
  }

  /**
   * Retries are exhausted: the documents stay Queued (requeued), the batch is parked until an
   * operator requeues it, and the alert is committed with it (outbox) so it is raised exactly once.
   */
  async park(owner: string, batch: ClaimedBatch, remark: string, alert: CloudEventJson): Promise<boolean> {
    return this.database.transaction(async (m) => {
      const parked = (await m.query(
        `UPDATE filer_batch SET parked_at = now(), retries = retries + 1, lease_owner = NULL, lease_until = NULL
         WHERE filer = $1 AND session_id = $2 AND lease_owner = $3 AND parked_at IS NULL RETURNING filer`,
        [batch.filer, batch.sessionId, owner],
      )) as unknown;
      if (affected(parked) === 0) return false;
      await m.query(`UPDATE filer_document SET remark = $3, updated_at = now() WHERE filer = $1 AND session_id = $2 AND status = 'Queued'`, [batch.filer, batch.sessionId, remark]);
      await this.outbox.add(alert, m);
      return true;
    });
  }

  /** Gives the lease back without changing anything (shutdown, lease lost). */
  async release(owner: string, batch: ClaimedBatch): Promise<void> {
    await this.database.run((m) =>
      m.query(`UPDATE filer_batch SET lease_owner = NULL, lease_until = NULL WHERE filer = $1 AND session_id = $2 AND lease_owner = $3`, [batch.filer, batch.sessionId, owner]),
    );
  }

  async list(filter: DocumentFilter, limit: number, offset: number): Promise<QueuedDocument[]> {
    const w = where(filter);
    const rows = (await this.database.run((m) =>
      m.query(`SELECT * FROM filer_document d WHERE ${w.sql} ORDER BY d.id LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`, [...w.params, limit, offset]),
    )) as Row[];
    return rows.map(toDocument);
  }

  async get(id: string): Promise<QueuedDocument | null> {
    const rows = (await this.database.run((m) => m.query(`SELECT * FROM filer_document d WHERE d.id = $1`, [id]))) as Row[];
    return rows[0] ? toDocument(rows[0]) : null;
  }

  /** Documents by filer and status. */
  async counts(filer?: string): Promise<{ filer: string; status: DocumentStatus; count: number }[]> {
    const rows = (await this.database.run((m) =>
      m.query(
        `SELECT filer, status, count(*)::int AS count FROM filer_document d WHERE ($1::text IS NULL OR d.filer = $1) GROUP BY filer, status ORDER BY filer, status`,
        [filer ?? null],
      ),
    )) as { filer: string; status: DocumentStatus; count: number }[];
    return rows;
  }

  /**
   * Errored documents matching the filter go back to Queued, and the batches they (or the filter's
   * Queued documents) belong to are un-parked with their retry count reset: delivered on the next
   * claim. Returns the documents now queued for delivery.
   */
  async requeue(filter: Omit<DocumentFilter, 'status'> & { id?: string }): Promise<number> {
    return this.database.transaction(async (m) => {
      const w = where(filter);
      const idClause = filter.id === undefined ? '' : ` AND d.id = $${w.params.length + 1}`;
      const params = filter.id === undefined ? w.params : [...w.params, filter.id];
      const touched = (await m.query(
        `UPDATE filer_document d SET status = 'Queued', remark = 'requeued', updated_at = now()
         WHERE ${w.sql}${idClause} AND d.status IN ('Errored', 'Queued') RETURNING d.filer, d.session_id`,
        params,
      )) as unknown;
      const rows = rowsOf<{ filer: string; session_id: string }>(touched);
      const batches = new Map(rows.map((r) => [`${r.filer}\u0000${r.session_id}`, r]));
      for (const b of batches.values()) {
        await m.query(
          `INSERT INTO filer_batch (filer, session_id, pending) VALUES ($1, $2, TRUE)
           ON CONFLICT (filer, session_id) DO UPDATE SET pending = TRUE, parked_at = NULL, retries = 0, next_attempt_at = now()`,
          [b.filer, b.session_id],
        );
      }
      return rows.length;
    });
  }

  /** Deletes documents matching the filter; without a status only finished ones (never Queued). */
  async purge(filter: DocumentFilter): Promise<number> {
    return this.database.transaction(async (m) => {
      const w = where(filter);
      const statusClause = filter.status === undefined ? ` AND d.status IN ('Ignored', 'Delivered', 'Errored')` : '';
      const deleted = rowsOf(await m.query(`DELETE FROM filer_document d WHERE ${w.sql}${statusClause} RETURNING d.id`, w.params));
      // Batches left without documents carry nothing any more.
      await m.query(`DELETE FROM filer_batch b WHERE NOT EXISTS (SELECT 1 FROM filer_document d WHERE d.filer = b.filer AND d.session_id = b.session_id)`);
      return deleted.length;
    });
  }

  async setPaused(filer: string, paused: boolean): Promise<void> {
    await this.database.run((m) =>
      m.query(`INSERT INTO filer_state (filer, paused, updated_at) VALUES ($1, $2, now()) ON CONFLICT (filer) DO UPDATE SET paused = $2, updated_at = now()`, [filer, paused]),
    );
  }

  async pausedFilers(): Promise<Set<string>> {
    const rows = (await this.database.run((m) => m.query(`SELECT filer FROM filer_state WHERE paused`))) as { filer: string }[];
    return new Set(rows.map((r) => r.filer));
  }
}

/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, count] on PostgreSQL. */
function rowsOf<T = unknown>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return (result as T[]) ?? [];
}

function affected(result: unknown): number {
  return rowsOf(result).length;
}

