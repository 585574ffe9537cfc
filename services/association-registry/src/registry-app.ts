import type { AssociationConfig } from '@dicom-router/config';
import { openDatabase, type Database } from '@dicom-router/persistence';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { resolveApiToken } from './infrastructure/api-token';
import { PinoNestLogger, type Logger } from '@dicom-router/service-runtime';
import { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS, UpsertFromProduction } from './registry.module';

export interface RegistryAppOptions {
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly apiToken?: string;
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
    const app = await NestFactory.create(AppModule.register({ database, apiToken, logger }), { logger: new PinoNestLogger(logger) });
    setUpOpenApi(app);
    await app.init();
    const summary = await app.get(UpsertFromProduction).execute(options.associations);
    logger.info(summary, 'associations of production.yaml upserted');
    return { app, database, apiToken, close: () => app.close().finally(() => database.close()) };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** DESIGN.md §4: OpenAPI at /api/docs (UI) and /api/docs-json (document). */
function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('DICOM Router: association registry')
    .setDescription('Associations, their presentation contexts, and the PS3.6 reference tables. Send "Authorization: Bearer <API_TOKEN>".')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
