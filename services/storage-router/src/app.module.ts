import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, METRICS_REGISTRY, MetricsController, READINESS_CHECKS, type Logger, type ReadinessCheck } from '@dicom-router/service-runtime';
import { RouteCommandConsumer } from './infrastructure/route-command-consumer';
import { RouterMetrics } from './infrastructure/router-metrics';
import type { RouterSettings } from './router-settings';
import { LOGGER, ROUTER_SETTINGS } from './tokens';

@Module({})
export class AppModule {
  static register(settings: RouterSettings, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: ROUTER_SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: logger },
        RouterMetrics,
        RouteCommandConsumer,
        { provide: METRICS_REGISTRY, useFactory: (metrics: RouterMetrics) => metrics.registry, inject: [RouterMetrics] },
        {
          provide: READINESS_CHECKS,
          // Ready while it consumes route commands.
          useFactory: (consumer: RouteCommandConsumer): ReadinessCheck[] => [
            { name: 'route-commands', probe: () => ({ up: consumer.status().consuming, details: consumer.status() }) },
          ],
          inject: [RouteCommandConsumer],
        },
      ],
    };
  }
}
