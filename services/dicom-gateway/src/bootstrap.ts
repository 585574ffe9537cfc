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
  await app.listen(settings.httpPort, '::');
  // Kubernetes sends SIGTERM: close gracefully (listeners drain in beforeApplicationShutdown), exit 0.
  // A repeated signal during the drain is noted, not fatal: the grace deadline already bounds it.
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      logger.info({ signal, alreadyClosing: closing }, 'shutdown requested');
      if (closing) return;
      closing = true;
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  logger.info({ httpPort: settings.httpPort }, 'HTTP endpoints ready (/health/live, /health/ready, /metrics)');
}
