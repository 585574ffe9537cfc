import { subjectOfEvent, type CloudEventJson } from '@dicom-router/contracts';
import type { EntityManager } from 'typeorm';
import type { Database } from '../database/data-source';
import { GroupedWrites } from '../batching/grouped-writes';
import { OutboxEvent } from './outbox-event.entity';
import { CreateOutboxEvent1795765248058 } from './migrations/1795765248058-create-outbox-event';
import { OutboxPayloadJson1795900000000 } from './migrations/1795900000000-outbox-payload-json';

/** Pass these to openDatabase() in every service that uses the outbox. */
export const OUTBOX_ENTITIES = [OutboxEvent];
export const OUTBOX_MIGRATIONS = [CreateOutboxEvent1795765248058, OutboxPayloadJson1795900000000];

/** Rows per INSERT statement when adds are grouped (PostgreSQL allows 65,535 parameters; 3 per row). */
const MAX_ROWS_PER_STATEMENT = 500;

export class Outbox {
  readonly #inserts: GroupedWrites<{ event: CloudEventJson; subject: string }>;

  constructor(private readonly db: Database) {
    // One statement is atomic on its own: every row of a group is committed, or none.
    this.#inserts = new GroupedWrites((rows) => this.db.run((m) => insertRows(m, rows)), MAX_ROWS_PER_STATEMENT);
  }

  /**
   * Durable once the surrounding transaction commits: pass `manager` to commit the event together with
   * the data it describes.
   *
   * Without one, adds are group-committed: while one INSERT is being written, the adds that arrive
   * meanwhile (other associations storing at the same time) wait and go together in the next
   * statement, each resolving once its row is committed. A lone add is written at once.
   *
   * Adding an id that is already there does nothing, so a retried caller cannot publish twice.
   */
  add(event: CloudEventJson, manager?: EntityManager): Promise<void> {
    // An event outside the contract could never be published and would hold up every row behind it.
    let subject: string;
    try {
      subject = subjectOfEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    if (manager) return insertRows(manager, [{ event, subject }]);
    return this.#inserts.add({ event, subject });
  }

  /**
   * Whether any row is still to be published, including rows another replica's relay holds locked
   * while it publishes them (a plain read does not skip locked rows).
   */
  async hasUnpublished(): Promise<boolean> {
    const rows = (await this.db.run((m) => m.query(`SELECT 1 FROM outbox_event WHERE published_at IS NULL LIMIT 1`))) as unknown[];
    return rows.length > 0;
  }
}

function insertRows(manager: EntityManager, rows: ReadonlyArray<{ event: CloudEventJson; subject: string }>): Promise<void> {
  const values = rows.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ');
  const parameters = rows.flatMap(({ event, subject }) => [event.id, subject, JSON.stringify(event)]);
  return manager.query(`INSERT INTO outbox_event (id, subject, payload) VALUES ${values} ON CONFLICT (id) DO NOTHING`, parameters).then(() => undefined);
}
