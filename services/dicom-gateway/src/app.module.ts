import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { VerificationService } from './application/verification.service';
import { GatewaySettings } from './gateway-settings';
import { DicomListeners } from './infrastructure/dicom-listeners';
import { DurableEvents } from './infrastructure/durable-events';
import { GatewayEventBus } from './infrastructure/event-bus';
import { FileIntakes } from './infrastructure/file-intakes';
import { ObjectStorage } from './infrastructure/object-storage';
import { StoreInstances } from './infrastructure/store-instances';
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
        { provide: METRICS_REGISTRY, useFactory: (metrics: GatewayMetrics) => metrics.registry, inject: [GatewayMetrics] },
        { provide: READINESS_CHECKS, useFactory: gatewayReadiness, inject: [DicomListeners, ObjectStorage] },
        GatewayEventBus,
        DurableEvents,
        StoreInstances,
        VerificationService,
        WorklistQueries,
        DicomListeners,
        FileIntakes,
        Destinations,
        ...routingProviders,
        BearerTokenGuard,
        // DESIGN.md §4: API_TOKEN, or the token generated at first start under DATA_DIR.
        {
          provide: API_TOKEN,
          useFactory: (gateway: GatewaySettings, log: Logger) => resolveApiToken(gateway.apiToken, gateway.dataDir, log),
          inject: [GATEWAY_SETTINGS, LOGGER],
        },
      ],
    };
  }
}
