import { randomUUID } from 'node:crypto';
import type { FilerConfig } from '@dicom-router/config';
import { eventSource, makeEvent } from '@dicom-router/contracts';
import { DeliveryError, type DeliveryResult, type InstanceSender } from '@dicom-router/destinations';
import type { Logger } from '@dicom-router/service-runtime';
import { retryDelayMs } from '../domain/backoff';
import type { AlertNotifier } from './alert-notifier';
import type { FilerMetrics } from './filer-metrics';
import type { ClaimedBatch, QueueStore } from './queue-store';

/** Failures that concern one document, not the association: retrying the session cannot fix them. */
const DOCUMENT_FAILURES = new Set(['not-stored', 'presentation-context-rejected', 'unknown-destination']);

export interface DeliveryWorkerOptions {
  filers: readonly FilerConfig[];
  leaseMs: number;
  /** A session with no release seen and nothing added for this long is delivered anyway. */
  sessionIdleMs: number;
  pollMs: number;
  concurrency: number;
  /** An alert was committed to the outbox: publish it soon. */
  onAlert: () => void;
}

/**
 * Delivers released sessions: claims a (session, filer) batch, sends its Queued documents one after
 * the other to the filer's destination (the destination's pool keeps one association open for the
 * whole batch), marks each by its C-STORE-RSP (PS3.7 §9.1.1: success and warning → Delivered,
 * failure → Errored with the Error Comment as remark). When the association cannot be opened or
 * breaks, the session's undelivered documents are tried again after the filer's backoff, up to its
 * retry count; then they are requeued and one alert is raised.
 *
 * At-least-once: a document sent whose response was lost (abort, SIGKILL between C-STORE-RSP and
 * the status update) is sent again on the next attempt, so a destination may receive a document at
 * most once more per failed attempt that was in flight when the association broke.
 */
export class DeliveryWorker {
  readonly owner = `${process.pid}-${randomUUID()}`;
  private readonly filers = new Map<string, FilerConfig>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly active = new Set<Promise<void>>();
  private wakeRequested = false;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: QueueStore,
    private readonly sender: InstanceSender,
    private readonly metrics: FilerMetrics,
    private readonly notifier: AlertNotifier,
    private readonly logger: Logger,
    private readonly options: DeliveryWorkerOptions,
  ) {
    for (const filer of options.filers) this.filers.set(filer.name, filer);
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** New work may be due (a session ended, a requeue): look now rather than at the next poll. */
  wake(): void {
    if (!this.running) return;
    this.wakeRequested = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  /** Takes no new batch and waits for those in hand; unfinished ones keep their rows Queued. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
    await Promise.all([...this.active]);
  }

  get inFlight(): number {
    return this.active.size;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.poll().finally(() => {
        if (!this.running) return;
        const again = this.wakeRequested;
        this.wakeRequested = false;
        this.schedule(again ? 0 : this.options.pollMs);
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    try {
      while (this.running && this.active.size < this.options.concurrency) {
        const batch = await this.store.claim(this.owner, [...this.filers.keys()], this.options.leaseMs, this.options.sessionIdleMs);
        if (!batch) return;
        const work = this.deliver(batch).catch((err: unknown) => {
          this.logger.error({ err, filer: batch.filer, sessionId: batch.sessionId }, 'batch delivery failed; the lease expires and it is taken again');
        });
        this.active.add(work);
        void work.finally(() => {
          this.active.delete(work);
          this.wake();
        });
      }
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot claim work from the queue; retrying');
    }
  }

  private async deliver(batch: ClaimedBatch): Promise<void> {
    const filer = this.filers.get(batch.filer) as FilerConfig;
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      this.store.renew(this.owner, batch, this.options.leaseMs).then(
        (held) => {
          if (!held) leaseLost = true;
        },
        () => undefined,
      );
    }, Math.max(this.options.leaseMs / 3, 500));
    try {
      const documents = await this.store.startAttempt(batch);
      let delivered = 0;
      let errored = 0;
      for (const doc of documents) {
        if (leaseLost || !this.running) {
          this.logger.warn({ filer: batch.filer, sessionId: batch.sessionId, leaseLost }, 'batch left unfinished');
          if (!leaseLost) await this.store.release(this.owner, batch);
          return;
        }
        if (await this.store.alreadyDelivered(doc)) {
          // docs/architecture.md §5: idempotent by (SOP Instance UID, destination, checksum).
          await this.store.settle(doc.id, 'Delivered', 'already delivered to this destination with the same content');
          delivered++;
          continue;
        }
        const started = process.hrtime.bigint();
        let result: DeliveryResult;
        try {
          result = await this.sender.sendStoredInstance(filer.destination, doc.storageKey);
        } catch (error) {
          if (!(error instanceof DeliveryError)) throw error;
          if (DOCUMENT_FAILURES.has(error.reason)) {
            await this.store.settle(doc.id, 'Errored', `${error.reason}: ${error.message}`);
            this.metrics.deliveries.labels(filer.name, 'errored').inc();
            errored++;
            continue;
          }
          await this.associationFailed(batch, filer, error);
          return;
        }
        this.metrics.deliverySeconds.labels(filer.name).observe(Number(process.hrtime.bigint() - started) / 1e9);
        if (result.outcome === 'failure') {
          // PS3.4 Annex B.2.3: a failure status; the Error Comment (0000,0902) says why.
          const status = hex(result.status);
          await this.store.settle(doc.id, 'Errored', result.errorComment ? `${status}: ${result.errorComment}` : `${status}: the destination refused the instance`);
          this.metrics.deliveries.labels(filer.name, 'errored').inc();
          errored++;
        } else {
          const remark = result.outcome === 'warning' ? `warning ${hex(result.status)}${result.errorComment ? `: ${result.errorComment}` : ''}` : '';
          await this.store.settle(doc.id, 'Delivered', remark);
          this.metrics.deliveries.labels(filer.name, 'delivered').inc();
          delivered++;
        }
      }
      const outcome = await this.store.finish(this.owner, batch, filer.removeCompletedEntries);
      this.logger.info({ filer: filer.name, destination: filer.destination, sessionId: batch.sessionId, delivered, errored, outcome }, 'session delivered');
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async associationFailed(batch: ClaimedBatch, filer: FilerConfig, error: DeliveryError): Promise<void> {
    const reason = error.reason;
    const message = error.message;
    const attempt = batch.retries + 1;
    if (batch.retries < filer.retryCount) {
      const delayMs = retryDelayMs(filer.backoffSeconds, attempt);
      await this.store.retryLater(this.owner, batch, delayMs, `attempt ${attempt} failed (${reason}): ${message}`);
      this.metrics.retries.labels(filer.name).inc();
      this.logger.warn({ filer: filer.name, destination: filer.destination, sessionId: batch.sessionId, attempt, retryInMs: delayMs, reason, error: message }, 'session delivery failed; will retry');
      return;
    }
    const alert = makeEvent(
      'alert',
      {
        severity: 'error',
        kind: 'retries-exhausted',
        message: `filer ${filer.name}: session ${batch.sessionId} could not be delivered to ${filer.destination} after ${attempt} attempts; its documents are requeued until an operator requeues them`,
        details: { filer: filer.name, destination: filer.destination, sessionId: batch.sessionId, attempts: attempt, reason, error: message },
      },
      { source: eventSource('async-filer'), subject: `${filer.name}/${batch.sessionId}` },
    );
    const parked = await this.store.park(this.owner, batch, `requeued: retries exhausted after ${attempt} attempts (${reason}): ${message}`, alert);
    if (!parked) return;
    this.options.onAlert();
    this.metrics.alerts.labels(filer.name).inc();
    this.logger.error({ filer: filer.name, destination: filer.destination, sessionId: batch.sessionId, attempts: attempt, reason, error: message, alertId: alert.id }, 'retries exhausted: session requeued, alert raised');
    await this.notifier.notify(alert);
  }
}

function hex(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
}
