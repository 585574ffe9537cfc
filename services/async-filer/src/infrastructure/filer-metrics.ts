import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { processMetricsRegistry } from '@dicom-router/service-runtime';

/** Prometheus metrics of async-filer, on its own registry. */
@Injectable()
export class FilerMetrics {
  readonly registry = processMetricsRegistry();

  /** Set from the database on each scrape (see QueueDepthCollector), so every replica reports the shared queue. */
  readonly queueDepth = new Gauge({
    name: 'dicom_filer_documents',
    help: 'Documents in the queue, by filer and status (Queued, Ignored, Delivered, Errored).',
    labelNames: ['filer', 'status'] as const,
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'dicom_filer_deliveries_total',
    help: 'C-STORE attempts of queued documents, by filer and outcome (delivered, errored).',
    labelNames: ['filer', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly deliverySeconds = new Histogram({
    name: 'dicom_filer_delivery_duration_seconds',
    help: 'From sending a queued document to its C-STORE-RSP, association set-up included.',
    labelNames: ['filer'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'dicom_filer_retries_total',
    help: 'Sessions whose delivery failed at the association level and were scheduled again, by filer.',
    labelNames: ['filer'] as const,
    registers: [this.registry],
  });

  readonly alerts = new Counter({
    name: 'dicom_filer_alerts_total',
    help: 'Sessions requeued after their retries were exhausted (an alert each), by filer.',
    labelNames: ['filer'] as const,
    registers: [this.registry],
  });
}
