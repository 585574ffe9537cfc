import { subjectOfEvent, type CloudEventJson } from '@dicom-router/contracts';
import type { EntityManager } from 'typeorm';
import type { Database } from '../database/data-source';
import { OutboxEvent } from './outbox-event.entity';
import { CreateOutboxEvent1795765248058 } from './migrations/1795765248058-create-outbox-event';

/** Pass these to openDatabase() in every service that uses the outbox. */
export const OUTBOX_ENTITIES = [OutboxEvent];
export const OUTBOX_MIGRATIONS = [CreateOutboxEvent1795765248058];

export class Outbox {
  constructor(private readonly db: Database) {}

  /**
   * Durable once the surrounding transaction commits: pass `manager` to commit the event together with
   * the data it describes; without one the row is written in a transaction of its own.
   * Adding an id that is already there does nothing, so a retried caller cannot publish twice.
   */
  async add(event: CloudEventJson, manager?: EntityManager): Promise<void> {
    // An event outside the contract could never be published and would hold up every row behind it.
    const subject = subjectOfEvent(event);
    const insert = (m: EntityManager) =>
      m.query(`INSERT INTO outbox_event (id, subject, payload) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
        event.id,
        subject,
        JSON.stringify(event),
      ]);
    if (manager) await insert(manager);
    else await this.db.transaction(insert);
  }
}
