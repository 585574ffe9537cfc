import { loadEnvironment, loadProduction, type LogLevel } from '@dicom-router/config';
import type { FindSettings } from './application/find-settings';

export interface WorklistSettings {
  readonly httpPort: number;
  /** HTTP_BIND: the address HTTP listens on. */
  readonly httpBind: string;
  readonly logLevel: LogLevel;
  /** Absent: the embedded database under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** Absent: generated at first start (docs/architecture.md §4). */
  readonly apiToken?: string;
  /** Absent: finds are answered only in-process. */
  readonly natsUrl?: string;
  readonly find: FindSettings;
}

/** The environment and production.yaml `worklist`; every bad value reported at once. */
export function loadWorklistSettings(env: NodeJS.ProcessEnv = process.env): WorklistSettings {
  const environment = loadEnvironment(env);
  const production = loadProduction(environment.productionConfig);
  return {
    httpPort: environment.httpPort,
    httpBind: environment.httpBind,
    logLevel: environment.logLevel,
    databaseUrl: environment.databaseUrl,
    dataDir: environment.dataDir,
    apiToken: environment.apiToken,
    natsUrl: environment.natsUrl,
    find: production.worklist,
  };
}
