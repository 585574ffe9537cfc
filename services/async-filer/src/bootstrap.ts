import { openDatabase } from '@dicom-router/persistence';
import { closeOnSignals, createLogger, createServiceApp, resolveApiToken, setUpOpenApi } from '@dicom-router/service-runtime';
import { AppModule } from './app.module';
import { FILER_API_DESCRIPTION } from './filer.module';
import { loadFilerSettings } from './filer-settings';
import { FILER_ENTITIES, FILER_MIGRATIONS } from './schema';

/**
 * Load and validate every setting first (all errors at once), open and migrate the queue database,
 * then consume events, deliver, and serve REST, health and metrics.
 */
export async function startAsyncFiler(): Promise<void> {
  const settings = loadFilerSettings();
  const logger = createLogger('async-filer', settings.logLevel);
  const database = await openDatabase({
    url: settings.databaseUrl,
    dataDir: settings.dataDir,
    entities: FILER_ENTITIES,
    migrations: FILER_MIGRATIONS,
    logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
  });
  try {
    const apiToken = await resolveApiToken(settings.apiToken, settings.dataDir, logger);
    const app = await createServiceApp(AppModule.register(settings, logger, database, apiToken), logger);
    setUpOpenApi(app, 'async-filer', FILER_API_DESCRIPTION);
    await app.listen(settings.httpPort, settings.httpBind);
    closeOnSignals(() => app.close().finally(() => database.close()), logger);
    logger.info({ httpPort: settings.httpPort, httpBind: settings.httpBind }, 'HTTP endpoints ready (/api/v1, /api/docs, /health/live, /health/ready, /metrics)');
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}
