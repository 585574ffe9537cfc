import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, type Logger } from '../logger';
import { jsonBodyReader } from './json-body';

export interface ServiceAppOptions {
  /**
   * False for a service whose endpoints read every body themselves (DICOM media types): no JSON
   * reader is installed, and those endpoints apply its limits on their own.
   */
  readonly readJsonBodies?: boolean;
}

/**
 * The Nest application of a service, with the project's JSON body reader in place of Express's
 * (nesting depth bounded, every refusal an ErrorBody) and no other body parser.
 */
export async function createServiceApp(module: Parameters<typeof NestFactory.create>[0], logger: Logger, options: ServiceAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: new PinoNestLogger(logger), bodyParser: false });
  if (options.readJsonBodies !== false) app.use(jsonBodyReader());
  return app;
}
