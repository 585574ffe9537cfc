import type { AssociationConfig } from '@dicom-router/config';
import { openDatabase, type Database } from '@dicom-router/persistence';
import type { INestApplication } from '@nestjs/common';
import { AppModule } from './app.module';
import { createServiceApp, resolveApiToken, setUpOpenApi, type Logger } from '@dicom-router/service-runtime';
import { REGISTRY_API_DESCRIPTION } from './registry.module';
import { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS, UpsertFromProduction } from './registry.module';
import { upsertAtStart } from './application/upsert-from-production/upsert-at-start';

export interface RegistryAppOptions {
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly apiToken?: string;
  readonly natsUrl?: string;
  readonly associations: readonly AssociationConfig[];
  readonly logger: Logger;
}

export interface RegistryApp {
  readonly app: INestApplication;
  readonly database: Database;
  readonly apiToken: string;
  /** Closes HTTP, then the database. */
  close(): Promise<void>;
}

/** Opens the database (migrating it), resolves the token, builds the Nest app with OpenAPI, applies GitOps. */
export async function createRegistryApp(options: RegistryAppOptions): Promise<RegistryApp> {
  const { logger } = options;
  const database = await openDatabase({
    url: options.databaseUrl,
    dataDir: options.dataDir,
    entities: REGISTRY_ENTITIES,
    migrations: REGISTRY_MIGRATIONS,
    logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
  });
  try {
    const apiToken = await resolveApiToken(options.apiToken, options.dataDir, logger);
    const app = await createServiceApp(AppModule.register({ database, apiToken, logger, natsUrl: options.natsUrl }), logger);
    setUpOpenApi(app, 'association registry', REGISTRY_API_DESCRIPTION);
    await app.init();
    const summary = await upsertAtStart(app.get(UpsertFromProduction), options.associations);
    logger.info(summary, 'associations of production.yaml upserted');
    return { app, database, apiToken, close: () => app.close().finally(() => database.close()) };
  } catch (err) {
    await database.close();
    throw err;
  }
}
