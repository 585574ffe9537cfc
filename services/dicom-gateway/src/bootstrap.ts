import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadGatewaySettings } from './gateway-settings';
import { createLogger, PinoNestLogger } from './infrastructure/logger';

/** Load and validate every setting first (all errors at once), then start Nest and the listeners. */
export async function startGateway(): Promise<void> {
  const settings = loadGatewaySettings();
  const logger = createLogger(settings.logLevel);
  const app = await NestFactory.create(AppModule.register(settings, logger), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(settings.httpPort, '::');
  logger.info({ httpPort: settings.httpPort }, 'HTTP endpoints ready (/health/live, /health/ready, /metrics)');
}
