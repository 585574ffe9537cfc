import { DynamicModule, Module, type InjectionToken, type Provider } from '@nestjs/common';
import { Registry } from 'prom-client';
import { TerminusModule } from '@nestjs/terminus';
import { VerificationService } from './application/verification.service';
import { GatewaySettings } from './gateway-settings';
import { DicomListeners } from './infrastructure/dicom-listeners';
import { DurableEvents } from './infrastructure/durable-events';
import { GatewayEventBus } from './infrastructure/event-bus';
import { FileIntakes } from './infrastructure/file-intakes';
import { ObjectStorage } from './infrastructure/object-storage';
import { StoreInstances } from './infrastructure/store-instances';
import { GatewayStoreIntentLog } from './infrastructure/store-intent-log';
import { GatewayMetrics } from './infrastructure/gateway-metrics';
import { WorklistQueries } from './infrastructure/worklist-queries/worklist-queries';
import { API_TOKEN, BearerTokenGuard, Logger, resolveApiToken, HealthController, MetricsController, METRICS_REGISTRY, READINESS_CHECKS } from '@dicom-router/service-runtime';
import { Destinations } from './infrastructure/destinations/destinations';
import { routingProviders } from './infrastructure/routing/routing.providers';
import { DestinationsController } from './transport/destinations.controller';
import { RoutesController } from './transport/routes.controller';
import { gatewayReadiness } from './infrastructure/readiness';
import { GATEWAY_DATABASE, GATEWAY_SETTINGS, LOGGER } from './tokens';
import type { Database } from '@dicom-router/persistence';
import { type HostedRegistry, negotiationModuleParts } from './infrastructure/negotiation/negotiation.providers';

/** Nest modules and providers of a service hosted in this process (embedded defaults). */
export interface HostedParts {
  readonly imports: DynamicModule[];
  readonly providers: Provider[];
  /** Its metrics registry, merged into this process's /metrics: the provider to inject and how to get it. */
  readonly metrics?: { readonly inject: InjectionToken; readonly pick: (provider: never) => Registry };
}

/** What bootstrap opened before Nest starts: the process's one database, and the services hosted here. */
export interface GatewayHosting {
  readonly database: Database;
  readonly registry?: Omit<HostedRegistry, 'database'>;
  /** worklist-process and async-filer, when they are hosted here. */
  readonly services?: readonly HostedParts[];
}

@Module({})
export class AppModule {
  static register(settings: GatewaySettings, logger: Logger, hosting: GatewayHosting): DynamicModule {
    const negotiation = negotiationModuleParts(settings, logger, hosting.registry ? { ...hosting.registry, database: hosting.database } : undefined);
    return {
      module: AppModule,
      imports: [TerminusModule, ...negotiation.imports, ...(hosting.services ?? []).flatMap((service) => service.imports)],
      controllers: [HealthController, MetricsController, DestinationsController, RoutesController],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: logger },
        { provide: GATEWAY_DATABASE, useValue: hosting.database },
        ...negotiation.providers,
        ...(hosting.services ?? []).flatMap((service) => service.providers),
        GatewayMetrics,
        ObjectStorage,
        metricsRegistry(hosting.services ?? []),
        { provide: READINESS_CHECKS, useFactory: gatewayReadiness, inject: [DicomListeners, ObjectStorage] },
        GatewayEventBus,
        DurableEvents,
        GatewayStoreIntentLog,
        StoreInstances,
        VerificationService,
        WorklistQueries,
        DicomListeners,
        FileIntakes,
        Destinations,
        ...routingProviders,
        BearerTokenGuard,
        // docs/architecture.md §4: API_TOKEN, or the token generated at first start under DATA_DIR.
        {
          provide: API_TOKEN,
          useFactory: (gateway: GatewaySettings, log: Logger) => resolveApiToken(gateway.apiToken, gateway.dataDir, log),
          inject: [GATEWAY_SETTINGS, LOGGER],
        },
      ],
    };
  }
}

/** The gateway's metrics registry, with those of the services hosted here merged in (one /metrics). */
function metricsRegistry(services: readonly HostedParts[]): Provider {
  const hosted = services.flatMap((service) => (service.metrics ? [service.metrics] : []));
  return {
    provide: METRICS_REGISTRY,
    useFactory: (gateway: GatewayMetrics, ...providers: never[]) =>
      hosted.length === 0 ? gateway.registry : Registry.merge([gateway.registry, ...hosted.map((metrics, i) => metrics.pick(providers[i]))]),
    inject: [GatewayMetrics, ...hosted.map((metrics) => metrics.inject)],
  };
}
