import { AssociationConfig, loadEnvironment, loadProduction, LogLevel } from '@dicom-router/config';

export interface RegistrySettings {
  readonly httpPort: number;
  /** HTTP_BIND: the address HTTP listens on. */
  readonly httpBind: string;
  readonly logLevel: LogLevel;
  /** Absent: the embedded database under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** Absent: generated at first start (docs/architecture.md §4). */
  readonly apiToken?: string;
  /** Set: negotiation requests are answered, and change notices published, over NATS. */
  readonly natsUrl?: string;
  /** GitOps: upserted at start. */
  readonly associations: readonly AssociationConfig[];
}

/** Reads what the registry needs of the environment and production.yaml; every bad value is reported at once. */
export function loadRegistrySettings(env: NodeJS.ProcessEnv = process.env): RegistrySettings {
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
    associations: production.associations,
  };
}
