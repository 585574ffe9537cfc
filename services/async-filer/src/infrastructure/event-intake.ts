import { isEvent, type CloudEventJson } from '@dicom-router/contracts';
import type { Logger } from '@dicom-router/service-runtime';
import type { Dispatcher } from '../domain/dispatch';
import { problemsOfStoredEvent } from '../domain/stored-event';
import type { QueueStore } from './queue-store';

/**
 * What the filer does with each public event (docs/architecture.md §4), whatever bus delivered it: a stored
 * instance of an async listener becomes one row per targeted filer (Queued or Ignored); the end of
 * its association (released, or aborted by the modality) makes the session's batches due.
 *
 * It returns only once the rows are committed, and the bus acknowledges only then: a stored event
 * is never lost between the gateway and the queue. A repeated event writes nothing new.
 */
export class EventIntake {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly store: QueueStore,
    private readonly logger: Logger,
    private readonly onDue: () => void,
    /**
     * Hosted in the process that holds the associations: a stored event made before this process
     * started (a previous one's, left in the outbox) belongs to an association that died with it.
     */
    private readonly associationsGoneBefore?: number,
  ) {}

  async handle(event: CloudEventJson): Promise<void> {
    if (isEvent(event, 'instanceStored')) return this.stored(event);
    if (isEvent(event, 'associationReleased')) return this.ended(event.data.associationId, 'released');
    if (isEvent(event, 'associationAborted')) return this.ended(event.data.associationId, 'aborted');
  }

  private async stored(event: CloudEventJson): Promise<void> {
    const problems = problemsOfStoredEvent(event.data);
    if (problems.length > 0) {
      // Redelivering an unreadable event cannot help: it is logged and acknowledged.
      this.logger.error({ eventId: event.id, problems }, 'instance.stored event refused: malformed');
      return;
    }
    const data = event.data as Parameters<Dispatcher['dispatch']>[0];
    const documents = this.dispatcher.dispatch(data);
    if (documents.length === 0) return;
    // A file intake has no association: each of its instances is a session of its own, due at once.
    const fromIntake = data.source !== 'association';
    const sessionId = fromIntake ? `${data.source}:${event.id}` : (data.associationId as string);
    const endedAs = fromIntake ? 'released' : this.associationGone(event) ? 'aborted' : null;
    const inserted = await this.store.enqueue(data, sessionId, documents, endedAs);
    this.logger.debug(
      { sopInstanceUid: data.sopInstanceUid, sessionId, filers: documents.map((d) => `${d.filer}:${d.status}`), inserted },
      'instance queued',
    );
    if (endedAs) this.onDue();
  }

  private associationGone(event: CloudEventJson): boolean {
    if (this.associationsGoneBefore === undefined) return false;
    const time = Date.parse(event.time);
    return Number.isFinite(time) && time < this.associationsGoneBefore;
  }

  private async ended(associationId: unknown, how: 'released' | 'aborted'): Promise<void> {
    if (typeof associationId !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(associationId)) return;
    await this.store.sessionEnded(associationId, how);
    this.onDue();
  }
}
