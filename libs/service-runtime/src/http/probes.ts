import { Controller, DynamicModule, Get, Header, Inject, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** One thing a service needs before it can take work: a database that answers, a listener that accepts. */
export interface ReadinessCheck {
  readonly name: string;
  /** `up` with details for the probe's body; a thrown error counts as down. */
  probe(): Promise<ProbeResult> | ProbeResult;
}

export interface ProbeResult {
  up: boolean;
  details?: Record<string, unknown>;
}

/** Provide the service's ReadinessCheck[] under this token. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
/** Provide the service's prom-client Registry under this token. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * Kubernetes probes, without a token (docs/architecture.md §4): `/health/live` while the process serves HTTP,
 * `/health/ready` while every readiness check is up (503 with the failing checks otherwise).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.checks.map((readiness) => async () => {
        const check = this.indicator.check(readiness.name);
        try {
          const { up, details } = await readiness.probe();
          return up ? check.up(details) : check.down(details);
        } catch (err) {
          return check.down({ error: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  }
}

/** Prometheus scrape endpoint (text exposition format 0.0.4), without a token. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

/** A metrics registry of its own (no global state between app instances) with the process's default metrics. */
export function processMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The health and metrics endpoints of a service whose readiness checks need nothing from its own
 * providers (a database handle it already holds): import `ProbesModule.register([...checks])`.
 * A service whose checks are its own providers lists the two controllers and provides
 * READINESS_CHECKS and METRICS_REGISTRY itself.
 */
@Module({})
export class ProbesModule {
  static register(checks: ReadinessCheck[]): DynamicModule {
    return {
      module: ProbesModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: READINESS_CHECKS, useValue: checks },
        { provide: METRICS_REGISTRY, useFactory: processMetricsRegistry },
      ],
    };
  }
}
