import { ConfigError, loadEnvironment, loadProduction, type ProductionConfig, type S3Settings, type TlsFiles } from '@dicom-router/config';
import { compileCondition } from '@dicom-router/routing-rules';

/** What the filer's runtime needs, standalone or hosted in the all-in-one process. */
export interface FilerOptions {
  production: ProductionConfig;
  /** Where the gateway stored the objects: the filer reads them back from the same place. */
  storageLocation: string;
  s3?: S3Settings;
  tls?: TlsFiles;
  /** Durable consumer shared by every replica (ASYNC_FILER_CONSUMER). */
  consumerName: string;
  /** A claimed (session, filer) batch is this replica's for this long unless renewed (ASYNC_FILER_LEASE_SECONDS). */
  leaseMs: number;
  /**
   * A session whose release was never seen is delivered once nothing arrived on it for this long
   * (ASYNC_FILER_SESSION_IDLE_SECONDS): association lifecycle events are not durable.
   */
  sessionIdleMs: number;
  /** How often an idle replica looks for released sessions (ASYNC_FILER_POLL_MS). */
  pollMs: number;
  /** Batches delivered at once by one replica (ASYNC_FILER_CONCURRENCY). */
  concurrency: number;
  /** Optional: POSTed the alert event as JSON (ALERT_WEBHOOK_URL). */
  alertWebhookUrl?: string;
  /** Optional: alerts also sent by e-mail (SMTP_URL, ALERT_EMAIL_FROM, ALERT_EMAIL_TO). */
  alertEmail?: AlertEmailSettings;
}

export interface AlertEmailSettings {
  /** `smtp://[user:password@]host:port` or `smtps://…`. */
  smtpUrl: string;
  from: string;
  to: string[];
}

/** Defaults of the ASYNC_FILER_* tuning. */
export const FILER_DEFAULTS = {
  consumerName: 'async-filer',
  leaseMs: 30_000,
  sessionIdleMs: 900_000,
  pollMs: 1000,
  concurrency: 4,
} as const;

export interface FilerSettings extends FilerOptions {
  httpPort: number;
  /** HTTP_BIND: the address HTTP listens on. */
  httpBind: string;
  logLevel: string;
  natsUrl: string;
  databaseUrl: string;
  dataDir: string;
  apiToken?: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}: must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
    return fallback;
  }
  return value;
}

/**
 * docs/architecture.md §4 variables async-filer needs: NATS_URL and DATABASE_URL (required: standalone, the
 * queue is in PostgreSQL and the work arrives over JetStream), STORAGE_LOCATION (+ S3_*),
 * PRODUCTION_CONFIG, HTTP_PORT, API_TOKEN, LOG_LEVEL, TLS_*; and its own ASYNC_FILER_* tuning.
 */
export function loadFilerSettings(env: NodeJS.ProcessEnv = process.env): FilerSettings {
  const environment = loadEnvironment(env);
  const problems: string[] = [];
  if (!environment.natsUrl) problems.push('NATS_URL: required: async-filer consumes the stored and association events from NATS JetStream');
  if (!environment.databaseUrl) problems.push('DATABASE_URL: required: the queue of every replica lives in one PostgreSQL database');
  const options = readFilerOptions(env, environment, problems);
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return {
    httpPort: environment.httpPort,
    httpBind: environment.httpBind,
    logLevel: environment.logLevel,
    natsUrl: environment.natsUrl as string,
    databaseUrl: environment.databaseUrl as string,
    dataDir: environment.dataDir,
    apiToken: environment.apiToken,
    ...options,
  };
}

/**
 * What the filer itself reads, the same standalone and hosted in the all-in-one process (which has
 * its own bus, database and HTTP port): the production, where the objects are, the ASYNC_FILER_*
 * tuning and the alert channels. Every problem is reported at once.
 */
export function loadFilerOptions(env: NodeJS.ProcessEnv = process.env): FilerOptions {
  const problems: string[] = [];
  const options = readFilerOptions(env, loadEnvironment(env), problems);
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return options;
}

function readFilerOptions(env: NodeJS.ProcessEnv, environment: ReturnType<typeof loadEnvironment>, problems: string[]): FilerOptions {
  const production = loadProduction(environment.productionConfig, { checkCondition: compileCondition });
  const consumerName = env['ASYNC_FILER_CONSUMER'] ?? FILER_DEFAULTS.consumerName;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(consumerName)) problems.push(`ASYNC_FILER_CONSUMER: 1-64 letters, digits, '-' or '_' (got ${JSON.stringify(consumerName)})`);
  const leaseSeconds = integer(env, 'ASYNC_FILER_LEASE_SECONDS', FILER_DEFAULTS.leaseMs / 1000, 3, 3600, problems);
  const sessionIdleSeconds = integer(env, 'ASYNC_FILER_SESSION_IDLE_SECONDS', FILER_DEFAULTS.sessionIdleMs / 1000, 10, 7 * 86_400, problems);
  const pollMs = integer(env, 'ASYNC_FILER_POLL_MS', FILER_DEFAULTS.pollMs, 50, 60_000, problems);
  const concurrency = integer(env, 'ASYNC_FILER_CONCURRENCY', FILER_DEFAULTS.concurrency, 1, 256, problems);
  const webhook = env['ALERT_WEBHOOK_URL'];
  if (webhook !== undefined && webhook !== '' && !/^https?:\/\/\S+$/.test(webhook)) problems.push('ALERT_WEBHOOK_URL: must be an http(s) URL');
  const alertEmail = emailSettings(env, problems);
  return {
    production,
    storageLocation: environment.storageLocation,
    s3: environment.s3,
    tls: environment.tls,
    consumerName,
    leaseMs: leaseSeconds * 1000,
    sessionIdleMs: sessionIdleSeconds * 1000,
    pollMs,
    concurrency,
    ...(webhook ? { alertWebhookUrl: webhook } : {}),
    ...(alertEmail ? { alertEmail } : {}),
  };
}

const EMAIL = /^[^\s@<>,]+@[^\s@<>,]+$/;

/** SMTP_URL turns e-mail alerts on; it then needs ALERT_EMAIL_FROM and ALERT_EMAIL_TO (a comma list). */
function emailSettings(env: NodeJS.ProcessEnv, problems: string[]): AlertEmailSettings | undefined {
  const smtpUrl = env['SMTP_URL'];
  if (smtpUrl === undefined || smtpUrl === '') {
    if (env['ALERT_EMAIL_TO']) problems.push('ALERT_EMAIL_TO: needs SMTP_URL to send through');
    return undefined;
  }
  // The URL may carry credentials: never echo it.
  if (!/^smtps?:\/\/\S+$/.test(smtpUrl)) problems.push('SMTP_URL=(value hidden): must be smtp://[user:password@]host:port or smtps://…');
  const from = env['ALERT_EMAIL_FROM'] ?? '';
  if (!EMAIL.test(from)) problems.push(`ALERT_EMAIL_FROM: an e-mail address is required with SMTP_URL (got ${JSON.stringify(from)})`);
  const to = (env['ALERT_EMAIL_TO'] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (to.length === 0 || !to.every((a) => EMAIL.test(a))) problems.push(`ALERT_EMAIL_TO: one or more e-mail addresses, comma-separated, are required with SMTP_URL`);
  return { smtpUrl, from, to };
}
