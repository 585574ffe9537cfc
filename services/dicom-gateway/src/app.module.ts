import { DynamicModule, Module } from '@nestjs/common';
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
import { Logger } from '@dicom-router/service-runtime';
import { HealthController } from './transport/health.controller';
import { MetricsController } from './transport/metrics.controller';
import { GATEWAY_SETTINGS, LOGGER } from './tokens';

@Module({})
export class AppModule {
  static register(settings: GatewaySettings, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: logger },
        GatewayMetrics,
        ObjectStorage,
        GatewayEventBus,
        DurableEvents,
        StoreInstances,
        VerificationService,
        DicomListeners,
        FileIntakes,
      ],
    };
  }
}
