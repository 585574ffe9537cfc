import { ConfigError, loadEnvironment, loadProduction, type ProductionConfig, type S3Settings, type TlsFiles } from '@dicom-router/config';
import { compileCondition } from '@dicom-router/routing-rules';

export interface RouterSettings {
  httpPort: number;
  /** HTTP_BIND: the address HTTP listens on. */
  httpBind: string;
  logLevel: string;
  production: ProductionConfig;
  /** Where the gateway stored the objects: the router reads them back from the same place. */
  storageLocation: string;
  s3?: S3Settings;
  natsUrl: string;
  /** TLS_CERT_FILE / TLS_KEY_FILE / TLS_CA_FILE, for destinations with `tls: true`. */
  tls?: TlsFiles;
  /** Route commands worked on at once by this replica. */
  concurrency: number;
}

/** Route commands one replica works on at once; each holds at most one association slot per destination. */
const DEFAULT_CONCURRENCY = 64;

/**
 * docs/architecture.md §4 variables storage-router needs: NATS_URL (required: standalone, it only ever hears
 * commands over NATS), STORAGE_LOCATION (+ S3_*), PRODUCTION_CONFIG, HTTP_PORT, LOG_LEVEL, TLS_*.
 */
export function loadRouterSettings(env: NodeJS.ProcessEnv = process.env): RouterSettings {
  const environment = loadEnvironment(env);
  // A bad routing condition stops the start, named, with every other mistake of the file.
  const production = loadProduction(environment.productionConfig, { checkCondition: compileCondition });
  if (!environment.natsUrl) {
    throw new ConfigError('environment', ['NATS_URL: required: storage-router receives route commands over NATS JetStream (under `npm start` the gateway runs the router itself)']);
  }
  return {
    httpPort: environment.httpPort,
    httpBind: environment.httpBind,
    logLevel: environment.logLevel,
    production,
    storageLocation: environment.storageLocation,
    s3: environment.s3,
    natsUrl: environment.natsUrl,
    tls: environment.tls,
    concurrency: DEFAULT_CONCURRENCY,
  };
}
