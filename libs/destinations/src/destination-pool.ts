import type { ClientAssociation } from '@dicom-router/dicom-network';

/** An abstract syntax and the one transfer syntax a data set is encoded in. */
export interface ContextNeed {
  sopClassUid: string;
  transferSyntaxUid: string;
}

/** Opens one association proposing these presentation contexts. */
export type OpenAssociation = (needs: readonly ContextNeed[]) => Promise<ClientAssociation>;

export interface DestinationPoolOptions {
  maxAssociations: number;
  /** An association with nothing to do is released after this long. */
  idleTimeoutMs: number;
  /** Transfer syntaxes in the order their contexts are proposed (destination's preference). */
  preferredTransferSyntaxes: readonly string[];
}

/** Work that needs an association carrying `need`; `run` gets one that accepted or rejected it. */
interface Job {
  need: ContextNeed;
  run(association: ClientAssociation): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Slot {
  association?: ClientAssociation;
  busy: boolean;
  /** Every context proposed when it was opened: a job whose need was proposed may use it (accepted or not). */
  proposed: readonly ContextNeed[];
  idleTimer?: NodeJS.Timeout;
  retired: boolean;
}

/**
 * PS3.8 §9.3.2: at most 128 presentation contexts per association (odd ids 1 to 255). Fewer are
 * proposed so that A-ASSOCIATE-RQ stays small; instances needing others open another association.
 */
const MAX_CONTEXTS_PER_ASSOCIATION = 64;

export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
}

/**
 * The associations to one destination. Work queues here; an open association that proposed the
 * work's (SOP class, transfer syntax) takes it, otherwise a new one is opened up to
 * `maxAssociations`, proposing the contexts of everything queued so that the queue drains over
 * it. An association is reused while work is queued and released once idle for `idleTimeoutMs`.
 */
export class DestinationPool {
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private closing = false;
  private opened = 0;
  /** Contexts of recent work, newest first: proposed again so that a mixed stream shares associations. */
  private recent: ContextNeed[] = [];

  constructor(
    private readonly open: OpenAssociation,
    private readonly options: DestinationPoolOptions,
  ) {}

  /** Runs `work` on an association that proposed `need`; settles with what `work` settles with. */
  run<T>(need: ContextNeed, work: (association: ClientAssociation) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new PoolClosedError('the destination pool is closed'));
    this.recent = [need, ...this.recent.filter((n) => !sameNeed(n, need))].slice(0, MAX_CONTEXTS_PER_ASSOCIATION);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ need, run: work, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  /** Associations opened so far, for metrics and for tests of reuse. */
  get associationsOpened(): number {
    return this.opened;
  }

  get openAssociations(): number {
    return this.slots.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Refuses new work, fails what is queued, releases idle associations, waits for busy ones. */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.queue.splice(0)) job.reject(new PoolClosedError('the gateway is shutting down'));
    const waits: Promise<void>[] = [];
    for (const slot of this.slots) {
      if (!slot.association) continue;
      waits.push(slot.association.closed());
      if (!slot.busy) this.retire(slot);
    }
    await Promise.all(waits);
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i];
      const ready = this.idleSlots().find((slot) => proposes(slot, job.need));
      if (ready) {
        this.queue.splice(i, 1);
        this.start(ready, job);
        continue;
      }
      if (this.slots.size < this.options.maxAssociations) {
        this.queue.splice(i, 1);
        this.openFor(job);
        continue;
      }
      // At the limit: an idle association that cannot carry this work makes room for one that can.
      const unsuitable = this.idleSlots()[0];
      if (unsuitable) {
        this.retire(unsuitable);
        continue;
      }
      i++;
    }
  }

  private idleSlots(): Slot[] {
    return [...this.slots].filter((slot) => !slot.busy && !slot.retired && slot.association !== undefined);
  }

  private openFor(job: Job): void {
    const slot: Slot = { busy: true, proposed: [], retired: false };
    this.slots.add(slot);
    this.opened++;
    // Work handed over in the same turn (a series arriving together) is queued by the next one,
    // and its contexts go into the same A-ASSOCIATE-RQ.
    setImmediate(() => this.connect(slot, job));
  }

  private connect(slot: Slot, job: Job): void {
    if (this.closing) {
      this.slots.delete(slot);
      job.reject(new PoolClosedError('the gateway is shutting down'));
      return;
    }
    slot.proposed = this.proposalFor(job.need);
    this.open(slot.proposed).then(
      (association) => {
        slot.association = association;
        void association.closed().then(() => this.forget(slot));
        if (this.closing) {
          this.retire(slot);
          job.reject(new PoolClosedError('the gateway is shutting down'));
          return;
        }
        this.start(slot, job);
      },
      (error: unknown) => {
        this.slots.delete(slot);
        job.reject(error);
        this.pump();
      },
    );
  }

  /**
   * The job's context first, then those of queued work and of recent work, in the destination's
   * preferred transfer syntax order: the association can then carry what follows too.
   */
  private proposalFor(first: ContextNeed): ContextNeed[] {
    const needs: ContextNeed[] = [first];
    for (const need of [...this.queue.map((job) => job.need), ...this.recent]) {
      if (needs.length >= MAX_CONTEXTS_PER_ASSOCIATION) break;
      if (!needs.some((n) => sameNeed(n, need))) needs.push(need);
    }
    const rank = (ts: string): number => {
      const index = this.options.preferredTransferSyntaxes.indexOf(ts);
      return index < 0 ? this.options.preferredTransferSyntaxes.length : index;
    };
    return [first, ...needs.slice(1).sort((a, b) => rank(a.transferSyntaxUid) - rank(b.transferSyntaxUid))];
  }

  private start(slot: Slot, job: Job): void {
    const association = slot.association as ClientAssociation;
    slot.busy = true;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    job.run(association).then(
      (value) => {
        job.resolve(value);
        this.finished(slot);
      },
      (error: unknown) => {
        job.reject(error);
        this.finished(slot);
      },
    );
  }

  private finished(slot: Slot): void {
    slot.busy = false;
    if (this.closing) this.retire(slot);
    this.pump();
    if (!slot.busy && !slot.retired && this.slots.has(slot)) {
      slot.idleTimer = setTimeout(() => this.retire(slot), this.options.idleTimeoutMs);
      slot.idleTimer.unref();
    }
  }

  /** PS3.8 §7.2: A-RELEASE of an idle association; its slot is free at once. */
  private retire(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    this.slots.delete(slot);
    void slot.association?.release();
  }

  private forget(slot: Slot): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.retired = true;
    if (this.slots.delete(slot)) this.pump();
  }
}

function sameNeed(a: ContextNeed, b: ContextNeed): boolean {
  return a.sopClassUid === b.sopClassUid && a.transferSyntaxUid === b.transferSyntaxUid;
}

function proposes(slot: Slot, need: ContextNeed): boolean {
  return slot.association !== undefined && slot.association.info !== undefined && slot.proposed.some((n) => sameNeed(n, need));
}
