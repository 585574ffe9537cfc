import { createLogger } from './infrastructure/logger';
import { createRegistryApp } from './registry-app';
import { loadRegistrySettings } from './registry-settings';

/** Load and validate every setting first (all errors at once), then open the database and serve HTTP. */
export async function startRegistry(): Promise<void> {
  const settings = loadRegistrySettings();
  const logger = createLogger(settings.logLevel);
  const registry = await createRegistryApp({ ...settings, logger });
  await registry.app.listen(settings.httpPort, '::');
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      logger.info({ signal, alreadyClosing: closing }, 'shutdown requested');
      if (closing) return;
      closing = true;
      registry.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  logger.info({ httpPort: settings.httpPort }, 'HTTP endpoints ready (/api/v1, /api/docs, /health/live, /health/ready, /metrics)');
}
