import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { processMetricsRegistry } from '@dicom-router/service-runtime';

/** Prometheus metrics of storage-router, on its own registry. */
@Injectable()
export class RouterMetrics {
  readonly registry = processMetricsRegistry();

  readonly commands = new Counter({
    name: 'dicom_route_commands_total',
    help: 'Route commands answered, by verdict outcome (delivered, failed, no-route, rejected, expired, malformed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'dicom_route_deliveries_total',
    help: 'Deliveries of routed instances, by destination and outcome (success, warning, failure).',
    labelNames: ['destination', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly routeSeconds = new Histogram({
    name: 'dicom_route_duration_seconds',
    help: 'From taking a route command to publishing its verdict.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
}
