export type BusBreakerState = 'closed' | 'open';

export interface BusBreakerListener {
  /** Closed → open: a publish failed; events go to the outbox from now on. */
  opened(error: unknown): void;
  /** Open → closed: the bus took a probe and every event queued meanwhile is published. */
  closed(openForMs: number, queuedWhileOpen: number): void;
}

/** Taken when a probe starts; the probe counts only if no outbox write started since. */
export interface ProbeTicket {
  readonly writesStartedBefore: number;
  readonly writesInFlight: number;
}

/**
 * Remembers that the event bus is down, so that a C-STORE does not wait out a publish timeout per
 * instance to learn it again: once a publish failed, events go straight to the outbox (durable all
 * the same, docs/architecture.md §5) until a probe shows the bus answering.
 *
 * It closes only once nothing written to the outbox can still be overtaken by a direct publish: the
 * probe (the relay, publishing oldest first) found no unpublished row, and no outbox write was in
 * flight when it looked nor started since. Consumers such as async-filer rely on an association's
 * release arriving after its stored instances; the direct path and the relay must not reorder them.
 *
 * Pure state: the caller does the I/O and reports what happened.
 */
export class BusBreaker {
  #state: BusBreakerState = 'closed';
  #openedAt = 0;
  #writesStarted = 0;
  #writesInFlight = 0;
  #queuedWhileOpen = 0;

  constructor(
    private readonly listener: BusBreakerListener,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BusBreakerState {
    return this.#state;
  }

  /** Open: send events to the outbox without trying the bus first. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** A publish on the bus failed (timeout, no connection, consumers too slow). */
  publishFailed(error: unknown): void {
    if (this.#state === 'open') return;
    this.#state = 'open';
    this.#openedAt = this.now();
    this.#queuedWhileOpen = 0;
    this.notify(() => this.listener.opened(error));
  }

  /** An outbox write begins; call the returned function once it settled (committed or failed). */
  outboxWriteStarted(): () => void {
    this.#writesStarted++;
    this.#writesInFlight++;
    if (this.#state === 'open') this.#queuedWhileOpen++;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.#writesInFlight--;
    };
  }

  /** Call before looking whether the outbox still holds unpublished rows. */
  probeStarted(): ProbeTicket {
    return { writesStartedBefore: this.#writesStarted, writesInFlight: this.#writesInFlight };
  }

  /**
   * The probe's outcome: the relay published what it claimed, and `outboxEmpty` says whether any
   * unpublished row was left when it looked. Returns true when this closed the breaker.
   */
  probeSucceeded(ticket: ProbeTicket, outboxEmpty: boolean): boolean {
    if (this.#state === 'closed') return false;
    // A write in flight at the look may commit after it; one started since is not in what was seen.
    if (!outboxEmpty || ticket.writesInFlight > 0 || this.#writesStarted !== ticket.writesStartedBefore) return false;
    this.#state = 'closed';
    const openForMs = this.now() - this.#openedAt;
    this.notify(() => this.listener.closed(openForMs, this.#queuedWhileOpen));
    return true;
  }

  private notify(call: () => void): void {
    try {
      call();
    } catch {
      // A throwing listener must not leave the breaker half-switched.
    }
  }
}
