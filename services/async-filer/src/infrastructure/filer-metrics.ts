import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DOCUMENT_STATUSES, type DocumentStatus } from '../domain/document-status';

type QueueCounts = Array<{ filer: string; status: DocumentStatus; count: number }>;

/**
 * Prometheus metrics of async-filer, on the registry it is given: its own (with the process's default
 * metrics) when it runs alone, one that the host merges into its own when it is hosted.
 */
export class FilerMetrics {
  /** Set from the database on each scrape (see countQueueWith), so every replica reports the shared queue. */
  readonly queueDepth: Gauge<'filer' | 'status'>;
  readonly deliveries: Counter<'filer' | 'outcome'>;
  readonly deliverySeconds: Histogram<'filer'>;
  readonly retries: Counter<'filer'>;
  readonly alerts: Counter<'filer'>;
  #readQueue: (() => Promise<QueueCounts>) | undefined;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.queueDepth = new Gauge({
      name: 'dicom_filer_documents',
      help: 'Documents in the queue, by filer and status (Queued, Ignored, Delivered, Errored).',
      labelNames: ['filer', 'status'] as const,
      registers,
      collect: () => this.refreshQueueDepth(),
    });
    this.deliveries = new Counter({
      name: 'dicom_filer_deliveries_total',
      help: 'C-STORE attempts of queued documents, by filer and outcome (delivered, errored).',
      labelNames: ['filer', 'outcome'] as const,
      registers,
    });
    this.deliverySeconds = new Histogram({
      name: 'dicom_filer_delivery_duration_seconds',
      help: 'From sending a queued document to its C-STORE-RSP, association set-up included.',
      labelNames: ['filer'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.retries = new Counter({
      name: 'dicom_filer_retries_total',
      help: 'Sessions whose delivery failed at the association level and were scheduled again, by filer.',
      labelNames: ['filer'] as const,
      registers,
    });
    this.alerts = new Counter({
      name: 'dicom_filer_alerts_total',
      help: 'Sessions requeued after their retries were exhausted (an alert each), by filer.',
      labelNames: ['filer'] as const,
      registers,
    });
  }

  /** Where the queue depth is read from on each scrape: the queue shared by every replica. */
  countQueueWith(read: () => Promise<QueueCounts>): void {
    this.#readQueue = read;
  }

  /** A scrape while the database is unreachable reports the last counts rather than failing. */
  private async refreshQueueDepth(): Promise<void> {
    const counts = await this.#readQueue?.().catch(() => undefined);
    if (!counts) return;
    this.queueDepth.reset();
    for (const filer of new Set(counts.map((c) => c.filer))) for (const status of DOCUMENT_STATUSES) this.queueDepth.labels(filer, status).set(0);
    for (const c of counts) this.queueDepth.labels(c.filer, c.status).set(c.count);
  }
}
