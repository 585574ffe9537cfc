import { closeOnSignals, createLogger, createServiceApp } from '@dicom-router/service-runtime';
import { AppModule } from './app.module';
import { loadRouterSettings } from './router-settings';

/**
 * Load and validate every setting first (all errors at once), then consume route commands and
 * serve /health and /metrics. Under `npm start` there is no separate process: the gateway runs the
 * same routing use case (@dicom-router/destinations) in its own process.
 */
export async function startStorageRouter(): Promise<void> {
  const settings = loadRouterSettings();
  const logger = createLogger('storage-router', settings.logLevel);
  const app = await createServiceApp(AppModule.register(settings, logger), logger);
  await app.listen(settings.httpPort, settings.httpBind);
  closeOnSignals(() => app.close(), logger);
  logger.info({ httpPort: settings.httpPort, httpBind: settings.httpBind }, 'HTTP endpoints ready (/health/live, /health/ready, /metrics)');
}
