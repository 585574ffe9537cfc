import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { processMetricsRegistry } from '@dicom-router/service-runtime';

/** Prometheus metrics of the gateway, on its own registry (no global state between app instances). */
@Injectable()
export class GatewayMetrics {
  readonly registry = processMetricsRegistry();

  readonly associations = new Counter({
    name: 'dicom_associations_total',
    help: 'Associations by listener and outcome (accepted, rejected, released, aborted).',
    labelNames: ['listener', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly activeAssociations = new Gauge({
    name: 'dicom_active_associations',
    help: 'Associations currently established, by listener.',
    labelNames: ['listener'] as const,
    registers: [this.registry],
  });

  readonly refusedConnections = new Counter({
    name: 'dicom_connections_refused_total',
    help: 'TCP connections closed on arrival, by listener and reason (listener-full, peer-full, budget-exhausted).',
    labelNames: ['listener', 'reason'] as const,
    registers: [this.registry],
  });

  readonly eventBusBreakerOpen = new Gauge({
    name: 'dicom_event_bus_breaker_open',
    help: '1 while the event bus is held to be down and events go straight to the outbox, else 0.',
    registers: [this.registry],
  });

  readonly eventBusBreakerTransitions = new Counter({
    name: 'dicom_event_bus_breaker_transitions_total',
    help: 'Changes of the event bus breaker, by the state entered (open, closed).',
    labelNames: ['to'] as const,
    registers: [this.registry],
  });

  readonly dimseRequests = new Counter({
    name: 'dicom_dimse_requests_total',
    help: 'DIMSE requests served, by listener, command and status category.',
    labelNames: ['listener', 'command', 'status'] as const,
    registers: [this.registry],
  });
}
