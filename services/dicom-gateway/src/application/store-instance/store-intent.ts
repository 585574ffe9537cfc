import { createHash } from 'node:crypto';
import type { CloudEventJson } from '@dicom-router/contracts';
import { ObjectNotFoundError, type StorageLocation } from '@dicom-router/storage';

/**
 * A store that may make an object visible under `key`, recorded durably before it does. An object
 * whose intent is still open was never announced (or not yet): a crash between the object and its
 * event leaves exactly that, and the intent is how it is found again and announced.
 */
export interface StoreIntent {
  /** The id the stored event carries, which the bus deduplicates on. */
  eventId: string;
  key: string;
  /** The stored event as it will be announced, but for the object's size and checksum. */
  event: CloudEventJson;
}

/** Where intents are kept (the database, beside the outbox). */
export interface StoreIntentLog {
  /** Durable once it resolves. */
  hold(intent: StoreIntent): Promise<void>;
  /** The intent is settled: its event is durable, or its object was withdrawn. */
  release(eventId: string): void;
  /** Open intents for `key`. */
  pendingFor(key: string): Promise<StoreIntent[]>;
  /** Removes an intent now. */
  forget(eventId: string): Promise<void>;
}

/** Makes an event durable (bus or outbox) or rejects. */
export interface EventAnnouncer {
  announce(event: CloudEventJson): Promise<void>;
}

/**
 * Settles an open intent: the object under its key is announced with its own size and checksum,
 * under the intent's event id (a second announcement of an event that did go out is dropped by the
 * bus's duplicate window, and consumers are idempotent by instance and checksum), or, when the key
 * holds nothing, the intent is dropped: the store never finished and nobody was answered Success.
 */
export class ReconcileStoreIntent {
  constructor(
    private readonly storage: StorageLocation,
    private readonly events: EventAnnouncer,
    private readonly intents: StoreIntentLog,
  ) {}

  async execute(intent: StoreIntent): Promise<'announced' | 'dropped'> {
    const object = await this.digest(intent.key);
    if (object) await this.events.announce(withObject(intent.event, object));
    await this.intents.forget(intent.eventId);
    return object ? 'announced' : 'dropped';
  }

  private async digest(key: string): Promise<{ size: number; sha256: string } | null> {
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await this.storage.openReader(key)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { size, sha256: hash.digest('hex') };
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
  }
}

/** The intent's event with the stored object's size and checksum filled in. */
function withObject(event: CloudEventJson, object: { size: number; sha256: string }): CloudEventJson {
  const copy = structuredClone(event) as CloudEventJson & { data: { storage: { size: number; sha256: string } } };
  copy.data.storage.size = object.size;
  copy.data.storage.sha256 = object.sha256;
  return copy;
}
