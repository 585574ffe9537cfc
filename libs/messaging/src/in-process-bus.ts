import { subjectOfEvent, type CloudEventJson } from '@dicom-router/contracts';
import {
  assertDurableName,
  type EventBus,
  type EventConsumer,
  type EventHandler,
  type HandlerErrorListener,
  type PublishResult,
  type Subscription,
} from './event-bus';
import { assertSubjectFilter, subjectMatches } from './subject-match';

export interface InProcessBusOptions {
  /** Same meaning as the stream's duplicate window. */
  dedupeWindowMs?: number;
  redeliveryDelayMs?: number;
  /** Deliveries per event and durable before it is handed to `onGiveUp`. */
  maxDeliver?: number;
  onHandlerError?: HandlerErrorListener;
  onGiveUp?: (event: CloudEventJson, durableName: string, error: unknown) => void;
}

interface Pending {
  event: CloudEventJson;
  attempt: number;
  /** Reports this durable's outcome for the event to its publisher (PublishResult.handled). */
  settle: (error?: Error) => void;
}

/** An event id within the dedupe window; `handling` is its consumers' outcome while they are at it. */
interface Seen {
  expiresAt: number;
  handling?: Promise<void>;
}

/**
 * One durable consumer: a queue that outlives its subscribers, like a JetStream durable, so events
 * published while no handler is attached wait for the next one.
 */
class Durable {
  readonly queue: Pending[] = [];
  readonly handlers: EventHandler[] = [];
  readonly timers = new Set<NodeJS.Timeout>();
  running: Promise<void> | null = null;
  current: Promise<void> | null = null;
  next = 0;

  constructor(
    readonly name: string,
    readonly filter: string,
  ) {}
}

/**
 * The bus for `npm start` without NATS: at-least-once within this process only. Nothing survives a
 * restart, so an event is held durably only by its consumers, which commit what they take from it
 * before their handler resolves (`handled`), or by a database outbox row kept until then.
 */
export class InProcessBus implements EventBus {
  readonly #durables = new Map<string, Durable>();
  /**
   * Event ids accepted within the dedupe window: when they expire, and the consumers' outcome while
   * they are still at work (dropped once handled, so a busy window holds a number per id, not a promise).
   */
  readonly #seen = new Map<string, Seen>();
  /** Events taken by a durable and not yet handled there: settled with an error if the bus closes. */
  readonly #unsettled = new Set<Pending['settle']>();
  readonly #dedupeWindowMs: number;
  readonly #redeliveryDelayMs: number;
  readonly #maxDeliver: number;
  readonly #onHandlerError: HandlerErrorListener;
  readonly #onGiveUp: NonNullable<InProcessBusOptions['onGiveUp']>;
  #closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.#dedupeWindowMs = options.dedupeWindowMs ?? 2 * 60 * 1000;
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 1_000;
    this.#maxDeliver = options.maxDeliver ?? 10;
    this.#onHandlerError = options.onHandlerError ?? (() => undefined);
    this.#onGiveUp = options.onGiveUp ?? (() => undefined);
  }

  async publish(event: CloudEventJson): Promise<PublishResult> {
    if (this.#closed) throw new Error('in-process bus is closed');
    const subject = subjectOfEvent(event);
    const now = Date.now();
    this.#forgetExpired(now);
    // A repeat is told the first publish's outcome: an outbox republishing the event lets go of its
    // row only once the consumers have handled it, whoever published it first.
    const seen = this.#seen.get(event.id);
    if (seen) return { duplicate: true, ...(seen.handling && { handled: seen.handling }) };
    // Every durable gets the same event, frozen, so that no handler can change what another one (or
    // the publisher) sees: the isolation a copy per durable gave, without a copy per instance stored.
    deepFreeze(event);
    const outcomes: Promise<void>[] = [];
    for (const durable of this.#durables.values()) {
      if (!subjectMatches(durable.filter, subject)) continue;
      outcomes.push(
        new Promise<void>((resolve, reject) => {
          const settle = (error?: Error): void => {
            if (!this.#unsettled.delete(settle)) return;
            if (error) reject(error);
            else resolve();
          };
          this.#unsettled.add(settle);
          durable.queue.push({ event, attempt: 1, settle });
        }),
      );
      this.#pump(durable);
    }
    const handled = Promise.all(outcomes).then(() => undefined);
    const entry: Seen = { expiresAt: now + this.#dedupeWindowMs, handling: handled };
    this.#seen.set(event.id, entry);
    handled.then(
      () => delete entry.handling,
      // Not handled (no subscriber left, bus closed): a later publish of the same id must be delivered.
      // Publishers that do not wait for the handlers must not see an unhandled rejection either.
      () => {
        if (this.#seen.get(event.id) === entry) this.#seen.delete(event.id);
      },
    );
    return { duplicate: false, handled };
  }

  async subscribe(filter: string, consumer: EventConsumer): Promise<Subscription> {
    if (this.#closed) throw new Error('in-process bus is closed');
    assertSubjectFilter(filter);
    assertDurableName(consumer.durableName);
    let durable = this.#durables.get(consumer.durableName);
    if (!durable) {
      durable = new Durable(consumer.durableName, filter);
      this.#durables.set(durable.name, durable);
    } else if (durable.filter !== filter) {
      throw new Error(`durable consumer ${durable.name} filters ${durable.filter}, not ${filter}`);
    }
    const own = durable;
    own.handlers.push(consumer.handler);
    this.#pump(own);
    return {
      durableName: own.name,
      close: async () => {
        const index = own.handlers.indexOf(consumer.handler);
        if (index >= 0) own.handlers.splice(index, 1);
        await own.current;
        // Queued events wait for the next subscriber, but nothing in this process handles them now.
        if (own.handlers.length === 0) for (const pending of own.queue) pending.settle(new Error(`no subscriber left on ${own.name}`));
      },
    };
  }

  /** Stops redeliveries and waits for handlers in progress; queued events are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const durable of this.#durables.values()) {
      for (const timer of durable.timers) clearTimeout(timer);
      durable.timers.clear();
      durable.queue.length = 0;
    }
    await Promise.all([...this.#durables.values()].map((durable) => durable.running));
    for (const settle of [...this.#unsettled]) settle(new Error('in-process bus closed before the event was handled'));
  }

  /** Handlers run on a later tick, one event at a time per durable, round-robin over its subscribers. */
  #pump(durable: Durable): void {
    if (durable.running || durable.handlers.length === 0 || durable.queue.length === 0) return;
    durable.running = (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (!this.#closed && durable.handlers.length > 0) {
        const pending = durable.queue.shift();
        if (!pending) break;
        const handler = durable.handlers[durable.next++ % durable.handlers.length];
        const call = Promise.resolve()
          .then(() => handler(pending.event, { attempt: pending.attempt }))
          .then(() => pending.settle())
          .catch((err: unknown) => {
            this.#onHandlerError(err, pending.event, { attempt: pending.attempt });
            this.#retry(durable, pending, err);
          });
        durable.current = call;
        await call;
        durable.current = null;
      }
    })().finally(() => {
      durable.running = null;
      if (!this.#closed) this.#pump(durable);
    });
  }

  #retry(durable: Durable, pending: Pending, error: unknown): void {
    if (pending.attempt >= this.#maxDeliver) {
      this.#onGiveUp(pending.event, durable.name, error);
      // Given up is an outcome too: told to onGiveUp, not held for ever.
      pending.settle();
      return;
    }
    const timer = setTimeout(() => {
      durable.timers.delete(timer);
      durable.queue.push({ event: pending.event, attempt: pending.attempt + 1, settle: pending.settle });
      this.#pump(durable);
    }, this.#redeliveryDelayMs);
    durable.timers.add(timer);
  }

  #forgetExpired(now: number): void {
    // Insertion order is expiry order, so expired ids are at the front.
    for (const [id, { expiresAt }] of this.#seen) {
      if (expiresAt > now) break;
      this.#seen.delete(id);
    }
  }
}

/** Freezes a JSON value and everything in it (an event is plain data: objects, arrays, scalars). */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
}
