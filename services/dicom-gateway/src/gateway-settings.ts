import {
  ConfigError,
  DuplicateInstancePolicy,
  loadEnvironment,
  loadProduction,
  NegotiationSource,
  ProductionConfig,
  S3Settings,
  TlsFiles as TlsFileSettings,
} from '@dicom-router/config';
import { readFileSync } from 'node:fs';
import { defaultConnectionBudget, parseRemoteAet, TlsFiles } from '@dicom-router/dicom-network';
import { compileCondition } from '@dicom-router/routing-rules';

/** One listener, with every default resolved and the environment's overrides applied. */
export interface ListenerSettings {
  name: string;
  port: number;
  bindAddress: string;
  localAet: string;
  remoteAets: readonly string[];
  artimMs: number;
  txtimMs: number;
  maxAssociations: number;
  /** Open connections of the listener (plain and TLS ports together) and per peer address. */
  maxConnections: number;
  maxConnectionsPerPeer: number;
  acceptQueueSize: number;
  maxPduLength: number;
  traceVerbosity: 0 | 1 | 2;
  duplicateInstancePolicy: DuplicateInstancePolicy;
  /** production.yaml `negotiation`: the static associations, or association-registry per request. */
  negotiation: NegotiationSource;
  tls?: { port: number; files: TlsFiles };
}

export interface GatewaySettings {
  httpPort: number;
  /** HTTP_BIND: the address HTTP listens on. */
  httpBind: string;
  logLevel: string;
  shutdownGraceMs: number;
  production: ProductionConfig;
  listeners: ListenerSettings[];
  /** `file:///…` or `s3://bucket/prefix`. */
  storageLocation: string;
  s3?: S3Settings;
  /** Permission bits of stored objects and their folders (file storage). */
  storageModes: { file: number; directory: number };
  /** Absent: the in-process bus of the embedded defaults. */
  natsUrl?: string;
  /** NATS_STREAM_REPLICAS: copies of the DICOM_EVENTS stream. */
  natsStreamReplicas: number;
  /** Absent: the embedded database under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** API_TOKEN; absent: generated at first start under `dataDir`. */
  apiToken?: string;
  /** TLS_CERT_FILE / TLS_KEY_FILE / TLS_CA_FILE: also what destinations with `tls: true` use. */
  tls?: TlsFileSettings;
  /** DICOM_CONNECTION_BUDGET, or the default derived from the open-file limit. */
  connectionBudget: number;
}

/**
 * docs/architecture.md §4: DICOM_PORT / DICOM_TLS_PORT set the ports of the first listener (the one behind
 * the LoadBalancer); further listeners keep the ports written in production.yaml.
 */
export function loadGatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const environment = loadEnvironment(env);
  const production = loadProduction(environment.productionConfig, {
    checkRemoteAet: parseRemoteAet,
    // A bad routing condition stops the start, named, with every other mistake of the file.
    checkCondition: compileCondition,
  });
  const problems: string[] = [];
  const listeners = production.listeners.map((l, index): ListenerSettings => {
    const first = index === 0;
    const tlsPort = first && environment.dicomTlsPort ? environment.dicomTlsPort : l.tls.enabled ? l.tls.port : undefined;
    if (tlsPort && !environment.tls) {
      problems.push(`listeners[${index}] (${l.name}): TLS on port ${tlsPort} needs TLS_CERT_FILE and TLS_KEY_FILE`);
    }
    return {
      name: l.name,
      port: first ? environment.dicomPort : l.port,
      bindAddress: l.bindAddress,
      localAet: l.localAet,
      remoteAets: l.remoteAets,
      artimMs: l.artimTimeoutSeconds * 1000,
      txtimMs: l.txtimTimeoutSeconds * 1000,
      maxAssociations: l.maxAssociations,
      maxConnections: l.maxConnections ?? 2 * l.maxAssociations,
      maxConnectionsPerPeer: l.maxConnectionsPerPeer ?? l.maxAssociations,
      acceptQueueSize: l.acceptQueueSize,
      maxPduLength: l.maxPduLength,
      traceVerbosity: l.traceVerbosity,
      duplicateInstancePolicy: l.duplicateInstancePolicy,
      negotiation: l.negotiation,
      tls:
        tlsPort && environment.tls
          ? {
              port: tlsPort,
              files: { certFile: environment.tls.certFile, keyFile: environment.tls.keyFile, caFile: environment.tls.caFile },
            }
          : undefined,
    };
  });
  if (problems.length > 0) throw new ConfigError('environment and production.yaml', problems);
  return {
    httpPort: environment.httpPort,
    httpBind: environment.httpBind,
    logLevel: environment.logLevel,
    shutdownGraceMs: environment.shutdownGraceMs,
    production,
    listeners,
    storageLocation: environment.storageLocation,
    s3: environment.s3,
    storageModes: environment.storageModes,
    natsUrl: environment.natsUrl,
    natsStreamReplicas: environment.natsStreamReplicas,
    databaseUrl: environment.databaseUrl,
    dataDir: environment.dataDir,
    apiToken: environment.apiToken,
    tls: environment.tls,
    connectionBudget: environment.dicomConnectionBudget ?? defaultConnectionBudget(readProcessLimits()),
  };
}

/** /proc/self/limits, where there is one (Linux). */
function readProcessLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}
