import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { ConfigError } from './config-error';
import { deepFreeze } from './freeze';
import { DEMO_PRODUCTION_PATH } from './paths';

/** pino's level names; `silent` turns logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Key and certificate for DICOM over TLS (PS3.15 Annex B.1, The Basic TLS Secure Transport Connection Profile). */
export interface TlsFiles {
  /** PEM certificate chain presented by our listeners, and by our SCU when a destination asks for one. */
  readonly certFile: string;
  /** PEM private key of `certFile`. */
  readonly keyFile: string;
  /**
   * PEM CA bundle. When set, the TLS listener requests a client certificate and refuses a handshake
   * whose certificate does not chain to this CA (mutual TLS: node `requestCert` + `rejectUnauthorized`),
   * and our SCU verifies destinations against it instead of the system store.
   */
  readonly caFile?: string;
  /** True exactly when `caFile` is set: peers must present a certificate signed by that CA. */
  readonly verifyClientCertificates: boolean;
}

/** S3 settings, present when STORAGE_LOCATION is an `s3://` URL. */
export interface S3Settings {
  /** S3_ENDPOINT: a non-AWS endpoint such as MinIO; absent means AWS. */
  readonly endpoint?: string;
  /** S3_REGION */
  readonly region?: string;
  /** S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: both or neither (neither: the SDK's default chain). */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** S3_FORCE_PATH_STYLE: `bucket` in the path instead of the host name, which most non-AWS servers need. */
  readonly forcePathStyle: boolean;
}

/** The runtime contract of docs/architecture.md §4, validated and with the embedded defaults of `npm start` applied. */
export interface Environment {
  /** DICOM_PORT: the plain-TCP DICOM listener port. */
  readonly dicomPort: number;
  /** DICOM_TLS_PORT: the DICOM-over-TLS listener port; absent means no TLS listener. */
  readonly dicomTlsPort?: number;
  /** HTTP_PORT: REST API, health and metrics. */
  readonly httpPort: number;
  /** HTTP_BIND: the address HTTP listens on; `::` is every IPv6 and IPv4 address. */
  readonly httpBind: string;
  /** STORAGE_LOCATION as a URL: `file:///absolute/path` or `s3://bucket/prefix`. */
  readonly storageLocation: string;
  readonly s3?: S3Settings;
  /**
   * STORAGE_FILE_MODE / STORAGE_DIRECTORY_MODE: permission bits of the objects and folders a `file:`
   * StorageLocation creates (before the umask); default 0640 and 0750, nothing for other users.
   */
  readonly storageModes: { readonly file: number; readonly directory: number };
  /** DATABASE_URL: `postgres://…`; absent means the embedded database under DATA_DIR. */
  readonly databaseUrl?: string;
  /** NATS_URL: one or more comma-separated NATS server URLs; absent means the in-process bus. */
  readonly natsUrl?: string;
  /**
   * NATS_STREAM_REPLICAS: copies JetStream keeps of each stream the router creates (1 on a single
   * server; 3 on a production cluster, so that losing one server loses no event).
   */
  readonly natsStreamReplicas: number;
  /** PRODUCTION_CONFIG: absolute path of production.yaml. */
  readonly productionConfig: string;
  /** API_TOKEN: the bearer token REST calls must carry; absent means one is generated at first start. */
  readonly apiToken?: string;
  /** DATA_DIR: absolute path of local state (embedded database, generated token, default storage). */
  readonly dataDir: string;
  /** LOG_LEVEL */
  readonly logLevel: LogLevel;
  /** SHUTDOWN_GRACE_MS: how long in-flight associations may finish after SIGTERM before they are aborted. */
  readonly shutdownGraceMs: number;
  /** TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE; required when DICOM_TLS_PORT is set. */
  readonly tls?: TlsFiles;
  /**
   * DICOM_CONNECTION_BUDGET: file descriptors the DICOM connections of all listeners may hold
   * together; absent means derived from the process's open-file limit.
   */
  readonly dicomConnectionBudget?: number;
}

export interface LoadEnvironmentOptions {
  /** Directory that relative paths are resolved against; defaults to the process's. */
  readonly cwd?: string;
}

interface VariableSpec {
  /** JSON Schema of the value after type coercion, with its default if it has one. */
  readonly schema: Record<string, unknown>;
  /** What a valid value looks like, for the error line. */
  readonly expected: string;
  /** Never echo the value: it is a credential or may contain one. */
  readonly secret?: boolean;
}

const PORT = { type: 'integer', minimum: 1, maximum: 65535 };
const PORT_EXPECTED = 'a TCP port, an integer from 1 to 65535';
const TEXT = { type: 'string', minLength: 1 };

const VARIABLES = {
  DICOM_PORT: { schema: { ...PORT, default: 11112 }, expected: PORT_EXPECTED },
  DICOM_TLS_PORT: { schema: PORT, expected: PORT_EXPECTED },
  HTTP_PORT: { schema: { ...PORT, default: 8080 }, expected: PORT_EXPECTED },
  HTTP_BIND: { schema: { ...TEXT, default: '::' }, expected: 'an IPv4 or IPv6 address of this host, :: for every address or 0.0.0.0 for every IPv4 one' },
  STORAGE_LOCATION: { schema: TEXT, expected: 'a file:///path or s3://bucket/prefix URL, or a directory path' },
  S3_ENDPOINT: { schema: TEXT, expected: 'an http:// or https:// URL' },
  S3_REGION: { schema: { type: 'string', pattern: '^[a-z0-9-]+$' }, expected: 'a region name such as eu-west-1' },
  S3_ACCESS_KEY_ID: { schema: TEXT, expected: 'an access key id', secret: true },
  S3_SECRET_ACCESS_KEY: { schema: TEXT, expected: 'a secret access key', secret: true },
  S3_FORCE_PATH_STYLE: { schema: { type: 'boolean', default: false }, expected: 'true or false' },
  // Octal permission bits, as chmod takes them.
  STORAGE_FILE_MODE: { schema: { type: 'string', pattern: '^0?[0-7][0-7]{2}$', default: '0640' }, expected: 'octal permission bits such as 0640 (read-write for the owner, read for the group)' },
  STORAGE_DIRECTORY_MODE: { schema: { type: 'string', pattern: '^0?[0-7][0-7]{2}$', default: '0750' }, expected: 'octal permission bits such as 0750' },
  DATABASE_URL: { schema: TEXT, expected: 'a postgres:// or postgresql:// URL', secret: true },
  NATS_URL: { schema: TEXT, expected: 'comma-separated nats://, tls://, ws:// or wss:// URLs' },
  // JetStream allows at most 5 replicas of a stream.
  NATS_STREAM_REPLICAS: { schema: { type: 'integer', minimum: 1, maximum: 5, default: 1 }, expected: 'an integer from 1 to 5' },
  PRODUCTION_CONFIG: { schema: TEXT, expected: 'the path of a production.yaml file' },
  API_TOKEN: {
    // A bearer token guessable by brute force protects nothing; 16 visible ASCII characters is the floor.
    schema: { type: 'string', pattern: '^[!-~]{16,}$' },
    expected: 'at least 16 visible ASCII characters, no spaces',
    secret: true,
  },
  DATA_DIR: { schema: TEXT, expected: 'a directory path' },
  LOG_LEVEL: { schema: { enum: [...LOG_LEVELS], default: 'info' }, expected: `one of ${LOG_LEVELS.join(', ')}` },
  SHUTDOWN_GRACE_MS: {
    schema: { type: 'integer', minimum: 0, maximum: 3_600_000, default: 25_000 },
    expected: 'milliseconds, an integer from 0 to 3600000',
  },
  DICOM_CONNECTION_BUDGET: { schema: { type: 'integer', minimum: 1, maximum: 1_000_000 }, expected: 'a positive integer' },
  TLS_CERT_FILE: { schema: TEXT, expected: 'the path of a readable PEM certificate file' },
  TLS_KEY_FILE: { schema: TEXT, expected: 'the path of a readable PEM private key file' },
  TLS_CA_FILE: { schema: TEXT, expected: 'the path of a readable PEM CA bundle' },
} satisfies Record<string, VariableSpec>;

type VariableName = keyof typeof VARIABLES;
type Raw = Partial<Record<VariableName, string>>;
type Parsed = Partial<Record<VariableName, string | number | boolean>>;

const validate = new Ajv2020({ allErrors: true, coerceTypes: true, useDefaults: true, strict: true }).compile({
  type: 'object',
  properties: Object.fromEntries(Object.entries(VARIABLES).map(([name, spec]) => [name, spec.schema])),
});

/**
 * Reads, validates and freezes the environment. Every bad value is reported in one ConfigError, one
 * line per variable, naming it, showing the value (credentials redacted) and saying what is expected.
 * Unset and empty variables are treated alike, since Kubernetes manifests often render "" for "none".
 */
export function loadEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadEnvironmentOptions = {},
): Environment {
  const cwd = options.cwd ?? process.cwd();
  const raw: Raw = {};
  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }

  // ajv coerces and fills defaults in place; `raw` keeps what the operator wrote, for error lines.
  const parsed: Parsed = { ...raw };
  const issues = new Map<VariableName, string>();
  const bad = (name: VariableName, reason?: string): void => {
    if (issues.has(name)) return;
    const spec: VariableSpec = VARIABLES[name];
    const given = raw[name];
    const fallback = parsed[name];
    let shown: string;
    if (given !== undefined) shown = spec.secret ? '=(value hidden)' : `=${JSON.stringify(withoutUserInfo(given))}`;
    else shown = fallback === undefined ? ' unset' : ` unset (default ${JSON.stringify(fallback)})`;
    issues.set(name, `${name}${shown}: expected ${reason ?? spec.expected}`);
  };

  if (!validate(parsed)) {
    for (const error of validate.errors ?? []) bad(error.instancePath.slice(1) as VariableName);
  }
  const value = <T extends string | number | boolean>(name: VariableName): T | undefined =>
    issues.has(name) ? undefined : (parsed[name] as T | undefined);

  const dataDir = resolve(cwd, value<string>('DATA_DIR') ?? 'data');
  const storageLocation = parseStorageLocation(value('STORAGE_LOCATION'), dataDir, cwd, (reason) =>
    bad('STORAGE_LOCATION', reason),
  );
  const s3 = storageLocation?.startsWith('s3:') ? s3Settings(value, bad) : undefined;
  checkUrl('DATABASE_URL', value('DATABASE_URL'), ['postgres:', 'postgresql:'], bad);
  for (const server of value<string>('NATS_URL')?.split(',') ?? []) {
    checkUrl('NATS_URL', server.trim(), ['nats:', 'tls:', 'ws:', 'wss:'], bad);
  }
  checkDistinctPorts(value, bad);
  const httpBind = value<string>('HTTP_BIND');
  // A literal only, as listeners' bindAddress: a host name could resolve to another address later.
  if (httpBind !== undefined && isIP(httpBind) === 0) bad('HTTP_BIND');
  const tls = tlsFiles(value, cwd, bad);

  if (issues.size > 0) throw new ConfigError('environment', [...issues.values()]);
  const production = value<string>('PRODUCTION_CONFIG');
  return deepFreeze({
    dicomPort: value<number>('DICOM_PORT') as number,
    dicomTlsPort: value<number>('DICOM_TLS_PORT'),
    httpPort: value<number>('HTTP_PORT') as number,
    httpBind: value<string>('HTTP_BIND') as string,
    storageLocation: storageLocation as string,
    s3,
    storageModes: { file: parseInt(value<string>('STORAGE_FILE_MODE') ?? '0640', 8), directory: parseInt(value<string>('STORAGE_DIRECTORY_MODE') ?? '0750', 8) },
    databaseUrl: value<string>('DATABASE_URL'),
    natsUrl: value<string>('NATS_URL'),
    natsStreamReplicas: value<number>('NATS_STREAM_REPLICAS') as number,
    productionConfig: production === undefined ? DEMO_PRODUCTION_PATH : resolve(cwd, production),
    apiToken: value<string>('API_TOKEN'),
    dataDir,
    logLevel: value<LogLevel>('LOG_LEVEL') as LogLevel,
    shutdownGraceMs: value<number>('SHUTDOWN_GRACE_MS') as number,
    tls,
    dicomConnectionBudget: value<number>('DICOM_CONNECTION_BUDGET'),
  });
}

type Lookup = <T extends string | number | boolean>(name: VariableName) => T | undefined;
type Report = (name: VariableName, reason?: string) => void;

/** docs/architecture.md §4: a `file:` or `s3:` URL; a bare path is taken as a directory, which is what people type. */
function parseStorageLocation(
  text: string | undefined,
  dataDir: string,
  cwd: string,
  report: (reason?: string) => void,
): string | undefined {
  if (text === undefined) return pathToFileURL(join(dataDir, 'storage')).href;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text) || isAbsolute(text)) return pathToFileURL(resolve(cwd, text)).href;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol === 'file:' && url.pathname !== '/' && url.host === '') return url.href;
  if (url?.protocol === 's3:' && url.hostname !== '') return url.href;
  report(url?.protocol === 's3:' ? 'an s3://bucket/prefix URL naming a bucket' : undefined);
  return undefined;
}

function s3Settings(value: Lookup, report: Report): S3Settings {
  checkUrl('S3_ENDPOINT', value('S3_ENDPOINT'), ['http:', 'https:'], report);
  const accessKeyId = value<string>('S3_ACCESS_KEY_ID');
  const secretAccessKey = value<string>('S3_SECRET_ACCESS_KEY');
  if (accessKeyId === undefined && secretAccessKey !== undefined) {
    report('S3_ACCESS_KEY_ID', 'a value, since S3_SECRET_ACCESS_KEY is set');
  } else if (accessKeyId !== undefined && secretAccessKey === undefined) {
    report('S3_SECRET_ACCESS_KEY', 'a value, since S3_ACCESS_KEY_ID is set');
  }
  return {
    endpoint: value<string>('S3_ENDPOINT'),
    region: value<string>('S3_REGION'),
    accessKeyId,
    secretAccessKey,
    forcePathStyle: value<boolean>('S3_FORCE_PATH_STYLE') ?? false,
  };
}

function checkUrl(name: VariableName, text: string | undefined, protocols: string[], report: Report): void {
  if (text === undefined) return;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !protocols.includes(url.protocol) || url.hostname === '') report(name);
}

/** Two listeners cannot share a port; catching it here names the variables instead of an EADDRINUSE. */
function checkDistinctPorts(value: Lookup, report: Report): void {
  const names: VariableName[] = ['DICOM_PORT', 'DICOM_TLS_PORT', 'HTTP_PORT'];
  const seen = new Map<number, VariableName>();
  for (const name of names) {
    const port = value<number>(name);
    if (port === undefined) continue;
    const other = seen.get(port);
    if (other) report(name, `a port different from ${other} (${port})`);
    else seen.set(port, name);
  }
}

function tlsFiles(value: Lookup, cwd: string, report: Report): TlsFiles | undefined {
  const certFile = readable('TLS_CERT_FILE', value, cwd, report);
  const keyFile = readable('TLS_KEY_FILE', value, cwd, report);
  const caFile = readable('TLS_CA_FILE', value, cwd, report);
  const tlsPort = value<number>('DICOM_TLS_PORT') !== undefined;
  const required = tlsPort || value('TLS_CERT_FILE') || value('TLS_KEY_FILE') || value('TLS_CA_FILE');
  if (!required) return undefined;
  const why = tlsPort ? 'a readable PEM file: DICOM_TLS_PORT is set' : 'a readable PEM file: the TLS files go together';
  if (value('TLS_CERT_FILE') === undefined) report('TLS_CERT_FILE', why);
  if (value('TLS_KEY_FILE') === undefined) report('TLS_KEY_FILE', why);
  if (certFile === undefined || keyFile === undefined) return undefined;
  return { certFile, keyFile, caFile, verifyClientCertificates: caFile !== undefined };
}

function readable(name: VariableName, value: Lookup, cwd: string, report: Report): string | undefined {
  const file = value<string>(name);
  if (file === undefined) return undefined;
  const path = resolve(cwd, file);
  try {
    accessSync(path, constants.R_OK);
    return path;
  } catch {
    report(name, `${VARIABLES[name].expected} (${path} cannot be read)`);
    return undefined;
  }
}

/** `nats://user:password@host` → `nats://***@host`: error lines end up in logs. */
function withoutUserInfo(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//***@');
}
