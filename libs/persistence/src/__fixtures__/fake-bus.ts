import type { CloudEventJson } from '@dicom-router/contracts';
import type { EventPublisher } from '../outbox/event-publisher';

/** Records what reaches the bus, deduplicating ids as JetStream does; can be switched off. */
export class FakeBus implements EventPublisher {
  readonly published: CloudEventJson[] = [];
  readonly calls: string[] = [];
  down = false;
  /** Fails the publish of this event id once it is reached (a poison row). */
  failIds = new Set<string>();
  /** Like the in-process bus: each publish also returns what its consumers will make of it. */
  handled: ((event: CloudEventJson) => Promise<void>) | undefined;

  constructor(private readonly delayMs = 0) {}

  async publish(event: CloudEventJson): Promise<{ duplicate: boolean; handled?: Promise<void> }> {
    this.calls.push(event.id);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.down || this.failIds.has(event.id)) throw new Error(`cannot publish ${event.id}: bus down`);
    const duplicate = this.published.some((e) => e.id === event.id);
    if (!duplicate) this.published.push(event);
    return { duplicate, ...(this.handled && { handled: this.handled(event) }) };
  }
}
