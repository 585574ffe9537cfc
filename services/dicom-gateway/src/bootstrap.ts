import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadGatewaySettings } from './gateway-settings';
import { closeOnSignals, createLogger, PinoNestLogger } from '@dicom-router/service-runtime';

/** Load and validate every setting first (all errors at once), then start Nest and the listeners. */
export async function startGateway(): Promise<void> {
  const settings = loadGatewaySettings();
  const logger = createLogger('dicom-gateway', settings.logLevel);
  const app = await NestFactory.create(AppModule.register(settings, logger), {
    logger: new PinoNestLogger(logger),
  });
  await app.listen(settings.httpPort, '::');
  // Listeners drain in beforeApplicationShutdown, bounded by SHUTDOWN_GRACE_MS.
  closeOnSignals(() => app.close(), logger);
  logger.info({ httpPort: settings.httpPort }, 'HTTP endpoints ready (/health/live, /health/ready, /metrics)');
}
